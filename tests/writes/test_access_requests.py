"""Access requests (docs/design.md §4 rule 8): a principal who meets a restricted nominal asks its
managing agency for a share; the managing agency approves (creating the share) or refuses;
both sides see the request; every step is audited; bad input gets a clear code."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from graph_api.domain import Classification, Role

from .support import OUTSIDER, OWNER, PARTNER, error_code, ok, rows

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

REQUEST = """
mutation ($o: ID!, $mode: ShareMode!, $ceiling: Classification!) {
  requestAccess(offenderId: $o, justification: "suspect in a burglary series", mode: $mode,
                ceiling: $ceiling) {
    id state mode ceiling purpose requesterUserId requesterAgency { code } managingAgency { code }
    offender { __typename ... on RestrictedNominal { id accessRequest { id state } } }
  }
}
"""
DECIDE = """
mutation ($id: ID!, $approve: Boolean!, $ceiling: Classification, $until: Date, $reason: String) {
  decideAccessRequest(id: $id, approve: $approve, ceiling: $ceiling, until: $until,
                      reason: $reason) {
    id state reason grantedCeiling grantedUntil decidedBy
    offender { __typename ... on Offender { id } }
  }
}
"""
WITHDRAW = "mutation ($id: ID!) { withdrawAccessRequest(id: $id) { id state } }"
LIST = """
query ($state: AccessRequestState) { accessRequests(state: $state, first: 100) {
  id state requesterAgency { code } offender { __typename ... on Offender { id }
  ... on RestrictedNominal { id } } } }
