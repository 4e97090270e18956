"""Access requests as either side sees them (docs/design.md §4 rule 8): one statement per field.

A request is visible to the agency that asked and to the agency that now manages its offender;
to anyone else it does not exist.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api.planner.projection import page_size
from graph_api.planner.roots import Plan, _single, _statement

if TYPE_CHECKING:
    from graph_api.identity import Principal
    from graph_api.planner.selection import Selected

#: Cypher: the principal's agency is a side of request `q`.
_EITHER_SIDE = "(q.requesterAgency = $agency OR EXISTS { MATCH (q)-[:FOR]->(:Offender {managingAgency: $agency}) })"


def plan_access_requests(
    selection: Selected, principal: Principal, state: str | None, first: int | None
) -> Plan:
    """The requests of and for the principal's agency, newest first, in `state` if given."""
    size = page_size(first)
    statement, projector = _statement(principal)
    wanted = f" AND q.state = {statement.param(state)}" if state else ""
    cypher = (
        f"MATCH (q:AccessRequest) WHERE {_EITHER_SIDE}{wanted} "
        f"WITH q ORDER BY q.requestedAt DESC, q.id ASC LIMIT {statement.param(size)} "
        f"RETURN {projector.access_request('q', selection.only())} AS result"
    )
    return Plan(cypher, statement.parameters, lambda records: [r["result"] for r in records])


def plan_access_request(selection: Selected, principal: Principal, request_id: str) -> Plan:
    """One request by id (the read-back of the access-request mutations)."""
    statement, projector = _statement(principal)
    cypher = (
        f"MATCH (q:AccessRequest {{id: {statement.param(request_id)}}}) WHERE {_EITHER_SIDE} "
        f"RETURN {projector.access_request('q', selection.only())} AS result"
    )
    return Plan(cypher, statement.parameters, _single)


def read_back(selection: Selected) -> Any:
    """The read-back of a mutation answering the request it created or changed."""

    def plan(principal: Principal, write: Any) -> Plan:
        return plan_access_request(selection, principal, write.parameters["requestId"])

    return plan
