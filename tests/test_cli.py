"""The command line: bad input and unreachable databases give one clear line, never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import neo4j

    from graph_api.settings import Settings

CLI = str(Path(sys.executable).parent / "graph-api")


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **env}
    return subprocess.run(  # noqa: S603
        [CLI, *args], capture_output=True, text=True, env=full_env, timeout=120, check=False
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], *words: str) -> None:
    assert result.returncode != 0
    output = (result.stdout + result.stderr).strip()
    assert "Traceback" not in output
    assert len(output.splitlines()) <= 2, output  # rich may wrap one long line
    for word in words:
        assert word in output, output


def test_seed_rejects_unknown_scale() -> None:
    assert_one_clear_line(run_cli("seed", "--scale", "bogus"), "bogus", "tiny")


def test_seed_rejects_negative_offenders() -> None:
    assert_one_clear_line(run_cli("seed", "--offenders", "-5"), "offenders")


def test_unreachable_database_is_one_line() -> None:
    result = run_cli("db", "status", NEO4J_URI="bolt://127.0.0.1:1", NEO4J_PASSWORD="x")
    assert_one_clear_line(result, "cannot reach Neo4j at bolt://127.0.0.1:1")


def test_wrong_password_is_one_line(settings: Settings, driver: neo4j.Driver) -> None:
    if not settings.uses_local_server:
        pytest.skip("needs the local server's port")
    uri = f"bolt://127.0.0.1:{settings.local_port}"
    result = run_cli("db", "status", NEO4J_URI=uri, NEO4J_PASSWORD="wrong-password")
    assert_one_clear_line(result, "refused the credentials")


def test_token_rejects_unknown_clearance() -> None:
    result = run_cli("token", "--user", "u1", "--agency", "MET", "--clearance", "TOP")
    assert_one_clear_line(result, "clearance must be one of")


def test_the_product_never_imports_the_benchmark() -> None:
    """`bench/` depends on the product, never the reverse: `graph-api bench` is added by the
    benchmark through an entry point (pyproject.toml, group `graph_api.commands`)."""
    import ast

    from graph_api.settings import PROJECT_ROOT

    for path in sorted((PROJECT_ROOT / "graph_api").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            assert not [n for n in names if n == "bench" or n.startswith("bench.")], path


def test_graph_api_bench_is_there_through_its_entry_point() -> None:
    shown = run_cli("bench", "--help")
    assert shown.returncode == 0, shown.stderr
    assert "--concurrency" in shown.stdout
    assert "--smoke" in shown.stdout


def test_serve_refuses_a_database_that_lacks_migrations(
    settings: Settings, driver: neo4j.Driver, database: str
) -> None:
    """A statement may name an index in a hint: `serve` names the missing migration and exits
    rather than answer some pages with a database error."""
    from graph_api.cypher_files import migrations

    latest = migrations()[-1]
    driver.execute_query(
        "MATCH (m:Migration {version: $v}) DELETE m", v=latest.version, database_=database
    )
    try:
        result = run_cli("serve", "--port", "1")  # refused before it would bind
        assert_one_clear_line(result, f"{latest.version:04d}_{latest.name}", "graph-api db migrate")
    finally:
        driver.execute_query(
            "MERGE (m:Migration {version: $v}) SET m.name = $name, m.checksum = $checksum, "
            "m.appliedAt = datetime()",
            v=latest.version, name=latest.name, checksum=latest.checksum, database_=database,
        )  # fmt: skip


def test_serve_names_a_trusted_documents_manifest_it_cannot_use(tmp_path: Path) -> None:
    """A manifest entry whose key is not its text's SHA-256: one line naming the file."""
    manifest = tmp_path / "trusted.json"
    manifest.write_text('{"abc": "query { me { userId } }"}')
    wide = {
        "COLUMNS": "250",
        "GRAPH_API_TRUSTED_DOCUMENTS": str(manifest),
    }  # one line, path and all
    result = run_cli("serve", "--port", "1", **wide)
    assert_one_clear_line(result, "trusted document abc", "not the SHA-256 of its text")
