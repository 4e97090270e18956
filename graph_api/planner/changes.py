"""Change events as a subscriber sees them (docs/design.md §4 rule 10, §11): one statement per
delivery, planned like a read.

The statement reads the events committed in a range of the sequence, keeps those the receiving
principal may see *now* (its offender in scope today, the event's classification within the
offender's ceiling; or an access request the principal's agency made) and projects what the
subscriber selected, the offender as the principal sees it at that moment. A share revoked a
moment ago therefore stops delivery with the next event: nothing is decided when the event is
written.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api import access
from graph_api.planner.roots import Plan, _statement, nominal

if TYPE_CHECKING:
    from graph_api.identity import Principal
    from graph_api.planner.projection import Projector
    from graph_api.planner.selection import Selected


def deliverable(classification: str, requester: str, c: str) -> str:
    """Cypher: the receiving principal may be told of a change classified `classification`
    about an offender whose ceiling for it is `c` (docs/access-policy.md, "Change events"): in
    scope with the classification within the ceiling, or an access request its own agency
    made (`requester`; the offender then shown as a RestrictedNominal)."""
    return f"(({c} > 0 AND $rank[{classification}] <= {c}) OR {requester} = $agency)"


def event_map(projector: Projector, selection: Selected, event: str, offender: str, c: str) -> str:
    """The `ChangeEvent` map of event `event` about offender `offender` (ceiling `c`)."""
    entries = []
    for field in selection.only("ChangeEvent"):
        if field.name == "cursor":
            value = f"toString({event}.seq)"
        elif field.name == "offender":
            value = nominal(projector, offender, c, field)
        elif field.name == "agency":
            value = projector.agency(f"{event}.agency", field)
        elif field.name == "__typename":
            continue
        else:
            value = f"{event}.`{field.name}`"
        entries.append(f"`{field.key}`: {value}")
    return "{" + ", ".join(entries) + "}"


def plan_changes(
    selection: Selected,
    principal: Principal,
    offender_ids: list[str] | None,
    kinds: list[str] | None,
) -> Plan:
    """The events in `($after, $upTo]` (set at each delivery, with `$today`) that `principal`
    may see, oldest first, each as `selection` asks; only about `offender_ids` and of `kinds`
    when given."""
    statement, projector = _statement(principal)
    statement.parameters |= {"after": 0, "upTo": 0, "kinds": kinds, "offenderIds": offender_ids}
    cypher = (
        "MATCH (e:ChangeEvent) WHERE e.seq > $after AND e.seq <= $upTo "
        "AND ($kinds IS NULL OR e.kind IN $kinds) "
        "AND ($offenderIds IS NULL OR e.offenderId IN $offenderIds) "
        "MATCH (o:Offender {id: e.offenderId}) "
        f"WITH e, o, {access.ceiling('o', 's0')} AS c "
        f"WHERE {deliverable('e.classification', 'e.requesterAgency', 'c')} "
        f"RETURN e.seq AS seq, {event_map(projector, selection, 'e', 'o', 'c')} AS result "
        "ORDER BY seq"
    )
    return Plan(cypher, statement.parameters, lambda records: records)
