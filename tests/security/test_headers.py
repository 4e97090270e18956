"""Header limits and request ids: nothing a client sends in a header is kept unbounded or
trusted as the server's own.

An outside review stored an 8 MB `X-Purpose` verbatim in an audit record, had a 1 MB
`Authorization` header parsed, and gave two users' records one spoofed request id.
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.identity import MAX_PURPOSE_CHARACTERS

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

pytestmark = pytest.mark.usefixtures("tiny_graph")

READ = {"query": '{ offender(id: "off_0000001") { id } }'}


def bearer(token: str, **more: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", **more}


async def test_a_header_over_the_value_limit_is_431(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve() as http:
        huge_purpose = await http.post(
            "/graphql", json=READ, headers=bearer(mint("MET"), **{"X-Purpose": "p" * 20_000})
        )
        huge_token = await http.post("/graphql", json=READ, headers=bearer("x" * 1_000_000))
    for response in (huge_purpose, huge_token):
        assert response.status_code == 431
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "header" in error["message"]


async def test_many_headers_over_the_total_limit_are_431(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    many = {f"X-Pad-{n}": "v" * 1_000 for n in range(20)}
    async with serve() as http:
        response = await http.post("/graphql", json=READ, headers=bearer(mint("MET"), **many))
    assert response.status_code == 431


async def test_a_purpose_is_at_most_500_characters(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    too_long = "p" * (MAX_PURPOSE_CHARACTERS + 1)
    for token, headers in (
        (mint("MET"), {"X-Purpose": too_long}),
        (mint("MET", purpose=too_long), {}),
    ):
        body = await graphql(READ["query"], token=token, headers=headers)
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert "500 characters" in error["message"]
    fits = await graphql(READ["query"], token=mint("MET", purpose="p" * 500))
    assert "errors" not in fits


async def test_the_request_id_is_the_servers_and_the_clients_is_a_correlation_id(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    spoofed = "shared-" + uuid.uuid4().hex
    for user in ("first-user", "second-user"):
        await graphql(
            READ["query"], token=mint("MET", user=user), headers={"X-Request-Id": spoofed}
        )
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditRecord {correlationId: $c}) RETURN a.requestId AS id, a.userId AS user",
        c=spoofed,
    )
    assert {r["user"] for r in records} == {"first-user", "second-user"}
    assert len({r["id"] for r in records}) == 2
    assert spoofed not in {r["id"] for r in records}
    junk = await graphql(READ["query"], token=mint("MET"), headers={"X-Request-Id": "<script>"})
    assert "errors" not in junk


async def test_a_response_names_its_request_id(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve() as http:
        response = await http.post("/graphql", json=READ, headers=bearer(mint("MET")))
    assert len(response.headers["x-request-id"]) == 32
