"""Request limits (docs/design.md §9): each answers LIMIT_EXCEEDED naming the limit and its value,
a request just under each passes, and the documented queries fit the production defaults."""

from __future__ import annotations

import re
import time
from typing import TYPE_CHECKING, Any

import pytest
from graphql import parse

from graph_api import cypher_files
from graph_api.db import Database
from graph_api.schema import build_schema
from graph_api.schema.limits import operation_cost
from graph_api.settings import PROJECT_ROOT, Settings

from .test_read_api import NESTED
from .test_read_api import busy_offender as busy_offender  # the fixture, shared

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx

pytestmark = pytest.mark.usefixtures("tiny_graph")

SCHEMA = build_schema()._schema
README = (PROJECT_ROOT / "README.md").read_text()
#: The nested example of the README's "The read API" section.
README_QUERY = re.search(r"```graphql\n(.*?)```", README, re.DOTALL).group(1)  # type: ignore[union-attr]


def chain(levels: int, first: int = 100) -> str:
    """`levels` associate connections, each inside the last, `first` people each."""
    inner = "id"
    for _ in range(levels):
        inner = f"associates(first: {first}) {{ edges {{ person {{ ... on Offender {{ {inner} }} }} }} }}"
    return f'offender(id: "off_0000001") {{ {inner} }}'


async def ask(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, token: str = ""
) -> dict[str, Any]:
    response = await http.post(
        "/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}"} if token else {},
    )
    assert response.status_code in (200, 503), response.text  # 503: the database is down
    body: dict[str, Any] = response.json()
    return body


def refused(body: dict[str, Any], *words: str) -> str:
    """The one LIMIT_EXCEEDED error of a refused request; its message has all `words`."""
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "LIMIT_EXCEEDED", error
    for word in words:
        assert word in error["message"], error
    message: str = error["message"]
    return message


def passed(body: dict[str, Any]) -> None:
    assert "errors" not in body, body
    assert body["data"] is not None


# --- the defaults ----------------------------------------------------------------------------


def test_every_limit_is_configurable_and_documented(monkeypatch: pytest.MonkeyPatch) -> None:
    limits = {
        "GRAPH_API_MAX_BODY_BYTES": ("graph_api_max_body_bytes", "65536"),
        "GRAPH_API_MAX_TOKENS": ("graph_api_max_tokens", "1000"),
        "GRAPH_API_MAX_DEPTH": ("graph_api_max_depth", "15"),
        "GRAPH_API_MAX_ALIASES": ("graph_api_max_aliases", "15"),
        "GRAPH_API_MAX_COST": ("graph_api_max_cost", "2000000"),
    }
    defaults = Settings()
    for variable, (field, default) in limits.items():
        assert getattr(defaults, field) == int(default)
        assert Settings.model_fields[field].description
        row = next(line for line in README.splitlines() if f"`{variable}`" in line)
        assert f"{int(default):,}" in row, row
        monkeypatch.setenv(variable, str(int(default) - 1))
        assert getattr(Settings(), field) == int(default) - 1


def test_the_documented_queries_cost_less_than_the_default_limit() -> None:
    limit = Settings().graph_api_max_cost
    assert operation_cost(SCHEMA, parse(README_QUERY)) == 8_421  # 1 + 20 + 20² + 20³
    assert operation_cost(SCHEMA, parse(NESTED)) == 1_010_101  # 1 + 100 + 100² + 100³
    assert operation_cost(SCHEMA, parse(NESTED)) < limit
    assert operation_cost(SCHEMA, parse("{" + chain(5) + "}")) > limit  # 1 + ... + 100⁴


