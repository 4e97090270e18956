"""MAPPA writes (issue 14, docs/design.md §4 rules 6 and 11, §12): the records a meeting reviews
are facts written like any other; the managing agency's MAPPA_COORDINATOR schedules a meeting,
which shares the offender with each attending agency for the meeting's window; the coordinator
records decisions and actions; the owning agency marks an action done. Bad input names the
field and writes nothing."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import Classification, Role

from .support import OUTSIDER, OWNER, PARTNER, error_code, ok, rows, subgraph_hash

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

TODAY = dt.date.today()
NEXT_WEEK = (TODAY + dt.timedelta(days=7)).isoformat()
MEETING_VIEW = """
mappaMeetings { withheld edges { classification meeting {
  id heldOn level chairAgency attendingAgencies shareCeiling shareUntil decisions
  actions { withheld edges { action { id text ownerAgency dueOn doneOn doneBy } } } } } }
sharing { shares { agency { code } mode ceiling from to state meetingId } }
"""
SCHEDULE = (
    "mutation ($input: ScheduleMappaMeetingInput!) { scheduleMappaMeeting(input: $input) { id "
    + MEETING_VIEW
    + " } }"
)
DECIDE = (
    "mutation ($input: RecordMappaDecisionsInput!) { recordMappaDecisions(input: $input) { id "
    + MEETING_VIEW
    + " } }"
)
DONE = """
mutation ($o: ID!, $a: ID!) { markActionDone(offenderId: $o, actionId: $a) {
  id mappaMeetings { edges { meeting { actions { edges { action { id doneOn doneBy } } } } } } } }
"""
READ = "query ($o: ID!) { offender(id: $o) { id " + MEETING_VIEW + " } }"
RECORDS = """
mutation ($c: AddConvictionInput!, $n: NotificationRequirementInput!, $l: LicenceConditionInput!,
          $k: CustodyInput!) {
  a: addConviction(input: $c) { id }
  b: recordNotificationRequirement(input: $n) { id }
  c: addLicenceCondition(input: $l) { id }
  d: recordCustody(input: $k) { id
    convictions { edges { agency classification conviction { offenceCode isIndexOffence } } }
    notificationRequirements { edges { from to requirement { nextDueOn indefinite notifiedAt } } }
    licenceConditions { edges { from to condition { kind text setBy } } }
    custody { edges { from to custody { establishment releaseOn releasedOn } } } } }
