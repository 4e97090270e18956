"""MAPPA writes (issue 14, docs/design.md §4 rules 6 and 11, §12): the records a meeting reviews
(convictions, notification requirements, licence conditions, custody) are facts written like
any other; a meeting is scheduled by the managing agency's MAPPA_COORDINATOR, which gives each
attending agency a READ share for the meeting's window at a ceiling the chair sets; the
coordinator records decisions and actions; an action's owner marks it done.

Each is a `Write` run by `execute` (one transaction with its audit record and idempotency key);
the statements in `cypher/writes/` check scope, agencies and dates against the graph.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_api.domain import Classification, LicenceConditionKind, Role
from graph_api.errors import ApiError, BadUserInput, Conflict, Forbidden, NotFound
from graph_api.writes import _rules as rules
from graph_api.writes._commands import _fact_change, _offender_write, new_id
from graph_api.writes._execute import Write

if TYPE_CHECKING:
    from graph_api.identity import Principal

#: Who schedules meetings and records their decisions: the managing agency's coordinator.
MAPPA_CHAIRS = frozenset({Role.MAPPA_COORDINATOR})
#: Who marks an action of their agency done.
ACTION_OWNERS = frozenset({Role.MAPPA_COORDINATOR, Role.OFFENDER_MANAGER, Role.SUPERVISOR})
#: How long after the meeting the attending agencies keep their READ share, unless the chair
#: says otherwise (`shareUntil`).
DEFAULT_SHARE_DAYS = 28
MAX_ATTENDING = 20
MAX_ITEMS = 20
_OFFENCE_CODE = r"[0-9]{3}/[0-9]{2}"


@dataclass(frozen=True)
class NewAction:
    """An action a meeting agrees: what, the agency that owns it, and when it is due."""

    text: str
    owner_agency: str
    due_on: dt.date


def _not_managing(what: str) -> Forbidden:
    return Forbidden(f"{what} is for the MAPPA_COORDINATOR of the agency that manages the offender")


# --- the records a meeting reviews -------------------------------------------------------------


def add_conviction(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    offence_code: str,
    offence_title: str,
    court: str,
    convicted_on: dt.date,
    sentence: str,
    is_index_offence: bool = False,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "addConviction")
    code = offence_code.strip()
    if not re.fullmatch(_OFFENCE_CODE, code):
        raise BadUserInput("`offenceCode` must be a Home Office offence code, NNN/NN (e.g. 008/06)")
    conviction = {
        "id": new_id("cnv"),
        "offenceCode": code,
        "offenceTitle": rules.text("offenceTitle", offence_title, 200),
        "court": rules.text("court", court, 200),
        "convictedOn": rules.past_date("convictedOn", convicted_on, today),
        "sentence": rules.text("sentence", sentence, 400),
        "isIndexOffence": is_index_offence,
    }
    return _fact_write(
        principal, today, "addConviction", "add_conviction", offender_id, classification,
        record=conviction, since=convicted_on, until=None,
    )  # fmt: skip


def record_notification_requirement(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    from_: dt.date,
    until: dt.date | None,
    next_due_on: dt.date,
    last_notified_on: dt.date | None = None,
    notified_at: str | None = None,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "recordNotificationRequirement")
    rules.past_date("from", from_, today)
    if until is not None and until < from_:
        raise BadUserInput("`until` is before `from`; leave it out for an indefinite requirement")
    if last_notified_on is not None:
        rules.past_date("lastNotifiedOn", last_notified_on, today)
    if next_due_on < (last_notified_on or from_):
        raise BadUserInput("`nextDueOn` is before the last notification (or `from`)")
    requirement = {
        "id": new_id("ntf"),
        "until": until,
        "indefinite": until is None,
        "lastNotifiedOn": last_notified_on,
        "nextDueOn": next_due_on,
        "notifiedAt": rules.text("notifiedAt", notified_at, 200, required=False),
    }
    return _fact_write(
        principal, today, "recordNotificationRequirement", "record_notification_requirement",
        offender_id, classification, record=requirement, since=from_, until=until,
    )  # fmt: skip


def add_licence_condition(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    kind: LicenceConditionKind,
    text: str,
    from_: dt.date,
    to: dt.date | None,
    set_by: str,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    """A condition applies from `from` (a coming release may be named) until `to` (the end of
    the licence, often to come)."""
    rules.require_role(principal, rules.FACT_WRITERS, "addLicenceCondition")
    if to is not None and to < from_:
        raise BadUserInput(f"`from` ({from_.isoformat()}) is after `to` ({to.isoformat()})")
    condition = {
        "id": new_id("lic"),
        "kind": kind.value,
        "text": rules.text("text", text, 1_000),
        "setBy": rules.text("setBy", set_by, 200),
    }
    return _fact_write(
        principal, today, "addLicenceCondition", "add_licence_condition", offender_id,
        classification, record=condition, since=from_, until=to,
    )  # fmt: skip


def record_custody(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    establishment: str,
    from_: dt.date,
    release_on: dt.date | None,
    released_on: dt.date | None = None,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    """A prison episode from `from`; `releasedOn` (the actual release) ends it."""
    rules.require_role(principal, rules.FACT_WRITERS, "recordCustody")
    rules.period(from_, released_on, today, "from", "releasedOn")
    if release_on is not None and release_on < from_:
        raise BadUserInput("`releaseOn` (the expected release) is before `from`")
    custody = {
        "id": new_id("cus"),
        "establishment": rules.text("establishment", establishment, 200),
        "releaseOn": release_on,
        "releasedOn": released_on,
    }
    return _fact_write(
        principal, today, "recordCustody", "record_custody", offender_id, classification,
        record=custody, since=from_, until=released_on,
    )  # fmt: skip


def _fact_write(
    principal: Principal,
    today: dt.date,
    mutation: str,
    statement: str,
    offender_id: str,
    classification: Classification,
    *,
    record: dict[str, Any],
    since: dt.date,
    until: dt.date | None,
) -> Write:
    """A new record linked to the offender by a fact link from `since` to `until`."""
    parameters = _offender_write(
        principal, offender_id, today, classification, record=record, since=since, until=until
    )
    return Write(
        mutation,
        statement,
        parameters,
        offender_id,
        _fact_change(record=record, from_=since, to=until, classification=classification),
    )


# --- meetings --------------------------------------------------------------------------------


def schedule_mappa_meeting(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    held_on: dt.date,
    attending_agencies: list[str],
    share_ceiling: Classification,
    level: int | None = None,
    share_until: dt.date | None = None,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    """Rule 11: the meeting, and a READ share for each attending agency from today until
    `shareUntil` (default: DEFAULT_SHARE_DAYS after the meeting) at `shareCeiling`."""
    rules.require_role(principal, MAPPA_CHAIRS, "scheduleMappaMeeting")
    if held_on < today:
        raise BadUserInput(
            f"`heldOn` ({held_on.isoformat()}) is in the past; a meeting is scheduled for today "
            "or later"
        )
    if level is not None:
        rules.in_range("level", level, 1, 3)
    if share_ceiling.rank > principal.clearance.rank:
        raise Forbidden(
            f"`shareCeiling` {share_ceiling.value} is above your clearance "
            f"({principal.clearance.value}); the chair shares at most what it may see"
        )
    until = share_until or held_on + dt.timedelta(days=DEFAULT_SHARE_DAYS)
    if until < held_on:
        raise BadUserInput("`shareUntil` is before `heldOn`; the share must cover the meeting")
    if not 1 <= len(attending_agencies) <= MAX_ATTENDING:
        raise BadUserInput(f"`attendingAgencies` must name 1 to {MAX_ATTENDING} agencies")
    agencies: list[str] = []
    for index, value in enumerate(attending_agencies):
        code = rules.agency_code(f"attendingAgencies[{index}]", value)
        if code == principal.agency:
            raise BadUserInput(
                f"`attendingAgencies[{index}]` is your own agency, which chairs the meeting"
            )
        if code not in agencies:
            agencies.append(code)
    meeting_id = new_id("mtg")
    meeting = {
        "id": meeting_id,
        "heldOn": held_on,
        "level": level,
        "chairAgency": principal.agency,
        "chairUserId": principal.user_id,
        "attendingAgencies": agencies,
        "shareCeiling": share_ceiling.value,
        "shareFrom": today,
        "shareUntil": until,
        "decisions": [],
        "scheduledOn": today,
    }
    parameters = _offender_write(
        principal, offender_id, today, classification, meeting=meeting, attending=agencies
    )
    refusals: dict[str, ApiError] = {
        "NOT_MANAGING": _not_managing("scheduleMappaMeeting"),
        **{
            f"UNKNOWN_AGENCY_{code}": BadUserInput(
                f"`attendingAgencies[{attending_agencies_index(attending_agencies, code)}]`: no "
                f"agency has code '{code}' (see `agencies`)"
            )
            for code in agencies
        },
    }
    return Write(
        "scheduleMappaMeeting",
        "schedule_mappa_meeting",
        parameters,
        offender_id,
        _fact_change(meeting=meeting, classification=classification),
        refusals=refusals,
    )


def attending_agencies_index(given: list[str], code: str) -> int:
    """Where `code` was given in the input (for the message that names the field)."""
    return next(i for i, value in enumerate(given) if value.strip().upper() == code)


def record_mappa_decisions(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    meeting_id: str,
    decisions: list[str],
    actions: list[NewAction],
) -> Write:
    """Decisions are added to the meeting's; each action is owned by the chair or an attending
    agency and falls due on or after the meeting. Actions take the meeting's classification."""
    rules.require_role(principal, MAPPA_CHAIRS, "recordMappaDecisions")
    if not decisions and not actions:
        raise BadUserInput("give at least one of `decisions` and `actions`")
    if len(decisions) > MAX_ITEMS or len(actions) > MAX_ITEMS:
        raise BadUserInput(f"at most {MAX_ITEMS} `decisions` and {MAX_ITEMS} `actions` at once")
    noted = [rules.text(f"decisions[{i}]", d, 1_000) for i, d in enumerate(decisions)]
    rows = [
        {
            "id": new_id("act"),
            "text": rules.text(f"actions[{i}].text", action.text, 1_000),
            "ownerAgency": rules.agency_code(f"actions[{i}].ownerAgency", action.owner_agency),
            "dueOn": rules.coming_date(f"actions[{i}].dueOn", action.due_on, today),
            "doneOn": None,
        }
        for i, action in enumerate(actions)
    ]
    parameters = _offender_write(
        principal, offender_id, today, meetingId=meeting_id, decisions=noted, actions=rows
    )
    refusals: dict[str, ApiError] = {
        "NOT_MANAGING": _not_managing("recordMappaDecisions"),
        "MEETING_NOT_FOUND": NotFound(
            f"no MAPPA meeting '{meeting_id}' about this offender is visible to you"
        ),
    }
    for i, action in enumerate(actions):
        refusals[f"DUE_BEFORE_MEETING_{i}"] = BadUserInput(
            f"`actions[{i}].dueOn` ({action.due_on.isoformat()}) is before the meeting"
        )
        refusals[f"NOT_ATTENDING_{i}"] = BadUserInput(
            f"`actions[{i}].ownerAgency` {rows[i]['ownerAgency']} is neither the chair nor an "
            "attending agency of the meeting"
        )
    return Write(
        "recordMappaDecisions",
        "record_mappa_decisions",
        parameters,
        offender_id,
        {"meeting": meeting_id, "decisions": noted, "actions": rows},
        refusals=refusals,
    )


def mark_action_done(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    action_id: str,
    on: dt.date | None = None,
) -> Write:
    """The owning agency closes its action (even with only a READ share of the offender)."""
    rules.require_role(principal, ACTION_OWNERS, "markActionDone")
    done = rules.past_date("on", on or today, today)
    parameters = _offender_write(principal, offender_id, today, actionId=action_id, on=done)
    return Write(
        "markActionDone",
        "mark_action_done",
        parameters,
        offender_id,
        {"action": action_id, "doneOn": done},
        refusals={
            "ACTION_NOT_FOUND": NotFound(
                f"no action '{action_id}' on this offender is visible to you"
            ),
            "NOT_OWNER": Forbidden("only the agency that owns an action marks it done"),
            "DONE": Conflict("the action is already marked done"),
        },
    )
