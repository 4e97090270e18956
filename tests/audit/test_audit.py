"""Section-62 audit: one durable record per request that disclosed offender data."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.db import DatabaseUnavailable
from graph_api.domain import Role

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

pytestmark = pytest.mark.usefixtures("tiny_graph")


def rows(driver: neo4j.Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params)
    return [r.data() for r in records]


@pytest.fixture(scope="module")
def linked(driver: neo4j.Driver) -> dict[str, Any]:
    """An offender with a visible association to an offender managed elsewhere (a stub)."""
    return rows(
        driver,
        "MATCH (o:Offender)-[r:ASSOCIATED_WITH {classification: 'OFFICIAL'}]-(p:Offender) "
        "WHERE o.managingAgency <> p.managingAgency "
        "AND NOT EXISTS { (p)-[:SHARED_WITH]->(:Agency {code: o.managingAgency}) } "
        "RETURN o.id AS id, o.managingAgency AS agency, p.id AS stub LIMIT 1",
    )[0]


def record_of(driver: neo4j.Driver, request_id: str) -> list[dict[str, Any]]:
    return rows(
        driver,
        "MATCH (a:AuditRecord {correlationId: $rid}) RETURN a {.*} AS a",
        rid=request_id,
    )


async def test_a_read_leaves_one_record_with_full_and_restricted_ids(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    driver: neo4j.Driver,
    linked: dict[str, Any],
) -> None:
    request_id = "test-" + uuid.uuid4().hex
    query = """query Review($id: ID!) { offender(id: $id) { surname
        associates(first: 100) { edges { person { __typename } } } } }"""
    body = await graphql(
        query,
        {"id": linked["id"]},
        token=mint(linked["agency"], user="auditor-1", purpose="MAPPA review"),
        headers={"X-Request-Id": request_id},
    )
    assert "errors" not in body, body
    (record,) = (r["a"] for r in record_of(driver, request_id))
    assert record["userId"] == "auditor-1"
    assert record["agency"] == linked["agency"]
    assert record["purpose"] == "MAPPA review"
    assert record["operation"] == "Review"
    assert record["fields"] == ["offender"]
    assert linked["id"] in record["offenderIds"]
    assert linked["stub"] in record["restrictedIds"]
    assert linked["stub"] not in record["offenderIds"]
    assert len(record["documentHash"]) == 64


async def test_reference_reads_leave_no_record(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    request_id = "test-" + uuid.uuid4().hex
    await graphql("{ me { userId } agencies { code } }", token=mint("MET"),
                  headers={"X-Request-Id": request_id})  # fmt: skip
    assert record_of(driver, request_id) == []


async def test_a_search_with_no_hits_is_still_recorded(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    request_id = "test-" + uuid.uuid4().hex
    body = await graphql('{ searchOffenders(name: "Qqqqzzzz") { edges { score } } }',
                         token=mint("MET"), headers={"X-Request-Id": request_id})  # fmt: skip
    assert body["data"]["searchOffenders"]["edges"] == []
    (record,) = (r["a"] for r in record_of(driver, request_id))
    assert record["offenderIds"] == []


async def test_no_data_leaves_when_the_audit_cannot_be_written(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    linked: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async def refuse(*_: Any) -> str:
        raise DatabaseUnavailable("audit store down")

    monkeypatch.setattr("graph_api.schema.audit_trail.write_audit_record", refuse)
    body = await graphql(
        "query($id: ID!) { offender(id: $id) { surname dob } }",
        {"id": linked["id"]},
        token=mint(linked["agency"]),
    )
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAVAILABLE"]


async def test_supervisors_of_the_managing_agency_read_the_trail(
    graphql: Callable[..., Any], mint: Callable[..., str], linked: dict[str, Any]
) -> None:
    reader = mint(linked["agency"], user="reader-2")
    for _ in range(3):
        await graphql(
            "query($id: ID!) { offender(id: $id) { id } }", {"id": linked["id"]}, token=reader
        )
    query = """query($id: ID!, $after: String) { auditTrail(offenderId: $id, first: 2, after: $after) {
        edges { cursor node { userId at fields disclosure } } pageInfo { hasNextPage endCursor } } }"""
    supervisor = mint(linked["agency"], roles=(Role.SUPERVISOR,))
    seen, after = [], None
    for _ in range(100):
        body = await graphql(query, {"id": linked["id"], "after": after}, token=supervisor)
        assert "errors" not in body, body
        page = body["data"]["auditTrail"]
        seen += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert sum(1 for node in seen if node["userId"] == "reader-2") >= 3
    times = [node["at"] for node in seen]
    assert times == sorted(times, reverse=True)


@pytest.mark.parametrize("who", ["analyst_of_manager", "supervisor_elsewhere"])
async def test_anyone_else_is_forbidden_the_trail(
    graphql: Callable[..., Any], mint: Callable[..., str], linked: dict[str, Any], who: str
) -> None:
    token = (
        mint(linked["agency"], roles=(Role.ANALYST,))
        if who == "analyst_of_manager"
        else mint("NCA" if linked["agency"] != "NCA" else "MET", roles=(Role.SUPERVISOR,))
    )
    body = await graphql(
        "query($id: ID!) { auditTrail(offenderId: $id) { edges { cursor } } }",
        {"id": linked["id"]},
        token=token,
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert body["data"] is None


async def test_every_card_shown_is_in_the_record(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    """Rule 7: a card is a disclosure. Each RestrictedNominal a national search shows, whether
    the client selected its id or not (here `id` is an alias of the card), is in the record."""
    request_id = "test-" + uuid.uuid4().hex
    query = """{ searchMarks(type: TATTOO, first: 30) { edges { bearer {
        ... on RestrictedNominal { id: card { surname dob } } } } } }"""
    token = mint("WMP", roles=(Role.ANALYST, Role.NATIONAL_SEARCH), purpose="witness enquiry")
    body = await graphql(query, token=token, headers={"X-Request-Id": request_id})
    assert "errors" not in body, body
    shown = [e["bearer"] for e in body["data"]["searchMarks"]["edges"] if e["bearer"]]
    assert shown  # out-of-scope bearers, shown only as their cards
    [record] = record_of(driver, request_id)
    expected = rows(
        driver,
        "MATCH (m:Mark)<-[r:HAS_MARK]-(o:Offender) WHERE m.type = 'TATTOO' "
        "AND o.managingAgency <> 'WMP' AND r.classification = 'OFFICIAL' "
        "AND NOT EXISTS { (o)-[s:SHARED_WITH]->(:Agency {code: 'WMP'}) "
        "WHERE s.from <= date() AND (s.to IS NULL OR s.to >= date()) } RETURN o.id AS id",
    )
    assert set(record["a"]["restrictedIds"]) <= {r["id"] for r in expected}
    people = {(b["id"]["surname"], b["id"]["dob"]) for b in shown}  # one per person
    assert len(record["a"]["restrictedIds"]) == len(people)
