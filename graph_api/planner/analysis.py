"""The analyses: a person's network, the shortest path between two people, common associates.

Each walks only visible links (`access.link_visible` on every hop, inside the pattern) and never
expands from a restricted nominal, so no path or network reveals more than a stub.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api import access
from graph_api.domain import LinkType
from graph_api.errors import BadUserInput
from graph_api.planner.projection import Projector
from graph_api.planner.roots import Plan, _single
from graph_api.planner.statement import Statement

if TYPE_CHECKING:
    import datetime as dt

    from graph_api.identity import Principal
    from graph_api.planner.selection import Selected

MAX_DEPTH = 3
MAX_HOPS = 6
MAX_NETWORK_EDGES = 2_000

_EDGE = (
    "{{source: startNode({r}).id, target: endNode({r}).id, type: type({r}), from: {r}.from, "
    "to: {r}.to, agency: {r}.agency, classification: {r}.classification}}"
)


def _link_types(link_types: list[Any] | None) -> str:
    chosen = [getattr(t, "value", t) for t in (link_types or list(LinkType))]
    return "|".join(sorted({LinkType(value).value for value in chosen}))


def _nodes_and_edges(projector: Projector, selection: Selected, nodes: str, edges: str) -> str:
    """RETURN a map of the selected `nodes` and `edges` (and `length`) of a network or path."""
    statement = projector.statement
    parts = []
    n, c, r = statement.var("n"), statement.var("c"), statement.var("r")
    for field in selection.only():
        if field.name == "nodes":
            node = projector.any_node(n, c, field)
            parts.append(
                f"`{field.key}`: [{n} IN {nodes} | "
                f"[{c} IN [{access.person_ceiling(n, statement.var('s'))}] | {node}][0]]"
            )
        elif field.name == "edges":
            parts.append(f"`{field.key}`: [{r} IN {edges} | {_EDGE.format(r=r)}]")
        elif field.name == "length":
            parts.append(f"`{field.key}`: size({edges})")
    return "{" + ", ".join(parts) + "}"


def _root(statement: Statement, param_id: str, variable: str) -> str:
    return (
        f"MATCH ({variable}:Offender {{id: {param_id}}}) "
        f"WHERE {access.ceiling(variable, statement.var('s'))} > 0 "
    )


def plan_network(
    selection: Selected,
    principal: Principal,
    offender_id: str,
    depth: int,
    link_types: list[Any] | None,
    as_of: dt.date | None,
) -> Plan:
    if not 1 <= depth <= MAX_DEPTH:
        raise BadUserInput(f"`depth` must be between 1 and {MAX_DEPTH}; got {depth}")
    statement = Statement(access.principal_parameters(principal))
    projector = Projector(statement)
    types = _link_types(link_types)
    # Breadth first, one level per subquery: each level expands the new, non-stub nodes of the
    # level before along visible links, so the work grows with nodes, not with paths.
    levels = []
    for _ in range(depth):
        near_ceiling = statement.var("cn")
        far_ceiling = access.person_ceiling("far", statement.var("s"))
        valid = f" AND {access.valid_on('l', statement.param(as_of))}" if as_of else ""
        levels.append(
            f"CALL (frontier, seen) {{ "
            f"UNWIND frontier AS f WITH f.n AS near, f.c AS {near_ceiling} "
            f"WHERE {near_ceiling} IS NULL OR {near_ceiling} > 0 "
            f"MATCH (near)-[l:{types}]-(far) "
            f"WITH l, far, {near_ceiling}, {far_ceiling} AS cf "
            f"WHERE {access.link_visible('l', near_ceiling, 'cf')}{valid} "
            f"RETURN collect(DISTINCT l) AS found, "
            f"collect(DISTINCT {{n: far, c: cf}}) AS reached }} "
            f"WITH links + found AS links, "
            f"[x IN reached WHERE NOT x.n IN seen] AS frontier, "
            f"seen + [x IN reached WHERE NOT x.n IN seen | x.n] AS seen "
        )
    cypher = (
        f"MATCH (root:Offender {{id: {statement.param(offender_id)}}}) "
        f"WITH root, {access.ceiling('root', statement.var('s'))} AS c0 WHERE c0 > 0 "
        f"WITH [] AS links, [{{n: root, c: c0}}] AS frontier, [root] AS seen "
        + "".join(levels)
        + f"UNWIND (CASE WHEN links = [] THEN [null] ELSE links END) AS l "
        f"WITH seen, collect(DISTINCT l)[0..{MAX_NETWORK_EDGES}] AS links "
        f"RETURN {_nodes_and_edges(projector, selection, 'seen', 'links')} AS result"
    )
    return Plan(cypher, statement.parameters, _single)


def plan_shortest_path(
    selection: Selected,
    principal: Principal,
    from_id: str,
    to_id: str,
    max_hops: int,
    link_types: list[Any] | None,
) -> Plan:
    if not 1 <= max_hops <= MAX_HOPS:
        raise BadUserInput(f"`maxHops` must be between 1 and {MAX_HOPS}; got {max_hops}")
    statement = Statement(access.principal_parameters(principal))
    projector = Projector(statement)
    target = statement.param(to_id)
    # The policy of `access.link_visible`, in the short-circuiting form a path search evaluates
    # at every step: the near end admits the link; the far end admits it, or is an out-of-scope
    # offender at the end of an association from an offender (a stub, which may end the path
    # but is never walked through).
    stub = (
        f"(type(link) = 'ASSOCIATED_WITH' AND near:Offender AND far:Offender "
        f"AND NOT {access.in_scope('far', statement.var('s'))})"
    )
    hop = (
        f"$rank[link.classification] <= $clearance "
        f"AND {access.admits('near', 'link', statement.var('s'))} "
        f"AND ({access.admits('far', 'link', statement.var('s'))} OR {stub})"
    )
    through = (
        f"(far.id = {target} OR NOT far:Offender OR {access.in_scope('far', statement.var('s'))})"
    )
    cypher = (
        _root(statement, statement.param(from_id), "a")
        + f"MATCH (b {{id: {target}}}) WHERE b:Person AND a <> b "
        f"MATCH walk = SHORTEST 1 (a)((near)-[link:{_link_types(link_types)}]-(far) "
        f"WHERE {hop} AND {through}){{1,{max_hops}}}(b) "
        f"WITH nodes(walk) AS nodes, relationships(walk) AS links "
        f"RETURN {_nodes_and_edges(projector, selection, 'nodes', 'links')} AS result"
    )
    return Plan(cypher, statement.parameters, _single)


def plan_common_associates(
    selection: Selected, principal: Principal, first_id: str, second_id: str
) -> Plan:
    statement = Statement(access.principal_parameters(principal))
    projector = Projector(statement)
    first, second = statement.param(first_id), statement.param(second_id)
    c1, c2, cp = "c1", "c2", "cp"
    person = projector.person("p", cp, selection)
    cypher = (
        f"MATCH (a:Offender {{id: {first}}}), (b:Offender {{id: {second}}}) WHERE a <> b "
        f"WITH a, b, {access.ceiling('a', 's1')} AS {c1}, {access.ceiling('b', 's2')} AS {c2} "
        f"WHERE {c1} > 0 AND {c2} > 0 "
        f"MATCH (a)-[r1:ASSOCIATED_WITH]-(p:Person)-[r2:ASSOCIATED_WITH]-(b) WHERE p <> a AND p <> b "
        f"WITH DISTINCT a, b, {c1}, {c2}, r1, r2, p, {access.person_ceiling('p', 's3')} AS {cp} "
        f"WHERE {access.link_visible('r1', c1, cp)} AND {access.link_visible('r2', c2, cp)} "
        f"WITH DISTINCT p, {cp} ORDER BY p.id "
        f"RETURN {person} AS result"
    )
    return Plan(cypher, statement.parameters, lambda records: [r["result"] for r in records])
