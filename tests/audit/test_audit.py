"""Section-62 audit: one durable record per request that disclosed offender data."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.audit import GroupCommit
from graph_api.db import DatabaseUnavailable, RoundTripCounter
from graph_api.domain import Role
from graph_api.planner import disclosed

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


@pytest.mark.parametrize(
    "query",
    [
        # the read writes the record in its own statement
        "query($id: ID!) { offender(id: $id) { surname dob } }",
        # two root fields: the record goes to the group commit after both
        "query($id: ID!) { offender(id: $id) { surname dob } again: offender(id: $id) { id } }",
    ],
)
async def test_no_data_leaves_when_the_audit_cannot_be_written(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    linked: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    query: str,
) -> None:
    async def refuse(*_: Any) -> str:
        raise DatabaseUnavailable("audit store down")

    monkeypatch.setattr("graph_api.db.Database.write", refuse)
    body = await graphql(query, {"id": linked["id"]}, token=mint(linked["agency"]))
    assert linked["id"] not in str(body["data"])
    assert not (body["data"] or {}).get("offender")
    assert {e["extensions"]["code"] for e in body["errors"]} == {"UNAVAILABLE"}


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


#: Offender documents the read's own record must name exactly as `Disclosure.saw` does: people
#: of every kind through unions, under aliases (`id` of a stub naming its agency), nested.
OWN_RECORD_DOCUMENTS = [
    "query($id: ID!) { offender(id: $id) { surname } }",
    """query($id: ID!) { offender(id: $id) { n: surname associates(first: 100) { edges {
        person { __typename } } } } }""",
    """query($id: ID!) { offender(id: $id) { associates(first: 100) { edges { type person {
        ... on RestrictedNominal { id: managingAgency { code } }
        ... on Offender { x: surname addresses(first: 5) { edges { address {
            residents(first: 50) { edges { person { __typename } } } } } } } } } } } }""",
    """query($id: ID!) { offender(id: $id) { a: addresses(first: 100) { edges { b: address {
        residents(first: 100) { edges { c: person { ... on Associate { vehicles(first: 9) {
            edges { vehicle { users(first: 20) { edges { person { __typename } } } } } } } } } }
        } } } } }""",
]


async def _counted(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    linked: dict[str, Any],
    document: str,
    variables: dict[str, Any] | None = None,
) -> tuple[str, RoundTripCounter]:
    """Ask `document` (about `linked`: its id is `$id` unless `variables` are given) as an
    analyst of its manager with NATIONAL_SEARCH, counting the round trips; the request id."""
    token = mint(linked["agency"], roles=(Role.ANALYST, Role.NATIONAL_SEARCH))
    await graphql("{ agencies { code } }", token=token)  # identity's agency list, then cached
    request_id = "test-" + uuid.uuid4().hex
    with RoundTripCounter() as trips:
        body = await graphql(document, variables or {"id": linked["id"]}, token=token,
                             headers={"X-Request-Id": request_id})  # fmt: skip
    assert "errors" not in body, body
    return request_id, trips


@pytest.mark.parametrize("document", OWN_RECORD_DOCUMENTS)
async def test_a_single_read_writes_its_own_record_naming_exactly_what_it_disclosed(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    driver: neo4j.Driver,
    linked: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    document: str,
) -> None:
    """One round trip for the read and its record, and the record the planner's walk in Cypher
    wrote is the one `Disclosure.saw` would have written: the safety net never fires."""
    request_id, trips = await _counted(graphql, mint, linked, document)
    assert (trips.reads, trips.writes) == (0, 1)
    [record] = record_of(driver, request_id)  # a second would mean the safety net wrote one
    assert linked["id"] in record["a"]["offenderIds"]
    if "associates" in document:
        assert linked["stub"] in record["a"]["restrictedIds"]
    # The safety net compares the record with `Disclosure.saw` and logs any difference.
    assert not [r for r in caplog.records if r.name == "graph_api.audit"], caplog.text


#: Root connections: the page's look-ahead row and count row are no disclosure.
OWN_RECORD_PAGES = {
    "offenders": """query($agency: String!) { offenders(first: 2, filter: {managingAgency: $agency})
        { totalCount edges { node { id associates(first: 50) { edges { person { __typename } } } } }
          pageInfo { hasNextPage } } }""",
    "searchOffenders": """query($surname: String!) { searchOffenders(name: $surname, first: 3) {
        edges { score nominal { ... on RestrictedNominal { card { surname } } } } } }""",
    "vehicles": """query($vrm: String!) { vehicles(vrm: $vrm, first: 5) { totalCount edges {
        node { vrm users(first: 10) { edges { person { __typename } } } }
        nominals { __typename } } } }""",
}


@pytest.mark.parametrize("root", sorted(OWN_RECORD_PAGES))
async def test_a_page_writes_its_own_record_naming_exactly_the_rows_it_shows(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    driver: neo4j.Driver,
    linked: dict[str, Any],
    caplog: pytest.LogCaptureFixture,
    root: str,
) -> None:
    [facts] = rows(
        driver,
        "MATCH (p:Offender {id: $stub}) "
        "MATCH (v:Vehicle)<-[:USES {classification: 'OFFICIAL'}]-(:Offender {managingAgency: $a}) "
        "RETURN p.surname AS surname, min(v.vrm) AS vrm",
        a=linked["agency"],
        stub=linked["stub"],
    )
    variables = {"agency": linked["agency"], **facts}
    document = OWN_RECORD_PAGES[root]
    used = {k: v for k, v in variables.items() if f"${k}" in document}
    request_id, trips = await _counted(graphql, mint, linked, document, used)
    assert (trips.reads, trips.writes) == (0, 1)
    [record] = record_of(driver, request_id)  # a second would mean the safety net wrote one
    assert record["a"]["fields"] == [root]
    assert record["a"]["offenderIds"] or record["a"]["restrictedIds"]
    # The safety net compares the record with `Disclosure.saw` and logs any difference.
    assert not [r for r in caplog.records if r.name == "graph_api.audit"], caplog.text


async def test_a_read_the_walk_does_not_follow_is_audited_by_the_group_commit(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    driver: neo4j.Driver,
    linked: dict[str, Any],
) -> None:
    """`sharing { pendingRequests { offender } }` can hold an offender where the walk does not
    look: the read runs alone, and its record is written after it, as for any request."""
    document = """query($id: ID!) { offender(id: $id) { surname sharing {
        pendingRequests { offender { __typename } } } } }"""
    request_id, trips = await _counted(graphql, mint, linked, document)
    assert (trips.reads, trips.writes) == (1, 1)
    [record] = record_of(driver, request_id)
    assert record["a"]["offenderIds"] == [linked["id"]]


async def test_the_safety_net_records_what_the_walk_left_out(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    driver: neo4j.Driver,
    linked: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    """Were the planner's walk in Cypher to miss an offender, the request's record would still
    name it: a further record, written before the response leaves, and an error logged."""
    monkeypatch.setattr(disclosed, "in_result", lambda *_: "[]")  # a walk that finds nobody
    request_id = "test-" + uuid.uuid4().hex
    body = await graphql("query($id: ID!) { offender(id: $id) { safetyNet: surname } }",
                         {"id": linked["id"]}, token=mint(linked["agency"]),
                         headers={"X-Request-Id": request_id})  # fmt: skip
    assert body["data"]["offender"]["safetyNet"]
    records = [r["a"] for r in record_of(driver, request_id)]
    assert sorted(r["offenderIds"] for r in records) == [[], [linked["id"]]]
    assert "left out 1 ids" in caplog.text


def test_only_so_many_reads_at_once_write_their_own_record() -> None:
    """GRAPH_API_AUDIT_IN_READ bounds the reads committing their own records at once; the
    others (and every read once those end) are told to use the group commit, or may again."""
    writer = GroupCommit(None)  # type: ignore[arg-type]  # no database: nothing is written
    with writer.own_record(2) as first, writer.own_record(2) as second:
        with writer.own_record(2) as third:
            assert (first, second, third) == (True, True, False)
        assert writer.own_records == 2
    assert writer.own_records == 0
    with writer.own_record(0) as never:
        assert not never
