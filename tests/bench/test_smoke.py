"""The benchmark's smoke mode on the tiny dataset: raw Cypher and the API give the same answers."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from neo4j import AsyncGraphDatabase

from bench.queries import QUERIES
from bench.run import smoke
from bench.targets import ApiTarget, RawCypherTarget
from bench.workload import analyst, biggest_agency, build_workload
from graph_api.db import connection_target

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    import neo4j

    from graph_api.settings import Settings

pytestmark = pytest.mark.usefixtures("tiny_graph")


async def test_raw_cypher_and_api_answer_every_query_alike(
    settings: Settings,
    driver: neo4j.Driver,
    database: str,
    client: httpx.AsyncClient,
    mint: Callable[..., Any],
) -> None:
    principal = analyst(biggest_agency(driver, database))
    workload = build_workload(driver, database, QUERIES, principal, count=6, seed=42)
    target = connection_target(settings)
    raw = RawCypherTarget(
        AsyncGraphDatabase.driver(
            target.uri, auth=(target.user, target.password), notifications_min_severity="OFF"
        ),
        database,
        principal,
    )
    token = mint(principal.agency, roles=tuple(principal.roles), clearance=principal.clearance)
    api = ApiTarget("api", client, token)  # the session's in-process client: not closed here
    try:
        found = await smoke([raw, api], QUERIES, workload)
    finally:
        await raw.close()
    assert found.problems == [], "\n".join(found.problems)
    assert all(found.non_empty.values()), found.non_empty
