"""The alerts inbox and watch lists (issue 15, item 3): changes and dates falling due, shown
as the policy allows when the inbox is read."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from writes.support import CREATE, OUTSIDER, OWNER, PARTNER, offender_input

from graph_api.domain import Role

from .support import INTELLIGENCE, intelligence

if TYPE_CHECKING:
    from collections.abc import Callable


ALERTS = """
query ($unread: Boolean, $first: Int, $after: String) {
  alerts(unreadOnly: $unread, first: $first, after: $after) {
    edges { cursor node {
      id kind dueOn subjectId read
      offender { __typename ... on Offender { id } ... on RestrictedNominal { id } }
      event { kind cursor classification }
    } }
    pageInfo { hasNextPage endCursor }
  }
}
"""
MARK = "mutation ($ids: [ID!]!) { markAlertsRead(ids: $ids) }"
WATCH = "mutation ($o: ID!) { watch(offenderId: $o) { id } }"
UNWATCH = "mutation ($o: ID!) { unwatch(offenderId: $o) { id } }"
RISK = """
mutation ($input: AddRiskAssessmentInput!) { addRiskAssessment(input: $input) { id } }
"""
SHARE = """
mutation ($o: ID!, $a: String!, $until: Date) {
  shareOffender(offenderId: $o, agency: $a, ceiling: OFFICIAL, mode: READ, until: $until,
                justification: "joint case") { id }
}
"""
UPDATE = """
mutation ($input: UpdateOffenderInput!) { updateOffender(input: $input) { id version } }
"""


async def _alerts(graphql: Callable[..., Any], token: str, **variables: Any) -> list[Any]:
    """Every alert of the principal, page after page."""
    found: list[Any] = []
    while True:
        body = await graphql(ALERTS, {"first": 100, **variables}, token=token)
        assert "errors" not in body, body
        page = body["data"]["alerts"]
        found += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            return found
        variables["after"] = page["pageInfo"]["endCursor"]


async def test_changes_and_due_dates_reach_the_inbox_as_the_policy_allows(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    owner = mint(OWNER, roles=(Role.OFFENDER_MANAGER, Role.SUPERVISOR), user="o-writer")
    reader = mint(OWNER, user="o-reader")
    partner = mint(PARTNER, user="p-reader")
    created = await graphql(CREATE, {"input": offender_input()}, token=owner)
    offender = created["data"]["createOffender"]["id"]
    soon = (dt.date.today() + dt.timedelta(days=3)).isoformat()
    assert "errors" not in await graphql(
        SHARE, {"o": offender, "a": PARTNER, "until": soon}, token=owner
    )
    await graphql(INTELLIGENCE, {"input": intelligence(offender, "OFFICIAL news")}, token=owner)
    await graphql(
        INTELLIGENCE,
        {"input": intelligence(offender, "SECRET news", classification="SECRET")},
        token=owner,
    )
    today = dt.date.today()
    risk = {
        "offenderId": offender,
        "tool": "OASYS",
        "level": "HIGH",
        "assessedOn": (today - dt.timedelta(days=180)).isoformat(),
        "nextReviewOn": (today + dt.timedelta(days=2)).isoformat(),
    }
    assert "errors" not in await graphql(RISK, {"input": risk}, token=owner)

    mine = [a for a in await _alerts(graphql, reader) if a["offender"]["id"] == offender]
    kinds = sorted(a["kind"] for a in mine)
    # Two intelligence changes, a risk assessment, the share lapsing in 3 days, the review due.
    assert kinds == ["CHANGE", "CHANGE", "CHANGE", "CHANGE", "RISK_REVIEW_DUE", "SHARE_LAPSING"]
    [review] = [a for a in mine if a["kind"] == "RISK_REVIEW_DUE"]
    assert review["dueOn"] == risk["nextReviewOn"]
    assert {a["event"]["kind"] for a in mine if a["kind"] == "CHANGE"} == {
        "addIntelligence",
        "addRiskAssessment",
        "shareOffender",
    }
    # The writer's own changes are not alerts for the writer.
    own = [a for a in await _alerts(graphql, owner) if a["kind"] == "CHANGE"]
    assert all(a["offender"]["id"] != offender for a in own)

    # The partner's share is OFFICIAL: the OFFICIAL intelligence and its share lapsing, never
    # the SECRET intelligence; an agency without a share sees nothing of it.
    theirs = [a for a in await _alerts(graphql, partner) if a["offender"]["id"] == offender]
    assert sorted(a["kind"] for a in theirs) == ["CHANGE", "CHANGE", "CHANGE", "SHARE_LAPSING"]
    assert all(a["event"]["classification"] == "OFFICIAL" for a in theirs if a["event"])
    outsider = await _alerts(graphql, mint(OUTSIDER))
    assert all(a["offender"]["id"] != offender for a in outsider)

    # Read, then unread only; paging keeps the order.
    marked = await graphql(MARK, {"ids": [a["id"] for a in mine]}, token=reader)
    assert marked["data"]["markAlertsRead"] == len(mine)
    unread = await _alerts(graphql, reader, unread=True)
    assert not {a["id"] for a in unread} & {a["id"] for a in mine}
    everything = await _alerts(graphql, reader)
    assert all(a["read"] for a in everything if a["id"] in {m["id"] for m in mine})
    page = await graphql(ALERTS, {"first": 2}, token=reader)
    after = page["data"]["alerts"]["pageInfo"]["endCursor"]
    rest = await _alerts(graphql, reader, after=after)
    first_two = [edge["node"]["id"] for edge in page["data"]["alerts"]["edges"]]
    assert first_two + [a["id"] for a in rest] == [a["id"] for a in everything]


async def test_a_watched_offender_alerts_its_watcher_of_every_change(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    owner = mint(OWNER, roles=(Role.OFFENDER_MANAGER,), user="o-writer")
    watcher = mint(OWNER, user="watcher")
    created = await graphql(CREATE, {"input": offender_input()}, token=owner)
    offender, version = (created["data"]["createOffender"][k] for k in ("id", "version"))
    assert "errors" not in await graphql(WATCH, {"o": offender}, token=watcher)
    change = {"id": offender, "version": version, "riskLevel": "HIGH"}
    assert "errors" not in await graphql(UPDATE, {"input": change}, token=owner)
    seen = [a["event"]["kind"] for a in await _alerts(graphql, watcher) if a["event"]]
    assert "updateOffender" in seen  # not an agency-wide kind: there for the watcher only
    others = await _alerts(graphql, mint(OWNER, user="not-watching"))
    assert "updateOffender" not in [a["event"]["kind"] for a in others if a["event"]]
    assert "errors" not in await graphql(UNWATCH, {"o": offender}, token=watcher)
    after = [a["event"]["kind"] for a in await _alerts(graphql, watcher) if a["event"]]
    assert "updateOffender" not in after
    # Only what the agency may see can be watched.
    refused = await graphql(WATCH, {"o": offender}, token=mint(OUTSIDER))
    assert refused["errors"][0]["extensions"]["code"] == "NOT_FOUND"


async def test_an_access_request_waits_in_the_managing_agencys_inbox(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    owner = mint(OWNER, roles=(Role.OFFENDER_MANAGER,))
    created = await graphql(CREATE, {"input": offender_input()}, token=owner)
    offender = created["data"]["createOffender"]["id"]
    request = """mutation ($o: ID!) { requestAccess(offenderId: $o, justification: "x") { id } }"""
    asked = await graphql(request, {"o": offender}, token=mint(OUTSIDER))
    request_id = asked["data"]["requestAccess"]["id"]
    waiting = [
        a for a in await _alerts(graphql, mint(OWNER, user="desk")) if a["subjectId"] == request_id
    ]
    assert [a["kind"] for a in waiting] == ["ACCESS_REQUEST_WAITING"]


MAPPA_DATES = """
mutation ($n: NotificationRequirementInput!, $k: CustodyInput!) {
  a: recordNotificationRequirement(input: $n) { id }
  b: recordCustody(input: $k) { id }
}
"""
MEETING = """
mutation ($input: ScheduleMappaMeetingInput!) {
  scheduleMappaMeeting(input: $input) { mappaMeetings { edges { meeting { id } } } }
}
"""
DECISIONS = """
mutation ($input: RecordMappaDecisionsInput!) { recordMappaDecisions(input: $input) { id } }
"""


async def test_mappa_dates_falling_due_reach_the_agency_that_must_act(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    """A notification and a release falling due alert the managing agency; an action alerts
    the agency that owns it (which sees the offender through the meeting's share)."""
    owner = mint(OWNER, roles=(Role.OFFENDER_MANAGER,), user="m-writer")
    chair = mint(OWNER, roles=(Role.MAPPA_COORDINATOR,), user="m-chair")
    created = await graphql(CREATE, {"input": offender_input()}, token=owner)
    offender = created["data"]["createOffender"]["id"]
    today = dt.date.today()
    soon = [(today + dt.timedelta(days=n)).isoformat() for n in range(8)]
    dates = await graphql(
        MAPPA_DATES,
        {
            "n": {"offenderId": offender, "from": "2020-01-01", "nextDueOn": soon[3]},
            "k": {"offenderId": offender, "establishment": "HMP Leeds", "from": "2024-01-01",
                  "releaseOn": soon[5]},
        },
        token=owner,
    )  # fmt: skip
    assert "errors" not in dates, dates
    meeting = await graphql(
        MEETING,
        {"input": {"offenderId": offender, "heldOn": soon[1], "attendingAgencies": [PARTNER],
                   "shareCeiling": "OFFICIAL"}},
        token=chair,
    )  # fmt: skip
    assert "errors" not in meeting, meeting
    [edge] = meeting["data"]["scheduleMappaMeeting"]["mappaMeetings"]["edges"]
    action = {"text": "Visit the address", "ownerAgency": PARTNER, "dueOn": soon[7]}
    decided = await graphql(
        DECISIONS,
        {"input": {"offenderId": offender, "meetingId": edge["meeting"]["id"],
                   "actions": [action]}},
        token=chair,
    )  # fmt: skip
    assert "errors" not in decided, decided

    def due(alerts: list[Any]) -> dict[str, str]:
        return {
            a["kind"]: a["dueOn"]
            for a in alerts
            if a["offender"]["id"] == offender and a["kind"] != "CHANGE"
        }

    assert due(await _alerts(graphql, mint(OWNER, user="m-reader"))) == {
        "NOTIFICATION_DUE": soon[3],
        "RELEASE_DUE": soon[5],
    }
    # (The meeting's share ends 28 days after it: beyond the 14 days an alert looks ahead.)
    assert due(await _alerts(graphql, mint(PARTNER, user="m-partner"))) == {"ACTION_DUE": soon[7]}
    assert not due(await _alerts(graphql, mint(OUTSIDER, user="m-outsider")))
