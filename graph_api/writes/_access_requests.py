"""Access requests (docs/design.md §4 rule 8): ask the managing agency for a share, decide,
withdraw.

Each is a `Write` like the other mutations (one transaction, audited, idempotent): the
statement in `cypher/writes/` checks who may act on which request and returns a status.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api import access
from graph_api.domain import Classification, Role, ShareMode
from graph_api.errors import BadUserInput, Conflict, Forbidden, NotFound
from graph_api.writes import _rules as rules
from graph_api.writes._commands import new_id
from graph_api.writes._execute import Write

if TYPE_CHECKING:
    import datetime as dt

    from graph_api.identity import Principal

#: Who decides a request: the people of the managing agency who manage offenders.
DECIDERS = frozenset({Role.OFFENDER_MANAGER, Role.SUPERVISOR})

_NOT_PENDING = Conflict("the access request is no longer PENDING (decided or withdrawn already)")


def request_access(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    justification: str,
    mode: ShareMode = ShareMode.READ,
    ceiling: Classification = Classification.OFFICIAL,
) -> Write:
    """Any principal with a purpose may ask for an offender outside its scope."""
    if ceiling.rank > principal.clearance.rank:
        raise Forbidden(f"`ceiling` {ceiling.value} is above your clearance")
    request_id = new_id("acr")
    reason = rules.text("justification", justification, 1_000)
    parameters = access.principal_parameters(principal, today) | {
        "offenderId": offender_id,
        "requestId": request_id,
        "userId": principal.user_id,
        "purpose": principal.purpose,
        "justification": reason,
        "mode": mode.value,
        "ceiling": ceiling.value,
    }
    return Write(
        "requestAccess",
        "request_access",
        parameters,
        offender_id,
        {
            "accessRequest": request_id,
            "mode": mode.value,
            "ceiling": ceiling.value,
            "justification": reason,
        },
        refusals={
            "NOT_FOUND": NotFound(f"no offender has id '{offender_id}'"),
            "IN_SCOPE": Conflict(
                "the offender is already in your agency's scope (managed by it or shared with it)"
            ),
            "DUPLICATE": Conflict(
                "your agency already has a PENDING access request for this offender; "
                "withdraw it or wait for the decision"
            ),
        },
    )


def decide_access_request(
    principal: Principal,
    today: dt.date,
    *,
    request_id: str,
    approve: bool,
    ceiling: Classification | None = None,
    until: dt.date | None = None,
    reason: str | None = None,
) -> Write:
    """Approve (a share at `ceiling` until `until`) or refuse (with a `reason`)."""
    rules.require_role(principal, DECIDERS, "decideAccessRequest")
    if approve:
        if ceiling is None or until is None:
            raise BadUserInput("approving needs `ceiling` and `until` (the share's end date)")
        if ceiling.rank > principal.clearance.rank:
            raise Forbidden(f"`ceiling` {ceiling.value} is above your clearance")
        rules.coming_date("until", until, today)
        note = rules.text("reason", reason, 1_000, required=False)
    else:
        if ceiling is not None or until is not None:
            raise BadUserInput("`ceiling` and `until` are for approving; a refusal has a `reason`")
        note = rules.text("reason", reason, 1_000)
    parameters = access.principal_parameters(principal, today) | {
        "requestId": request_id,
        "userId": principal.user_id,
        "approve": approve,
        "ceiling": ceiling.value if ceiling else None,
        "until": until,
        "reason": note,
    }
    return Write(
        "decideAccessRequest",
        "decide_access_request",
        parameters,
        "",  # the statement answers which offender (`offenderId`)
        {
            "accessRequest": request_id,
            "decision": "APPROVED" if approve else "REFUSED",
            "ceiling": ceiling.value if ceiling else None,
            "until": until,
            "reason": note,
        },
        refusals={
            "NOT_FOUND": _unknown(request_id),
            "NOT_MANAGING": Forbidden(
                "only the agency that manages the offender decides its access requests"
            ),
            "NOT_PENDING": _NOT_PENDING,
        },
    )


def withdraw_access_request(principal: Principal, today: dt.date, *, request_id: str) -> Write:
    """The user who asked, or a SUPERVISOR of the requesting agency, withdraws it."""
    parameters = access.principal_parameters(principal, today) | {
        "requestId": request_id,
        "userId": principal.user_id,
        "supervisor": principal.has(Role.SUPERVISOR),
    }
    return Write(
        "withdrawAccessRequest",
        "withdraw_access_request",
        parameters,
        "",
        {"accessRequest": request_id, "decision": "WITHDRAWN"},
        refusals={
            "NOT_FOUND": _unknown(request_id),
            "NOT_REQUESTER": Forbidden(
                "only the user who asked, or a SUPERVISOR of the requesting agency, withdraws it"
            ),
            "NOT_PENDING": _NOT_PENDING,
        },
    )


def _unknown(request_id: str) -> NotFound:
    return NotFound(f"no access request '{request_id}' of or for your agency")
