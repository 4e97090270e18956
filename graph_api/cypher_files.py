"""Reads the Cypher kept as `.cypher` files under `cypher/`: migrations and hand-written queries."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from graph_api.settings import PROJECT_ROOT

#: The repository's `cypher/` in a checkout (and an editable install); a built wheel carries
#: the same files inside the package, as `graph_api/cypher/` (pyproject.toml, force-include).
_PACKAGED = Path(__file__).resolve().parent / "cypher"
CYPHER_DIR = _PACKAGED if _PACKAGED.is_dir() else PROJECT_ROOT / "cypher"
_MIGRATION_NAME = re.compile(r"^(\d{4})_([a-z0-9_]+)\.cypher$")


@dataclass(frozen=True)
class Migration:
    """One numbered schema migration file, split into statements."""

    version: int
    name: str
    statements: tuple[str, ...]
    checksum: str


def split_statements(text: str) -> tuple[str, ...]:
    """Statements of a Cypher file: `;` at a line end separates them; `//` lines are comments."""
    lines = [line for line in text.splitlines() if not line.strip().startswith("//")]
    parts = re.split(r";\s*$", "\n".join(lines), flags=re.MULTILINE)
    return tuple(part.strip() for part in parts if part.strip())


def migrations(folder: Path = CYPHER_DIR / "migrations") -> list[Migration]:
    """All migrations in version order; file names are `NNNN_snake_name.cypher`."""
    found = []
    for path in sorted(folder.glob("*.cypher")):
        match = _MIGRATION_NAME.match(path.name)
        if match is None:
            raise ValueError(f"migration file {path.name} is not named NNNN_snake_name.cypher")
        text = path.read_text()
        found.append(
            Migration(
                version=int(match.group(1)),
                name=match.group(2),
                statements=split_statements(text),
                checksum=hashlib.sha256(text.encode()).hexdigest(),
            )
        )
    versions = [m.version for m in found]
    if len(set(versions)) != len(versions):
        raise ValueError("two migration files share a version number")
    return found


@cache
def query(name: str) -> str:
    """The text of `cypher/queries/<name>.cypher` (one statement), read once; a line
    `// include: fragment` stands for `cypher/queries/_fragment.cypher` (see `write`)."""
    return _statement(CYPHER_DIR / "queries", name)


@cache
def query_fragment(name: str) -> str:
    """The text of `cypher/queries/_<name>.cypher`, a part of statements composed elsewhere."""
    return _statement(CYPHER_DIR / "queries", f"_{name}")


@cache
def alert(name: str) -> str:
    """The fragment of `cypher/alerts/<name>.cypher`: one kind of alert falling due, joined
    with the others by `planner.alerts` (so it holds one query part, with its RETURN)."""
    statements = split_statements((CYPHER_DIR / "alerts" / f"{name}.cypher").read_text())
    if len(statements) != 1:
        raise ValueError(f"cypher/alerts/{name}.cypher must hold exactly one query")
    return statements[0]


_INCLUDE = re.compile(r"^// include: ([a-z0-9_]+)$", re.MULTILINE)


@cache
def write(name: str) -> str:
    """The statement of `cypher/writes/<name>.cypher`, read once.

    A line `// include: fragment` stands for the text of `cypher/writes/_fragment.cypher`, so
    the writer's permission check is written once and shared by every write statement.
    """
    return _statement(CYPHER_DIR / "writes", name)


def _statement(folder: Path, name: str) -> str:
    """The one statement of `folder/<name>.cypher`, its includes (from the same folder) in."""
    text = _INCLUDE.sub(
        lambda match: (folder / f"_{match.group(1)}.cypher").read_text(),
        (folder / f"{name}.cypher").read_text(),
    )
    statements = split_statements(text)
    if len(statements) != 1:
        raise ValueError(f"cypher/{folder.name}/{name}.cypher must hold exactly one statement")
    return statements[0]
