"""MAPPA reads that are not link lists (issue 14): what falls due, or is overdue, for the
offenders the principal's agency manages, sorted by date and paged.

The link lists (convictions, meetings ...) are planned like every other list
(`projection.LINKS`); the sharing view in `sharing`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from graph_api import cypher_files
from graph_api.domain import DueKind
from graph_api.errors import BadUserInput
from graph_api.planner.markers import TYPE_KEY
from graph_api.planner.projection import page_size
from graph_api.planner.roots import (
    Plan,
    _counted,
    _edge_map,
    _page,
    _statement,
    decode_cursor,
)

if TYPE_CHECKING:
    from graph_api.identity import Principal
    from graph_api.planner.selection import Selected

#: The widest window one question may cover.
MAX_WINDOW_DAYS = 366
DEFAULT_WINDOW_DAYS = 30

_COLUMNS = {
    "kind": "kind",
    "dueOn": "dueOn",
    "overdue": "dueOn < $today",
    "subjectId": "subjectId",
    "summary": "summary",
    "classification": "classification",
}


def plan_due(
    selection: Selected,
    principal: Principal,
    *,
    kinds: list[DueKind] | None,
    from_: dt.date | None,
    until: dt.date | None,
    overdue: bool,
    first: int | None,
    after: str | None,
    today: dt.date | None = None,
) -> Plan:
    """`mappaDue`: items due from `from` (default today) to `until` (default 30 days on), or
    with `overdue` those due before today and still open; earliest first."""
    today = today or dt.date.today()
    if overdue and (from_ is not None or until is not None):
        raise BadUserInput(
            "`overdue` asks for everything due before today: leave out `from` and `until`"
        )
    start = from_ or today
    end = until or start + dt.timedelta(days=DEFAULT_WINDOW_DAYS)
    if end < start:
        raise BadUserInput("`until` is before `from`")
    if (end - start).days > MAX_WINDOW_DAYS:
        raise BadUserInput(f"`until` may be at most {MAX_WINDOW_DAYS} days after `from`")
    if overdue and (from_ is not None or until is not None):
        raise BadUserInput(
            "`overdue` asks for everything due before today: leave out `from` and `until`"
        )
    size = page_size(first)
    statement, projector = _statement(principal)
    statement.parameters |= {
        "kinds": [kind.value for kind in (kinds or list(DueKind))],
        "overdue": overdue,
        "windowFrom": start,
        "windowUntil": end,
    }

    def item(field: Selected) -> str:
        entries = [f"`{TYPE_KEY}`: 'DueItem'"]
        for sub in field.only():
            if sub.name == "offender":
                # Managed by the principal's agency: its ceiling is the clearance.
                value = projector.node("o", "Offender", sub.only(), "$clearance")
            else:
                value = _COLUMNS[sub.name]
            entries.append(f"`{sub.key}`: {value}")
        return "{" + ", ".join(entries) + "}"

    edge = _edge_map(selection, "DueItemEdge", {"node": item})
    cursor = decode_cursor(after)
    keyset = "true"
    if cursor is not None:
        day, subject = statement.param(cursor[0]), statement.param(cursor[1])
        keyset = f"(dueOn > {day} OR (dueOn = {day} AND subjectId > {subject}))"
    cypher = _counted(
        selection,
        cypher_files.query("mappa_due_items"),
        f"WITH o, kind, dueOn, subjectId, summary, classification WHERE {keyset} "
        f"ORDER BY dueOn ASC, subjectId ASC LIMIT {statement.param(size + 1)} "
        f"RETURN dueOn AS k, subjectId AS id, {edge} AS item",
    )
    return Plan(cypher, statement.parameters, _page(selection, size))
