"""The alerts inbox (issue 15, docs/design.md §11): one statement per `alerts` field.

An alert is either a change (a `ChangeEvent` of the last `GRAPH_API_ALERT_DAYS` that concerns
the user: a kind in `CHANGE_ALERTS` about an offender its agency may see, any change to an
offender on the user's watch list, the decision on an access request its agency made) or a
date falling due (`DUE_ALERTS`: a review, a share about to lapse, a request waiting). Nothing
is copied into an inbox: the statement finds them when the inbox is read, and keeps only what
the principal may see *then* (docs/design.md §4 rule 10), as a read does.

Another kind of due date joins with one entry in `DUE_ALERTS` and its fragment in
`cypher/alerts/` (the offender `o`, the `subjectId` of what falls due, its `dueOn`, and the
`classification` of the fact that tells of it); see `cypher/alerts/risk_review_due.cypher`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_api import access, cypher_files
from graph_api.planner.changes import deliverable, event_map
from graph_api.planner.projection import page_size
from graph_api.planner.roots import Plan, _edge_map, _page, _statement, decode_cursor, nominal

if TYPE_CHECKING:
    from graph_api.identity import Principal
    from graph_api.planner.projection import Projector
    from graph_api.planner.selection import Selected


@dataclass(frozen=True)
class DueAlert:
    """A kind of alert raised by time: a date of the register falling due."""

    kind: str
    #: What it tells, for the schema's description.
    description: str
    #: Its fragment: `cypher/alerts/<fragment>.cypher`.
    fragment: str


#: Every kind of alert raised by time, one entry each.
DUE_ALERTS: tuple[DueAlert, ...] = (
    DueAlert(
        "RISK_REVIEW_DUE",
        "the latest risk assessment of an offender your agency manages is due for review",
        "risk_review_due",
    ),
    DueAlert(
        "INTELLIGENCE_REVIEW_DUE",
        "intelligence about an offender your agency manages is due for review",
        "intelligence_review_due",
    ),
    DueAlert(
        "SHARE_LAPSING",
        "a share your agency gave or holds ends soon (the subject is the receiving agency)",
        "share_lapsing",
    ),
    DueAlert(
        "NOTIFICATION_DUE",
        "a registered sex offender your agency manages is due to notify the police",
        "notification_due",
    ),
    DueAlert(
        "RELEASE_DUE",
        "an offender your agency manages is expected to be released from custody",
        "release_due",
    ),
    DueAlert(
        "ACTION_DUE",
        "a MAPPA action your agency owns falls due (or is overdue) and is not done",
        "action_due",
    ),
    DueAlert(
        "ACCESS_REQUEST_WAITING",
        "another agency asks for a share of an offender your agency manages",
        "access_request_waiting",
    ),
)

#: Changes that alert every user of an agency that may see the offender (besides any change to
#: an offender on the user's watch list, and decisions on the agency's access requests).
CHANGE_ALERTS = frozenset(
    {"addIntelligence", "addRiskAssessment", "shareOffender", "transferManagement"}
)

#: The kind of an alert raised by a change.
CHANGE = "CHANGE"


def _changes() -> str:
    return (
        "MATCH (e:ChangeEvent) WHERE e.at >= $sinceTime AND e.seq IS NOT NULL "
        "AND coalesce(e.userId, '') <> $userId "
        "AND (e.kind IN $changeKinds "
        "OR (e.kind = 'decideAccessRequest' AND e.requesterAgency = $agency) "
        "OR EXISTS { MATCH (:Watch {userId: $userId, offenderId: e.offenderId}) }) "
        "MATCH (o:Offender {id: e.offenderId}) "
        f"RETURN '{CHANGE}' AS kind, 'evt_' + toString(e.seq) AS id, e.at AS at, "
        "null AS dueOn, null AS subjectId, o, e, e.classification AS classification, "
        "e.requesterAgency AS requester"
    )


def _due(alert: DueAlert) -> str:
    return (
        f"CALL () {{ {cypher_files.alert(alert.fragment)} }} "
        f"RETURN '{alert.kind}' AS kind, "
        f"'{alert.kind}:' + o.id + ':' + subjectId + ':' + toString(dueOn) AS id, "
        "datetime({date: dueOn}) AS at, dueOn, subjectId, o, null AS e, classification, "
        "null AS requester"
    )


def _alert_map(projector: Projector, selection: Selected) -> str:
    entries = []
    for field in selection.only("Alert"):
        if field.name == "offender":
            value = nominal(projector, "o", "c", field)
        elif field.name == "event":
            event = event_map(projector, field, "e", "o", "c")
            value = f"CASE WHEN e IS NULL THEN null ELSE {event} END"
        elif field.name in {"id", "kind", "at", "dueOn", "subjectId", "read"}:
            value = field.name
        else:
            continue
        entries.append(f"`{field.key}`: {value}")
    return "{" + ", ".join(entries) + "}"


def plan_alerts(
    selection: Selected,
    principal: Principal,
    unread_only: bool,
    first: int | None,
    after: str | None,
    days: int,
) -> Plan:
    """The principal's alerts, newest first (a date falling due counts from its day)."""
    size = page_size(first)
    statement, projector = _statement(principal)
    today = dt.date.today()
    cursor = decode_cursor(after)
    statement.parameters |= {
        "userId": principal.user_id,
        "today": today,
        "since": today - dt.timedelta(days=days),
        "horizon": today + dt.timedelta(days=days),
        "sinceTime": dt.datetime.now(dt.UTC) - dt.timedelta(days=days),
        "changeKinds": sorted(CHANGE_ALERTS),
        "unreadOnly": unread_only,
        "afterAt": cursor[0] if cursor else None,
        "afterId": cursor[1] if cursor else None,
        "limit": size + 1,
    }
    branches = " UNION ALL ".join([_changes(), *(_due(alert) for alert in DUE_ALERTS)])
    item = _edge_map(selection, "AlertEdge", {"node": lambda f: _alert_map(projector, f)})
    cypher = (
        f"CALL () {{ {branches} }} "
        f"WITH kind, id, at, dueOn, subjectId, o, e, classification, requester, "
        f"{access.ceiling('o', 's0')} AS c "
        f"WHERE {deliverable('classification', 'requester', 'c')} "
        "WITH *, EXISTS { MATCH (:AlertRead {userId: $userId, alertId: id}) } AS read "
        "WHERE (NOT $unreadOnly OR NOT read) AND ($afterAt IS NULL OR at < $afterAt "
        "OR (at = $afterAt AND id < $afterId)) "
        "WITH * ORDER BY at DESC, id DESC LIMIT $limit "
        f"RETURN at AS k, id, {item} AS item"
    )
    return Plan(cypher, statement.parameters, _page(selection, size))
