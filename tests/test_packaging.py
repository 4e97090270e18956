"""A built wheel runs on its own: the Cypher it runs travels inside the package."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from typing import TYPE_CHECKING

from graph_api.settings import PROJECT_ROOT

if TYPE_CHECKING:
    from pathlib import Path


def test_the_wheel_carries_its_cypher_and_finds_it_outside_the_checkout(tmp_path: Path) -> None:
    built = tmp_path / "wheel"
    subprocess.run(  # noqa: S603 - our own interpreter and checkout
        [sys.executable, "-m", "pip", "wheel", str(PROJECT_ROOT), "--no-deps", "-q", "-w",
         str(built)],
        check=True,
        timeout=300,
    )  # fmt: skip
    [wheel] = built.glob("offender_graph_api-*.whl")
    unpacked = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        archive.extractall(unpacked)
    shipped = sorted((unpacked / "graph_api" / "cypher").rglob("*.cypher"))
    in_checkout = sorted((PROJECT_ROOT / "cypher").rglob("*.cypher"))
    assert [p.name for p in shipped] == [p.name for p in in_checkout]
    # From the unpacked wheel, away from the checkout, the package reads its own copy.
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); from graph_api import cypher_files; "
        "print(cypher_files.CYPHER_DIR); print(len(cypher_files.migrations())); "
        "print(len(cypher_files.write('record_address')) > 0)"
    )
    out = subprocess.run(  # noqa: S603 - our own interpreter and probe
        [sys.executable, "-c", probe, str(unpacked)],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
        timeout=60,
    ).stdout.split()
    assert out[0] == str(unpacked / "graph_api" / "cypher")
    assert int(out[1]) == len(list((PROJECT_ROOT / "cypher" / "migrations").glob("*.cypher")))
    assert out[2] == "True"
