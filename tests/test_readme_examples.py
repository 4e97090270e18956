"""The README's examples run as written, on the demo data that `make run` loads (seed 1).

The demo dataset lives in an instance of its own (`readme`, port 7698), seeded once and kept
between runs, so the examples are checked against exactly what a new user sees. Each GraphQL
block of the README is sent with the token its comment names (or a MET analyst's), and must
answer data without errors; the identify example must find the nominal its comment shows.
"""

from __future__ import annotations

import json
import os
import re
import shlex
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.db import LocalServer, migrate, open_sync_driver
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Iterator

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
BLOCKS = re.findall(r"```graphql\n(.*?)```", README, re.DOTALL)
SECRET = "readme-secret-not-for-production-0123456789"


@pytest.fixture(scope="module")
def demo() -> Iterator[Settings]:
    """The demo data of `make run` in the `readme` instance, started (and seeded) if needed."""
    import seed

    settings = Settings(
        graph_api_local_instance="readme",
        # Its own port (GRAPH_API_README_PORT, 7698): worktrees side by side each set one.
        graph_api_local_port=int(os.environ.get("GRAPH_API_README_PORT", "7698")),
        graph_api_neo4j_heap="1g",
        graph_api_neo4j_pagecache="512m",
        graph_api_jwt_secret=SECRET,  # type: ignore[arg-type]
        neo4j_query_timeout_seconds=60,
        graph_api_request_deadline_seconds=90,
    )
    server = LocalServer(settings)
    server.start()
    driver, target = open_sync_driver(settings)
    try:
        migrate(driver, target.database)
        if seed.database_is_empty(driver, target.database):
            seed.load(driver, target.database, seed.plan("demo", None, 1))
    finally:
        driver.close()
    yield settings
    server.stop()


def _token(settings: Settings, comment: str) -> str:
    """The token a block's `graph-api token ...` comment names; else a MET analyst's."""
    found = re.search(r"graph-api token (.*)", comment)
    words = shlex.split(found.group(1)) if found else []
    options = dict(zip(words[::2], words[1::2], strict=False))
    return mint_token(
        settings,
        user=options.get("--user", "alice"),
        agency=options.get("--agency", "MET"),
        roles=[Role(role) for role in options.get("--roles", "ANALYST").split(",")],
        clearance=Classification(options.get("--clearance", "SECRET")),
        purpose=options.get("--purpose", "case review"),
    )


async def _post(settings: Settings, query: str, token: str, variables: dict[str, Any]) -> Any:
    import httpx

    from graph_api.app import create_app

    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://api") as http:
            response = await http.post(
                "/graphql",
                json={"query": query, "variables": variables},
                headers={"Authorization": f"Bearer {token}"},
            )
    finally:
        await app.state.database.close()
    body = response.json()
    assert response.status_code == 200, body
    assert "errors" not in body, (query, body)
    return body["data"]


def _met_offender(settings: Settings) -> str:
    """A MET offender whose addresses all began before the README's `recordAddress` example
    (2025-03-01), so the example can record its new main address (each run takes another)."""
    driver, target = open_sync_driver(settings)
    try:
        records, _, _ = driver.execute_query(
            "MATCH (o:Offender)-[m:MANAGED_BY]->(:Agency {code: 'MET'}) WHERE m.to IS NULL "
            "AND NOT EXISTS { MATCH (o)-[r:RESIDES_AT]->() WHERE r.from >= date('2025-03-01') } "
            "RETURN o.id AS id ORDER BY o.id LIMIT 1",
            database_=target.database,
        )
    finally:
        driver.close()
    return str(records[0]["id"])


def test_the_readme_has_its_examples() -> None:
    assert len(BLOCKS) >= 3
    assert "graph-api token" in README


async def test_the_curl_example(demo: Settings) -> None:
    line = next(line for line in README.splitlines() if line.strip().startswith("-H 'Content"))
    query = json.loads(line.split("-d '", 1)[1].rstrip("'"))["query"]
    data = await _post(demo, query, _token(demo, ""), {})
    assert data["me"]["agency"] == "MET"
    assert data["agencies"]


SUBSCRIPTIONS = [block for block in BLOCKS if block.lstrip().startswith("subscription")]


def test_the_subscription_example_is_the_one_that_runs() -> None:
    """A subscription needs a WebSocket: the README's is docs/examples/subscribe.py's document,
    which tests/events/test_subscriptions.py runs (`test_the_readme_example_follows_...`)."""
    example = (Path(__file__).resolve().parents[1] / "docs/examples/subscribe.py").read_text()
    assert SUBSCRIPTIONS
    for block in SUBSCRIPTIONS:
        assert block.strip() in example


@pytest.mark.parametrize("index", range(len(BLOCKS)))
async def test_each_graphql_example_answers_data(demo: Settings, index: int) -> None:
    block = BLOCKS[index]
    if block in SUBSCRIPTIONS:
        pytest.skip("a subscription: run over a WebSocket by tests/events")
    variables: dict[str, Any] = {}
    if "$id" in block:
        variables["id"] = _met_offender(demo)
    if "$input" in block:  # the recordAddress example: its input is in the comments
        variables["input"] = {
            "offenderId": _met_offender(demo),
            "from": "2025-03-01",
            "address": {"line1": "1 High St", "town": "Leeds", "postcode": "ls1 4ap"},
        }
        token = mint_token(
            demo, user="olivia", agency="MET", roles=[Role.OFFENDER_MANAGER],
            clearance=Classification.SECRET, purpose="case review",
        )  # fmt: skip
    else:
        token = _token(demo, block)
    data = await _post(demo, block, token, variables)
    assert any(value for value in data.values()), data
    if "identify" in data:  # the comment shows the reasons the witness enquiry answers
        shown = re.search(r"# (\[.*)", block)
        assert shown is not None
        for reason in re.findall(r'"([^"]+)"', shown.group(1)):
            assert reason in data["identify"][0]["reasons"], (reason, data["identify"])
