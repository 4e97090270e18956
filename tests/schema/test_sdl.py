"""The committed schema.graphql is exactly what the code serves."""

from __future__ import annotations

from graph_api.schema import build_schema
from graph_api.settings import PROJECT_ROOT


def test_schema_graphql_matches_the_code() -> None:
    committed = (PROJECT_ROOT / "schema.graphql").read_text()
    assert committed == build_schema().as_str() + "\n", (
        "schema.graphql is stale: run `graph-api schema --write` and commit it"
    )
