"""Every offender a response carries is in its audit record, whatever the client aliased.

An outside review aliased `__typename` and `__id` (the keys the audit once read from the
answer) and read offenders without a trace, and analyses returned offender ids in edges with
none recorded. The record's offenders now come from markers the planner writes, which no
alias can produce, and analyses mark every offender among their nodes.
"""

from __future__ import annotations

import re
import uuid
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import Role

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

pytestmark = pytest.mark.usefixtures("tiny_graph")

_OFFENDER_ID = re.compile(r"off_[0-9a-f]+")


def rows(driver: neo4j.Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params)
    return [r.data() for r in records]


def offender_ids_in(body: Any) -> set[str]:
    """Every offender id anywhere in a response, in any key."""
    if isinstance(body, dict):
        return set().union(*(offender_ids_in(v) for v in body.values()))
    if isinstance(body, list):
        return set().union(*(offender_ids_in(v) for v in body))
    if isinstance(body, str) and _OFFENDER_ID.fullmatch(body):
        return {body}
    return set()


@pytest.fixture(scope="module")
def linked(driver: neo4j.Driver) -> dict[str, Any]:
    """A managed offender with an association to an offender managed elsewhere."""
    return rows(
        driver,
        "MATCH (o:Offender)-[r:ASSOCIATED_WITH {classification: 'OFFICIAL'}]-(p:Offender) "
        "WHERE o.managingAgency <> p.managingAgency AND r.to IS NULL "
        "RETURN o.id AS id, o.managingAgency AS agency, p.id AS other ORDER BY o.id LIMIT 1",
    )[0]


async def ask(
    graphql: Callable[..., Any],
    driver: neo4j.Driver,
    token: str,
    query: str,
    **variables: Any,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The response and its audit record (found by the request's correlation id)."""
    correlation = "sec-" + uuid.uuid4().hex
    body = await graphql(query, variables, token=token, headers={"X-Request-Id": correlation})
    assert "errors" not in body, body
    [record] = rows(
        driver,
        "MATCH (a:AuditRecord {correlationId: $c}) RETURN a {.*} AS a",
        c=correlation,
    )
    return body, record["a"]


def assert_recorded(body: dict[str, Any], record: dict[str, Any]) -> None:
    shown = offender_ids_in(body["data"])
    recorded = set(record["offenderIds"]) | set(record["restrictedIds"])
    assert shown <= recorded, shown - recorded


async def test_aliasing_typename_still_records_the_offender(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver,
    linked: dict[str, Any],
) -> None:  # fmt: skip
    query = "query ($id: ID!) { offender(id: $id) { __typename: surname __id: forename dob } }"
    body, record = await ask(graphql, driver, mint(linked["agency"]), query, id=linked["id"])
    assert body["data"]["offender"]["__typename"]  # the client's alias holds the surname
    assert record["offenderIds"] == [linked["id"]]


async def test_aliasing_id_on_a_page_records_ids_not_surnames(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver,
    linked: dict[str, Any],
) -> None:  # fmt: skip
    query = "{ offenders(first: 5) { edges { node { __id: surname } } } }"
    body, record = await ask(graphql, driver, mint(linked["agency"]), query)
    surnames = {e["node"]["__id"] for e in body["data"]["offenders"]["edges"]}
    assert len(record["offenderIds"]) == 5
    assert all(i.startswith("off_") for i in record["offenderIds"])
    assert not surnames & set(record["offenderIds"])


@pytest.mark.parametrize(
    "query",
    [
        "query ($id: ID!) { network(offenderId: $id, depth: 2) { edges { source target } } }",
        "query ($id: ID!, $other: ID!) { shortestPath(fromId: $id, toId: $other) { edges { source target } } }",
        "query ($id: ID!) { n: network(offenderId: $id, depth: 1) { e: edges { s: source t: target } } }",
        "query ($id: ID!, $other: ID!) { commonAssociates(firstId: $id, secondId: $other) { __typename } }",
    ],
    ids=["network-edges", "path-edges", "network-aliased", "common-associates"],
)
async def test_analyses_record_every_offender_their_answer_names(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver,
    linked: dict[str, Any], query: str,
) -> None:  # fmt: skip
    token = mint(linked["agency"], roles=(Role.ANALYST, Role.NATIONAL_SEARCH))
    variables = {"id": linked["id"]} | ({"other": linked["other"]} if "$other" in query else {})
    body, record = await ask(graphql, driver, token, query, **variables)
    assert_recorded(body, record)
    if "edges" in query or "e:" in query:
        assert offender_ids_in(body["data"]), "the analysis answered some offender"


async def test_reading_a_trail_is_in_that_offenders_trail(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver,
    linked: dict[str, Any],
) -> None:  # fmt: skip
    supervisor = mint(linked["agency"], roles=(Role.SUPERVISOR,))
    query = "query ($id: ID!) { auditTrail(offenderId: $id, first: 1) { edges { node { id } } } }"
    _, record = await ask(graphql, driver, supervisor, query, id=linked["id"])
    assert record["fields"] == ["auditTrail"]
    assert record["offenderIds"] == [linked["id"]]


async def test_a_trail_names_no_offender_outside_the_readers_scope(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver,
    linked: dict[str, Any],
) -> None:  # fmt: skip
    """Another agency reads both offenders in one request; the first's managing agency reads
    the trail and sees only its own offender's id in that record (rule 7)."""
    [other_agency] = rows(
        driver, "MATCH (p:Offender {id: $id}) RETURN p.managingAgency AS a", id=linked["other"]
    )
    reader = mint(other_agency["a"], roles=(Role.ANALYST, Role.NATIONAL_SEARCH))
    both = """query ($id: ID!, $other: ID!) { a: node(id: $id) { __typename }
        b: offender(id: $other) { surname } }"""
    _, read = await ask(graphql, driver, reader, both, id=linked["id"], other=linked["other"])
    assert linked["other"] in read["offenderIds"]
    trail = """query ($id: ID!) { auditTrail(offenderId: $id, first: 100) {
        edges { node { requestId offenderIds restrictedIds } } } }"""
    body = await graphql(
        trail, {"id": linked["id"]}, token=mint(linked["agency"], roles=(Role.SUPERVISOR,))
    )
    [seen] = [e["node"] for e in body["data"]["auditTrail"]["edges"]
              if e["node"]["requestId"] == read["requestId"]]  # fmt: skip
    shares = rows(
        driver,
        "MATCH (:Offender {id: $other})-[:SHARED_WITH]->(:Agency {code: $agency}) RETURN 1 AS x",
        other=linked["other"], agency=linked["agency"],
    )  # fmt: skip
    if not shares:  # the other offender is outside the trail reader's scope
        assert linked["other"] not in seen["offenderIds"] + seen["restrictedIds"]
    assert linked["id"] in seen["restrictedIds"] + seen["offenderIds"]