"""


def schedule_input(offender_id: str, **overrides: Any) -> dict[str, Any]:
    return {
        "offenderId": offender_id,
        "heldOn": NEXT_WEEK,
        "attendingAgencies": [PARTNER],
        "shareCeiling": "OFFICIAL",
        **overrides,
    }


@pytest.fixture
def chair(token: Callable[..., str]) -> str:
    return token(
        OWNER, Role.MAPPA_COORDINATOR, user="chair", clearance=Classification.OFFICIAL_SENSITIVE
    )


async def test_the_records_a_meeting_reviews_are_facts(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    o = offender["id"]
    body = await graphql(
        RECORDS,
        {
            "c": {"offenderId": o, "offenceCode": "008/06", "offenceTitle": "Assault occasioning ABH",
                  "court": "Crown Court at Leeds", "convictedOn": "2020-02-03",
                  "sentence": "Imprisonment 3 years", "isIndexOffence": True,
                  "classification": "OFFICIAL_SENSITIVE"},
            "n": {"offenderId": o, "from": "2020-02-03", "nextDueOn": NEXT_WEEK,
                  "notifiedAt": "Leeds Police Station"},
            "l": {"offenderId": o, "kind": "CURFEW", "text": "19:00 to 07:00 at the approved address",
                  "from": "2023-01-01", "to": (TODAY + dt.timedelta(days=200)).isoformat(),
                  "setBy": "Parole Board"},
            "k": {"offenderId": o, "establishment": "HMP Leeds", "from": "2020-02-03",
                  "releaseOn": "2023-01-01", "releasedOn": "2023-01-01"},
        },
        token=token(),
    )  # fmt: skip
    seen = ok(body)["d"]
    [conviction] = seen["convictions"]["edges"]
    assert conviction == {
        "agency": OWNER,
        "classification": "OFFICIAL_SENSITIVE",
        "conviction": {"offenceCode": "008/06", "isIndexOffence": True},
    }
    [requirement] = seen["notificationRequirements"]["edges"]
    assert requirement["to"] is None
    assert requirement["requirement"]["indefinite"] is True
    [condition] = seen["licenceConditions"]["edges"]
    assert condition["condition"]["kind"] == "CURFEW"
    assert condition["to"] > TODAY.isoformat()
    [custody] = seen["custody"]["edges"]
    assert custody["to"] == "2023-01-01"
    # The same rules as any fact: a READ share writes nothing, a low clearance no SECRET fact.
    reader = token(PARTNER)
    await graphql(
        'mutation ($o: ID!) { shareOffender(offenderId: $o, agency: "GMP", ceiling: SECRET, '
        'mode: READ, justification: "t") { id } }',
        {"o": o},
        token=token(OWNER, Role.SUPERVISOR),
    )
    bad = {"offenderId": o, "offenceCode": "008/06", "offenceTitle": "x", "court": "y",
           "convictedOn": "2020-02-03", "sentence": "z"}  # fmt: skip
    add = "mutation ($c: AddConvictionInput!) { addConviction(input: $c) { id } }"
    assert error_code(await graphql(add, {"c": bad}, token=reader)) == "FORBIDDEN"
    low = token(OWNER, clearance=Classification.OFFICIAL)
    secret = {**bad, "classification": "SECRET"}
    assert error_code(await graphql(add, {"c": secret}, token=low)) == "FORBIDDEN"
    for field, value in (("offenceCode", "8/6"), ("convictedOn", NEXT_WEEK), ("court", " ")):
        body = await graphql(add, {"c": {**bad, field: value}}, token=token())
        assert error_code(body) == "BAD_USER_INPUT"
        assert field in body["errors"][0]["message"]


async def test_a_meeting_shares_the_offender_with_its_agencies_for_its_window(
    graphql: Callable[..., Any],
    token: Callable[..., str],
    fresh: Callable[..., Any],
    chair: str,
    driver: neo4j.Driver,
) -> None:
    offender = await fresh()
    o = offender["id"]
    partner = token(PARTNER, Role.ANALYST)
    assert ok(await graphql(READ, {"o": o}, token=partner))["offender"] is None
    scheduled = ok(
        await graphql(
            SCHEDULE, {"input": schedule_input(o, shareCeiling="OFFICIAL_SENSITIVE")}, token=chair
        )
    )["scheduleMappaMeeting"]
    [edge] = scheduled["mappaMeetings"]["edges"]
    meeting = edge["meeting"]
    until = (TODAY + dt.timedelta(days=7 + 28)).isoformat()
    assert (meeting["heldOn"], meeting["level"], meeting["chairAgency"]) == (NEXT_WEEK, 1, OWNER)
    assert (meeting["attendingAgencies"], meeting["shareUntil"]) == ([PARTNER], until)
    [share] = scheduled["sharing"]["shares"]
    assert share == {
        "agency": {"code": PARTNER}, "mode": "READ", "ceiling": "OFFICIAL_SENSITIVE",
        "from": TODAY.isoformat(), "to": until, "state": "CURRENT", "meetingId": meeting["id"],
    }  # fmt: skip
    # The attending agency now reads the offender, the meeting with it, but not the sharing view.
    seen = ok(await graphql(READ, {"o": o}, token=partner))["offender"]
    assert seen["mappaMeetings"]["edges"][0]["meeting"]["id"] == meeting["id"]
    assert seen["sharing"] is None
    # It may not write: READ only.
    body = await graphql(
        SCHEDULE,
        {"input": schedule_input(o, attendingAgencies=[OUTSIDER])},
        token=token(PARTNER, Role.MAPPA_COORDINATOR),
    )
    assert error_code(body) == "FORBIDDEN"
    # Decisions and actions; the owner (the attending agency) marks its action done.
    decided = ok(
        await graphql(
            DECIDE,
            {"input": {"offenderId": o, "meetingId": meeting["id"],
                       "decisions": ["Remain at level 1"],
                       "actions": [{"text": "Home visit", "ownerAgency": PARTNER,
                                    "dueOn": (TODAY + dt.timedelta(days=14)).isoformat()}]}},
            token=chair,
        )
    )["recordMappaDecisions"]  # fmt: skip
    recorded = decided["mappaMeetings"]["edges"][0]["meeting"]
    assert recorded["decisions"] == ["Remain at level 1"]
    [action] = [e["action"] for e in recorded["actions"]["edges"]]
    assert (action["ownerAgency"], action["doneOn"]) == (PARTNER, None)
    body = await graphql(DONE, {"o": o, "a": action["id"]}, token=token(OWNER, Role.SUPERVISOR))
    assert error_code(body) == "FORBIDDEN"  # not the owner
    done = ok(
        await graphql(
            DONE,
            {"o": o, "a": action["id"]},
            token=token(PARTNER, Role.OFFENDER_MANAGER, user="pm"),
        )
    )
    [closed] = [
        e["action"]
        for e in done["markActionDone"]["mappaMeetings"]["edges"][0]["meeting"]["actions"]["edges"]
    ]
    assert (closed["doneOn"], closed["doneBy"]) == (TODAY.isoformat(), "pm")
    again = await graphql(
        DONE, {"o": o, "a": action["id"]}, token=token(PARTNER, Role.OFFENDER_MANAGER)
    )
    assert error_code(again) == "CONFLICT"
    # Every step is audited against the offender.
    fields = rows(
        driver,
        "MATCH (a:AuditRecord)-[:CONCERNS]->(:Offender {id: $o}) UNWIND a.fields AS f RETURN f",
        o=o,
    )
    assert {"scheduleMappaMeeting", "recordMappaDecisions", "markActionDone"} <= {
        r["f"] for r in fields
    }


@pytest.mark.parametrize(
    ("overrides", "code", "named"),
    [
        ({"heldOn": "2020-01-01"}, "BAD_USER_INPUT", "heldOn"),
        (
            {"attendingAgencies": [PARTNER, "NO_SUCH_AGENCY"]},
            "BAD_USER_INPUT",
            "attendingAgencies[1]",
        ),
        ({"attendingAgencies": ["not a code!"]}, "BAD_USER_INPUT", "attendingAgencies[0]"),
        ({"attendingAgencies": [OWNER]}, "BAD_USER_INPUT", "attendingAgencies[0]"),
        ({"attendingAgencies": []}, "BAD_USER_INPUT", "attendingAgencies"),
        ({"shareCeiling": "SECRET"}, "FORBIDDEN", "shareCeiling"),
        ({"shareUntil": TODAY.isoformat()}, "BAD_USER_INPUT", "shareUntil"),
        ({"level": 4}, "BAD_USER_INPUT", "level"),
    ],
)
async def test_bad_meetings_name_the_field_and_write_nothing(
    graphql: Callable[..., Any],
    fresh: Callable[..., Any],
    chair: str,
    driver: neo4j.Driver,
    overrides: dict[str, Any],
    code: str,
    named: str,
) -> None:
    offender = await fresh()
    before = subgraph_hash(driver, offender["id"])
    body = await graphql(
        SCHEDULE, {"input": schedule_input(offender["id"], **overrides)}, token=chair
    )
    assert error_code(body) == code
    assert f"`{named}`" in body["errors"][0]["message"]
    assert subgraph_hash(driver, offender["id"]) == before


async def test_only_the_managing_agencys_coordinator_schedules(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    given = {"input": schedule_input(offender["id"])}
    assert (
        error_code(await graphql(SCHEDULE, given, token=token(OWNER, Role.SUPERVISOR)))
        == "FORBIDDEN"
    )
    other = token(OUTSIDER, Role.MAPPA_COORDINATOR)
    assert error_code(await graphql(SCHEDULE, given, token=other)) == "NOT_FOUND"


async def test_bad_actions_name_the_field_and_write_nothing(
    graphql: Callable[..., Any], fresh: Callable[..., Any], chair: str, driver: neo4j.Driver
) -> None:
    offender = await fresh()
    o = offender["id"]
    held = (TODAY + dt.timedelta(days=10)).isoformat()
    scheduled = ok(await graphql(SCHEDULE, {"input": schedule_input(o, heldOn=held)}, token=chair))
    meeting = scheduled["scheduleMappaMeeting"]["mappaMeetings"]["edges"][0]["meeting"]["id"]
    before = subgraph_hash(driver, o)
    fine = {
        "text": "Visit",
        "ownerAgency": PARTNER,
        "dueOn": (TODAY + dt.timedelta(days=20)).isoformat(),
    }
    cases = [
        ([fine, {**fine, "dueOn": NEXT_WEEK}], "BAD_USER_INPUT", "actions[1].dueOn"),
        ([{**fine, "dueOn": "2020-01-01"}], "BAD_USER_INPUT", "actions[0].dueOn"),
        ([{**fine, "ownerAgency": OUTSIDER}], "BAD_USER_INPUT", "actions[0].ownerAgency"),
        ([{**fine, "text": ""}], "BAD_USER_INPUT", "actions[0].text"),
    ]
    for actions, code, named in cases:
        body = await graphql(
            DECIDE,
            {"input": {"offenderId": o, "meetingId": meeting, "actions": actions}},
            token=chair,
        )
        assert error_code(body) == code, (named, body)
        assert f"`{named}`" in body["errors"][0]["message"]
    body = await graphql(
        DECIDE,
        {"input": {"offenderId": o, "meetingId": "mtg_nope", "decisions": ["x"]}},
        token=chair,
    )
    assert error_code(body) == "NOT_FOUND"
    assert subgraph_hash(driver, o) == before


async def test_a_retried_meeting_is_scheduled_once(
    graphql: Callable[..., Any], fresh: Callable[..., Any], chair: str
) -> None:
    offender = await fresh()
    given = {"input": schedule_input(offender["id"])}
    key = {"Idempotency-Key": "mappa-once"}
    first = ok(await graphql(SCHEDULE, given, token=chair, headers=key))
    second = ok(await graphql(SCHEDULE, given, token=chair, headers=key))
    assert first == second
    assert len(second["scheduleMappaMeeting"]["mappaMeetings"]["edges"]) == 1