async def test_the_documented_queries_pass_the_default_limits(
    serve: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    token = mint(busy_offender["agency"])
    async with serve() as http:
        for query in (README_QUERY, NESTED):
            body = await ask(http, query, {"id": busy_offender["id"]}, token)
            passed(body)
            assert body["data"]["offender"]["addresses"]["edges"]


async def test_five_nested_connections_of_100_are_refused(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """Too deep (16 levels) and too dear (101,010,101): refused before it reaches Neo4j."""
    async with serve() as http:
        refused(await ask(http, "{" + chain(5) + "}", token=mint("MET")), "limit")


# --- cost ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "variables", "cost"),
    [
        ("{ me { userId } agencies { code } }", {}, 2),  # every root field costs at least 1
        ('{ offender(id: "x") { surname addresses { totalCount } } }', {}, 1),
        (
            '{ offender(id: "x") { addresses { edges { address { residents { totalCount } } } } } }',
            {},
            21,
        ),
        (  # a variable page size, and the default of a variable
            "query($n: Int!, $m: Int = 7) { offenders(first: $n) { edges { node {"
            " vehicles(first: $m) { edges { vehicle { users { totalCount } } } } } } } }",
            {"n": 3},
            1 + 3 * (1 + 7 * 1),
        ),
        (  # a page size out of range counts as the largest page (the field then refuses it)
            "{ offenders(first: 100000) { edges { node { addresses { totalCount } } } } }",
            {},
            1 + 100 * 1,
        ),
        (  # fragments count where they are spread; a union counts its dearest member
            'query { offender(id: "x") { ...Lists } } '
            "fragment Lists on Offender { associates(first: 10) { edges { person {"
            " ... on Associate { vehicles(first: 5) { totalCount } }"
            " ... on Offender { addresses(first: 2) { totalCount } vehicles(first: 3) { totalCount } }"
            " } } } }",
            {},
            1 + 10 * max(1, 1 + 1),
        ),
        (  # a list without a page size counts as a page of 20
            '{ commonAssociates(firstId: "a", secondId: "b") { ... on Offender { marks { totalCount } } } }',
            {},
            1 + 20 * 1,
        ),
    ],
)
def test_cost(query: str, variables: dict[str, Any], cost: int) -> None:
    assert operation_cost(SCHEMA, parse(query), None, variables) == cost


async def test_cost_limit(serve: Callable[..., Any], mint: Callable[..., str]) -> None:
    token = mint("MET")
    query = (
        "query($n: Int!) { offenders(first: $n) { edges { node { addresses { totalCount } } } } }"
    )
    async with serve(graph_api_max_cost=41) as http:
        passed(await ask(http, query, {"n": 40}, token))  # 1 + 40
        message = refused(await ask(http, query, {"n": 41}, token), "cost limit of 41")
        assert "42" in message  # the estimate too


async def test_cost_limit_counts_aliased_copies(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """Four levels of 100 fit the default; the same walk twice does not."""
    token = mint("MET")
    async with serve() as http:
        passed(await ask(http, "{ a: " + chain(4) + " }", token=token))
        refused(
            await ask(http, "{ a: " + chain(4) + " b: " + chain(4) + " }", token=token),
            "2020202",
            "cost limit of 2000000",
        )


# --- depth, aliases, tokens ------------------------------------------------------------------


async def test_depth_limit(serve: Callable[..., Any], mint: Callable[..., str]) -> None:
    token = mint("MET")
    three = '{ offender(id: "off_0000001") { addresses { edges { from } } } }'  # depth 3
    four = '{ offender(id: "off_0000001") { addresses { edges { address { id } } } } }'
    async with serve(graph_api_max_depth=3) as http:
        passed(await ask(http, three, token=token))
        refused(await ask(http, four, token=token), "depth limit of 3")
        spread = "query { ...Deep } fragment Deep on Query " + four  # counted where spread
        refused(await ask(http, spread, token=token), "depth limit of 3")


async def test_a_deeply_nested_document_is_a_depth_error(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """300 levels (under the token limit): the parser's own recursion stop, or the depth
    limit after it, answers with the depth limit."""
    async with serve() as http:
        body = await ask(http, "{" + " me {" * 300 + " userId" + " }" * 301, token=mint("MET"))
    refused(body, "depth limit of 15")


async def test_alias_limit(serve: Callable[..., Any], mint: Callable[..., str]) -> None:
    token = mint("MET")
    async with serve(graph_api_max_aliases=2) as http:
        passed(await ask(http, "{ a: me { userId } b: me { agency } }", token=token))
        body = await ask(http, "{ a: me { userId } b: me { agency } c: me { roles } }", token=token)
        refused(body, "alias limit of 2")


async def test_token_limit(serve: Callable[..., Any], mint: Callable[..., str]) -> None:
    token = mint("MET")
    query = "{ me { userId agency } }"  # 7 tokens
    async with serve(graph_api_max_tokens=10) as http:
        passed(await ask(http, query, token=token))
        body = await ask(
            http, "{ me { userId agency clearance purpose roles } me { userId } }", token=token
        )
        refused(body, "token limit of 10 tokens")
        # Comments are read too, so they count.
        refused(await ask(http, query + " #\n" * 5, token=token), "token limit of 10")


async def test_page_size_stays_bad_user_input(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve() as http:
        body = await ask(
            http, "{ offenders(first: 1000000) { edges { cursor } } }", token=mint("MET")
        )
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "first" in body["errors"][0]["message"]


# --- database timeout and masked errors -----------------------------------------------------

#: Tiny answers everything in milliseconds, and Neo4j looks for overdue transactions about once
#: a second; so the planned statements are swapped for one the server needs seconds to run.
SLOW = "UNWIND range(1, 500000000) AS x RETURN count(x) AS n"
AGENCIES = cypher_files.query("agencies")  # identity reads it to check the token's agency


async def test_a_slow_statement_times_out_as_unavailable(
    serve: Callable[..., Any], mint: Callable[..., str], monkeypatch: pytest.MonkeyPatch
) -> None:
    run = Database._run  # every statement, read or write (the read's own audit record)

    async def slow(self: Database, cypher: str, parameters: Any, routing: Any) -> Any:
        return await run(self, cypher if cypher == AGENCIES else SLOW, parameters, routing)

    monkeypatch.setattr(Database, "_run", slow)
    async with serve(neo4j_query_timeout_seconds=0.001) as http:
        started = time.monotonic()
        body = await ask(http, '{ offender(id: "off_0000001") { id } }', token=mint("MET"))
        elapsed = time.monotonic() - started
    [error] = body["errors"]
    assert error["extensions"]["code"] == "UNAVAILABLE", body
    assert error["message"] == "the database is unavailable; try again shortly"
    assert elapsed < 10, "the server stops the statement long before it could finish"


LEAKS = (
    "MATCH",
    "RETURN",
    "Invalid input",
    "Traceback",
    'File "',
    "neo4j",
    "Neo4j",
    "Neo.",
    "no_such_database",
)


def leaks(text: str) -> list[str]:
    return [leak for leak in LEAKS if leak in text]


async def test_internal_errors_are_masked_and_logged(
    serve: Callable[..., Any],
    mint: Callable[..., str],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    run = Database._run

    async def broken(self: Database, cypher: str, parameters: Any, routing: Any) -> Any:
        if cypher == AGENCIES:
            return await run(self, cypher, parameters, routing)
        raise RuntimeError(f"Neo.ClientError.Statement.SyntaxError: Invalid input in: {cypher}")

    monkeypatch.setattr(Database, "_run", broken)
    async with serve() as http:
        response = await http.post(
            "/graphql",
            json={"query": '{ offender(id: "off_0000001") { id } }'},
            headers={"Authorization": f"Bearer {mint('MET')}", "X-Request-Id": "trace-me-123"},
        )
    assert response.status_code == 200
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    request_id = error["extensions"]["requestId"]  # the server's own, not the client's
    assert request_id == response.headers["x-request-id"] != "trace-me-123"
    assert error["message"] == f"internal error (request id {request_id})"
    assert not leaks(response.text), response.text
    # The operator finds the whole story in the log, under the request id.
    assert request_id in caplog.text
    assert "Invalid input in: " in caplog.text
    assert "MATCH (o:Offender" in caplog.text


async def test_a_real_database_failure_leaks_nothing(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """Neo4j's own message (here: the database does not exist) stays on the server."""
    async with serve(neo4j_database="no_such_database") as http:
        response = await http.post(
            "/graphql",
            json={"query": "{ agencies { code } }"},
            headers={"Authorization": f"Bearer {mint('MET')}"},
        )
    assert response.status_code in (200, 500, 503)
    assert not leaks(response.text), response.text
    if response.status_code != 500:
        assert response.json()["data"] is None


async def test_a_bad_nested_page_size_is_reported_at_the_nested_field(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    body = await graphql(
        '{ who: offender(id: "off_0000001") { homes: addresses(first: 5) { edges { address {'
        " residents(first: 500) { totalCount } } } } } }",
        token=mint("MET"),
    )
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["path"] == ["who", "homes", "edges", "address", "residents"]
    assert "`first` must be between 1 and 100; got 500" in error["message"]
