"""No GraphQL work for a caller who is nobody, and work linear in the document for everyone.

An outside review sent, with no token, 20 fragments each spreading the one before twice: the
depth, alias and cost walks expanded every spread (2^20 paths, 6.4 s, the event loop stalled).
Now identity is checked before parsing, and every walk visits each fragment once.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

pytestmark = pytest.mark.usefixtures("tiny_graph")

#: 40 levels: were any walk still exponential, 2^40 steps would never finish.
LEVELS = 40


def doubling_fragments(levels: int, leaf: str, on: str = "Query") -> str:
    """A document whose fragment k spreads fragment k-1 twice."""
    parts = [f"fragment F0 on {on} {{ {leaf} }}"]
    parts += [f"fragment F{k} on {on} {{ ...F{k - 1} ...F{k - 1} }}" for k in range(1, levels)]
    return f"query {{ ...F{levels - 1} }} " + " ".join(parts)


async def post(http: httpx.AsyncClient, query: str, token: str | None = None) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # A generous bound: the answer takes milliseconds; an exponential walk would never end.
    return await asyncio.wait_for(
        http.post("/graphql", json={"query": query}, headers=headers), timeout=60
    )


async def test_no_token_is_refused_before_the_document_is_read(
    serve: Callable[..., Any],
) -> None:
    async with serve(graph_api_max_tokens=100_000) as http:
        response = await post(http, doubling_fragments(LEVELS, "me { userId }"))
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "UNAUTHENTICATED"
        # Not even syntax is looked at without an identity.
        garbage = await post(http, "{{{{ not graphql")
        assert garbage.status_code == 401


async def test_doubling_fragments_are_walked_once_each(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve(graph_api_max_tokens=100_000) as http:
        response = await post(http, doubling_fragments(LEVELS, "me { userId }"), mint("MET"))
        body = response.json()
        # Counted per spread, as an alias or cost would be, this document is refused by a limit
        # or answered: either way at once, with a code.
        if "errors" in body:
            assert body["errors"][0]["extensions"]["code"] == "LIMIT_EXCEEDED", body
        else:
            assert body["data"] == {"me": {"userId": "tester"}}


async def test_doubling_fragments_with_aliases_hit_the_alias_limit_at_once(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve(graph_api_max_tokens=100_000) as http:
        response = await post(http, doubling_fragments(LEVELS, "a: me { userId }"), mint("MET"))
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "alias limit" in error["message"]


async def test_nested_doubling_fragments_hit_the_depth_limit_at_once(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    parts = ["fragment F0 on Offender { surname }"]
    parts += [
        f"fragment F{k} on Offender {{ associates {{ edges {{ person {{ ... on Offender "
        f"{{ ...F{k - 1} ...F{k - 1} }} }} }} }} }}"
        for k in range(1, 25)
    ]
    query = 'query { offender(id: "off_0000001") { ...F24 } } ' + " ".join(parts)
    async with serve(graph_api_max_tokens=100_000) as http:
        response = await post(http, query, mint("MET"))
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "LIMIT_EXCEEDED"
        assert "depth limit" in error["message"]


async def test_an_unknown_fragment_is_bad_input_with_a_code(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    body = await graphql("{ ...Nope }", token=mint("MET"))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Nope" in error["message"]


async def test_two_operations_without_a_name_are_refused(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    body = await graphql(
        "query A { me { userId } } query B { agencies { code } }", token=mint("MET")
    )
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "operation name" in error["message"].lower()


@pytest.mark.parametrize(
    "query",
    [
        "{ agencys { code } }",  # a root field
        "{ me { userid } }",  # a field
        "{ searchMarks(type: TATOO) { edges { score } } }",  # an enum value
        '{ searchOffenders(nam: "x") { edges { score } } }',  # an argument
        "query ($f: OffenderFiltr) { offenders(filter: $f) { edges { cursor } } }",  # a type
        "{ offenders(filter: {riskLevel: [HIGH]}) { edges { cursor } } }",  # an input field
    ],
)
async def test_production_suggests_no_names(
    graphql: Callable[..., Any], mint: Callable[..., str], query: str
) -> None:
    body = await graphql(query, token=mint("MET"))
    assert body["errors"], body
    for error in body["errors"]:
        assert "Did you mean" not in error["message"], error
        assert error["extensions"]["code"], error


async def test_a_bad_enum_variable_suggests_nothing(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    query = "query ($t: MarkType) { searchMarks(type: $t) { edges { score } } }"
    body = await graphql(query, {"t": "TATOO"}, token=mint("MET"))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert "Did you mean" not in error["message"]
