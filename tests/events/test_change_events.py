"""Change events (issue 15, item 1): every change writes its event in its own transaction,
derived from the `Write` alone; no event without a change, no change without its event."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from writes.support import CREATE, OUTSIDER, OWNER, PARTNER, offender_input

from graph_api.domain import Role
from graph_api.writes import Write, change_event

from .support import INTELLIGENCE, intelligence

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

ADDRESS = """
mutation ($input: RecordAddressInput!) { recordAddress(input: $input) { id } }
"""
REQUEST = """
mutation ($o: ID!) { requestAccess(offenderId: $o, justification: "a burglary series") { id } }
"""
DECIDE = """
mutation ($id: ID!) { decideAccessRequest(id: $id, approve: false, reason: "not needed") { id } }
"""
WATCH = "mutation ($o: ID!) { watch(offenderId: $o) { id } }"


async def _events(driver: neo4j.Driver, offender_id: str) -> list[dict[str, Any]]:
    """The offender's events, once numbered (the writing process numbers them just after)."""
    for _ in range(100):
        records, _, _ = driver.execute_query(
            "MATCH (e:ChangeEvent {offenderId: $id}) RETURN properties(e) AS e ORDER BY e.seq",
            id=offender_id,
        )
        events = [dict(r["e"]) for r in records]
        if all(e.get("seq") is not None for e in events):
            return events
        await asyncio.sleep(0.1)
    raise AssertionError(f"events left without a number: {events}")


def test_the_event_is_derived_from_any_write_and_what_its_statement_returns() -> None:
    """A write of a kind the event code has never heard of (a MAPPA action, say) gets its
    event all the same: its kind, its offender, the ids it makes and names, its class."""
    write = Write(
        "recordMappaAction",
        "record_mappa_action",
        {
            "agency": "MET",
            "userId": "chair",
            "offenderId": "off_0000001",
            "classification": "OFFICIAL_SENSITIVE",
            "action": {"id": "act_" + "a" * 32, "text": "visit weekly"},
            "meetingId": "mtg_" + "b" * 32,
            "newVenueId": "ven_" + "c" * 32,  # made in advance, perhaps unused
            "pncId": "19/0123456A",  # not a node id
        },
        "off_0000001",
        {},
    )
    event = change_event(write, {"status": "OK", "venueId": "ven_" + "d" * 32})
    assert event == {
        "kind": "recordMappaAction",
        "offenderId": "off_0000001",
        "agency": "MET",
        "userId": "chair",
        "ids": sorted(["act_" + "a" * 32, "mtg_" + "b" * 32, "ven_" + "d" * 32]),
        "classification": "OFFICIAL_SENSITIVE",
        "requesterAgency": None,
    }


async def test_each_change_writes_one_event_and_a_refused_one_none(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    writer = mint(OWNER, roles=(Role.OFFENDER_MANAGER,), user="w1")
    body = await graphql(CREATE, {"input": offender_input()}, token=writer)
    offender = body["data"]["createOffender"]["id"]
    secret = intelligence(offender, classification="SECRET")
    assert "errors" not in await graphql(INTELLIGENCE, {"input": secret}, token=writer)
    address = {
        "offenderId": offender,
        "from": "2024-01-01",
        "address": {"line1": "1 Test Street", "town": "Testville", "postcode": "SW1A 1AA"},
    }
    assert "errors" not in await graphql(ADDRESS, {"input": address}, token=writer)
    # Refused (an agency without a share), and a no-op for the register (a watch): no event.
    refused = await graphql(INTELLIGENCE, {"input": intelligence(offender)}, token=mint(PARTNER))
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    assert "errors" not in await graphql(WATCH, {"o": offender}, token=writer)

    events = await _events(driver, offender)
    assert [e["kind"] for e in events] == ["createOffender", "addIntelligence", "recordAddress"]
    created, intel, lives = events
    assert created["agency"] == OWNER
    assert created["userId"] == "w1"
    assert created["classification"] == "OFFICIAL"
    assert intel["classification"] == "SECRET"
    [intelligence_id] = intel["ids"]
    assert intelligence_id.startswith("int_")
    [address_id] = lives["ids"]
    assert address_id.startswith("adr_")
    assert [e["seq"] for e in events] == sorted(e["seq"] for e in events)


async def test_access_requests_name_the_agency_that_asked(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    owner = mint(OWNER, roles=(Role.OFFENDER_MANAGER,))
    offender = (await graphql(CREATE, {"input": offender_input()}, token=owner))["data"][
        "createOffender"
    ]["id"]
    asked = await graphql(REQUEST, {"o": offender}, token=mint(OUTSIDER))
    request_id = asked["data"]["requestAccess"]["id"]
    assert "errors" not in await graphql(DECIDE, {"id": request_id}, token=owner)
    events = await _events(driver, offender)
    assert [e["kind"] for e in events] == [
        "createOffender",
        "requestAccess",
        "decideAccessRequest",
    ]
    for event in events[1:]:
        assert event["requesterAgency"] == OUTSIDER
        assert event["ids"] == [request_id]