"""
READ = "query ($o: ID!) { offender(id: $o) { id } }"
UNTIL = (dt.date.today() + dt.timedelta(days=30)).isoformat()


def asks(mode: str = "READ", ceiling: str = "OFFICIAL") -> dict[str, Any]:
    return {"mode": mode, "ceiling": ceiling}


async def test_request_approve_and_the_share_follows(
    graphql: Callable[..., Any],
    token: Callable[..., str],
    fresh: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:
    offender = await fresh()
    asker = token(PARTNER, Role.ANALYST, user="asker")
    assert ok(await graphql(READ, {"o": offender["id"]}, token=asker))["offender"] is None
    asked = ok(await graphql(REQUEST, {"o": offender["id"], **asks()}, token=asker))
    request = asked["requestAccess"]
    assert request["state"] == "PENDING"
    assert (request["requesterAgency"]["code"], request["managingAgency"]["code"]) == (
        PARTNER,
        OWNER,
    )
    assert request["purpose"] == "write test"
    # The requester sees the offender as a restricted nominal carrying its request.
    assert request["offender"]["__typename"] == "RestrictedNominal"
    assert request["offender"]["accessRequest"] == {"id": request["id"], "state": "PENDING"}
    # Both sides see it; a third agency does not.
    for agency, seen in ((PARTNER, True), (OWNER, True), (OUTSIDER, False)):
        listed = ok(await graphql(LIST, {"state": "PENDING"}, token=token(agency, Role.ANALYST)))
        assert (request["id"] in {r["id"] for r in listed["accessRequests"]}) is seen, agency
    decided = ok(
        await graphql(
            DECIDE,
            {"id": request["id"], "approve": True, "ceiling": "OFFICIAL", "until": UNTIL},
            token=token(OWNER, Role.SUPERVISOR, user="boss"),
        )
    )["decideAccessRequest"]
    assert (decided["state"], decided["grantedCeiling"], decided["grantedUntil"]) == (
        "APPROVED",
        "OFFICIAL",
        UNTIL,
    )
    assert decided["offender"] == {"__typename": "Offender", "id": offender["id"]}
    # The share exists: the requester now reads the offender in full.
    assert ok(await graphql(READ, {"o": offender["id"]}, token=asker))["offender"] == {
        "id": offender["id"]
    }
    # Every step is in the offender's audit trail, with the right disclosure for each side.
    trail = rows(
        driver,
        "MATCH (a:AuditRecord)-[c:CONCERNS]->(:Offender {id: $id}) "
        "WHERE any(f IN a.fields WHERE f IN ['requestAccess', 'decideAccessRequest']) "
        "RETURN a.fields AS fields, a.agency AS agency, c.disclosure AS disclosure",
        id=offender["id"],
    )
    assert {(r["fields"][0], r["agency"], r["disclosure"]) for r in trail} == {
        ("requestAccess", PARTNER, "RESTRICTED"),
        ("decideAccessRequest", OWNER, "FULL"),
    }


async def test_refuse_withdraw_and_clear_codes(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    asker = token(PARTNER, Role.ANALYST, clearance=Classification.OFFICIAL_SENSITIVE, user="a")
    first = ok(await graphql(REQUEST, {"o": offender["id"], **asks()}, token=asker))
    request_id = first["requestAccess"]["id"]
    # A second PENDING request of the same agency, in scope already, unknown, above clearance.
    assert error_code(await graphql(REQUEST, {"o": offender["id"], **asks()}, token=asker)) == (
        "CONFLICT"
    )
    own = token(OWNER, Role.ANALYST)
    assert error_code(await graphql(REQUEST, {"o": offender["id"], **asks()}, token=own)) == (
        "CONFLICT"
    )
    unknown = {"o": "off_" + "0" * 32, **asks()}
    assert error_code(await graphql(REQUEST, unknown, token=asker)) == "NOT_FOUND"
    secret = {"o": offender["id"], **asks(ceiling="SECRET")}
    assert error_code(await graphql(REQUEST, secret, token=asker)) == "FORBIDDEN"
    # Deciding: the requesting side is FORBIDDEN, a stranger NOT_FOUND, an analyst FORBIDDEN.
    refuse = {"id": request_id, "approve": False, "reason": "not enough grounds"}
    assert error_code(await graphql(DECIDE, refuse, token=token(PARTNER, Role.SUPERVISOR))) == (
        "FORBIDDEN"
    )
    assert error_code(await graphql(DECIDE, refuse, token=token(OUTSIDER, Role.SUPERVISOR))) == (
        "NOT_FOUND"
    )
    assert error_code(await graphql(DECIDE, refuse, token=token(OWNER, Role.ANALYST))) == (
        "FORBIDDEN"
    )
    no_reason = {"id": request_id, "approve": False}
    assert error_code(await graphql(DECIDE, no_reason, token=token())) == "BAD_USER_INPUT"
    no_end = {"id": request_id, "approve": True, "ceiling": "OFFICIAL"}
    assert error_code(await graphql(DECIDE, no_end, token=token())) == "BAD_USER_INPUT"
    refused = ok(await graphql(DECIDE, refuse, token=token()))["decideAccessRequest"]
    assert (refused["state"], refused["reason"]) == ("REFUSED", "not enough grounds")
    assert error_code(await graphql(DECIDE, refuse, token=token())) == "CONFLICT"
    assert ok(await graphql(READ, {"o": offender["id"]}, token=asker))["offender"] is None
    # Ask again, then withdraw: only the asker (or a supervisor of its agency), once.
    again = ok(await graphql(REQUEST, {"o": offender["id"], **asks()}, token=asker))
    again_id = again["requestAccess"]["id"]
    other = token(PARTNER, Role.ANALYST, user="someone-else")
    assert error_code(await graphql(WITHDRAW, {"id": again_id}, token=other)) == "FORBIDDEN"
    assert error_code(await graphql(WITHDRAW, {"id": again_id}, token=own)) == "NOT_FOUND"
    withdrawn = ok(await graphql(WITHDRAW, {"id": again_id}, token=asker))
    assert withdrawn["withdrawAccessRequest"] == {"id": again_id, "state": "WITHDRAWN"}
    assert error_code(await graphql(WITHDRAW, {"id": again_id}, token=asker)) == "CONFLICT"
