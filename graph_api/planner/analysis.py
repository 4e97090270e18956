"""The analyses: a person's network, the shortest path between two people, common associates.

Each walks only visible links and never expands from a restricted nominal, so no path or
network reveals more than a stub. A network carries each node's cap down the walk; a path and
a pair of common associations are visible under one cap for the whole path (the lowest ceiling
of the in-scope offenders on it), so the three always agree (docs/access-policy.md).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api import access
from graph_api.domain import LinkType
from graph_api.errors import BadUserInput
from graph_api.planner.markers import DISCLOSED_KEY, ID_KEY, TYPE_KEY
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

#: The fields of a network edge, as Cypher over the relationship `{r}`.
_EDGE_FIELDS = {
    "source": "startNode({r}).id",
    "target": "endNode({r}).id",
    "type": "type({r})",
    "from": "{r}.from",
    "to": "{r}.to",
    "agency": "{r}.agency",
    "classification": "{r}.classification",
}


def _link_types(link_types: list[Any] | None) -> str:
    chosen = [getattr(t, "value", t) for t in (link_types or list(LinkType))]
    return "|".join(sorted({LinkType(value).value for value in chosen}))


def _nodes_and_edges(projector: Projector, selection: Selected, nodes: str, edges: str) -> str:
    """RETURN a map of the selected `nodes` and `edges` (and `length`) of a network or path.

    `nodes` is a Cypher list of `{n: node, c: its cap}`. When nodes or edges are selected,
    every offender among the nodes is marked for the audit record (an edge carries the ids of
    both its ends, whatever else is selected).
    """
    statement = projector.statement
    parts = []
    x, n, c, r = statement.var("x"), statement.var("n"), statement.var("c"), statement.var("r")
    for field in selection.only():
        if field.name == "nodes":
            node = projector.any_node(n, c, f"{x}.c", field)
            ceiling = access.person_ceiling(n, statement.var("s"))
            parts.append(
                f"`{field.key}`: [{x} IN {nodes} | [{n} IN [{x}.n] | "
                f"[{c} IN [{ceiling}] | {node}][0]][0]]"
            )
        elif field.name == "edges":
            entries = ", ".join(
                f"`{sub.key}`: {_EDGE_FIELDS[sub.name].format(r=r)}" for sub in field.only()
            )
            parts.append(f"`{field.key}`: [{r} IN {edges} | {{{entries}}}]")
        elif field.name == "length":
            parts.append(f"`{field.key}`: size({edges})")
    if any(field.name in {"nodes", "edges"} for field in selection.only()):
        m, k = statement.var("n"), statement.var("c")
        disclosed = (
            f"[{m} IN [{x} IN {nodes} | {x}.n] WHERE {m}:Offender | "
            f"[{k} IN [{access.ceiling(m, statement.var('s'))}] | "
            f"{{`{TYPE_KEY}`: CASE WHEN {k} > 0 THEN 'Offender' ELSE 'RestrictedNominal' END, "
            f"`{ID_KEY}`: {m}.id}}][0]]"
        )
        parts.append(f"`{DISCLOSED_KEY}`: {disclosed}")
    return "{" + ", ".join(parts) + "}"


def _valid_on(statement: Statement, link: str, as_of: dt.date | None) -> str:
    return f" AND {access.valid_on(link, statement.param(as_of))}" if as_of else ""


def plan_network(
    selection: Selected,
    principal: Principal,
    offender_id: str,
    depth: int,
    link_types: list[Any] | None,
    as_of: dt.date | None,
) -> Plan:
    """Breadth first from the root, each node carrying its cap (docs/access-policy.md): a
    node is expanded again when a later level reaches it with a higher cap, so every link
    visible from the root within `depth` is found, and none beyond what a share allows."""
    if not 1 <= depth <= MAX_DEPTH:
        raise BadUserInput(f"`depth` must be between 1 and {MAX_DEPTH}; got {depth}")
    statement = Statement(access.principal_parameters(principal))
    projector = Projector(statement)
    types = _link_types(link_types)
    levels = []
    for _ in range(depth):
        far_ceiling = access.person_ceiling("far", statement.var("s"))
        levels.append(
            f"CALL (frontier) {{ "
            f"UNWIND frontier AS f WITH f.n AS near, f.c AS nc WHERE nc > 0 "
            f"MATCH (near)-[l:{types}]-(far) "
            f"WITH near, nc, l, far, {far_ceiling} AS cf "
            f"WHERE {access.link_visible('l', 'nc', 'cf', 'near:Offender')}"
            f"{_valid_on(statement, 'l', as_of)} "
            f"RETURN collect(DISTINCT l) AS found, "
            f"collect({{n: far, c: {access.walk_cap('cf', 'nc')}}}) AS reached }} "
            f"CALL (reached, seen) {{ "
            f"UNWIND reached AS x WITH x.n AS n, max(x.c) AS c "
            f"WITH n, c, [s IN seen WHERE s.n = n | s.c] AS before "
            f"WHERE size(before) = 0 OR c > before[0] "
            f"RETURN collect({{n: n, c: c}}) AS better }} "
            f"WITH links + found AS links, better AS frontier, "
            f"[s IN seen WHERE NOT s.n IN [b IN better | b.n]] + better AS seen "
        )
    cypher = (
        f"MATCH (root:Offender {{id: {statement.param(offender_id)}}}) "
        f"WITH root, {access.ceiling('root', statement.var('s'))} AS c0 WHERE c0 > 0 "
        f"WITH [] AS links, [{{n: root, c: c0}}] AS frontier, [{{n: root, c: c0}}] AS seen "
        + "".join(levels)
        # In a stable order, so the same graph always answers the same network (and the same
        # links when there are more than MAX_NETWORK_EDGES): the root first, then by id.
        + f"UNWIND (CASE WHEN links = [] THEN [null] ELSE links END) AS l "
        f"WITH seen, l ORDER BY elementId(l) "
        f"WITH seen, collect(DISTINCT l)[0..{MAX_NETWORK_EDGES}] AS links "
        f"WITH links, [head(seen)] + COLLECT {{ UNWIND tail(seen) AS s "
        f"RETURN s ORDER BY s.n.id }} AS seen "
        f"RETURN {_nodes_and_edges(projector, selection, 'seen', 'links')} AS result"
    )
    return Plan(cypher, statement.parameters, _single)


def _path_hop(statement: Statement, cap: str, as_of: str) -> str:
    """The test of one hop of a path whose cap is `cap` (docs/access-policy.md, "Paths"), in
    the short-circuiting form a path search evaluates at every step: the link is within the
    cap and valid on `as_of`; each end is a non-offender or an in-scope offender whose ceiling
    reaches the cap; or one end is a restricted nominal, met only over an association with an
    in-scope offender (a stub passed through lies between two such associations)."""
    share = statement.var("s")

    def stub(end: str, other: str) -> str:
        return (
            f"(type(link) = 'ASSOCIATED_WITH' AND {end}:Offender AND {other}:Offender "
            f"AND NOT {access.in_scope(end, share)} AND {access.admits_at(other, cap, share)})"
        )

    return (
        f"$rank[link.classification] <= {cap} AND {access.valid_on('link', as_of)} "
        f"AND (({access.admits_at('near', cap, share)} "
        f"AND {access.admits_at('far', cap, share)}) "
        f"OR {stub('far', 'near')} OR {stub('near', 'far')})"
    )


def plan_shortest_path(
    selection: Selected,
    principal: Principal,
    from_id: str,
    to_id: str,
    max_hops: int,
    link_types: list[Any] | None,
    as_of: dt.date,
) -> Plan:
    """One search per cap the path may have (1 to the root's ceiling), each walking only hops
    within that cap; the shortest path found wins (on a tie, the higher cap)."""
    if not 1 <= max_hops <= MAX_HOPS:
        raise BadUserInput(f"`maxHops` must be between 1 and {MAX_HOPS}; got {max_hops}")
    statement = Statement(access.principal_parameters(principal))
    projector = Projector(statement)
    day = statement.param(as_of)
    cypher = (
        f"MATCH (a:Offender {{id: {statement.param(from_id)}}}) "
        f"WITH a, {access.ceiling('a', statement.var('s'))} AS ca WHERE ca > 0 "
        f"MATCH (b {{id: {statement.param(to_id)}}}) WHERE b:Person AND a <> b "
        f"UNWIND [k IN [1, 2, 3] WHERE k <= ca] AS cap "
        f"CALL (a, b, cap) {{ "
        f"MATCH walk = SHORTEST 1 (a)((near)-[link:{_link_types(link_types)}]-(far) "
        f"WHERE {_path_hop(statement, 'cap', day)}){{1,{max_hops}}}(b) "
        f"RETURN walk }} "
        f"WITH cap, walk ORDER BY length(walk) ASC, cap DESC LIMIT 1 "
        f"WITH [x IN nodes(walk) | {{n: x, c: cap}}] AS nodes, relationships(walk) AS links "
        f"RETURN {_nodes_and_edges(projector, selection, 'nodes', 'links')} AS result"
    )
    return Plan(cypher, statement.parameters, _single)


def plan_common_associates(
    selection: Selected,
    principal: Principal,
    first_id: str,
    second_id: str,
    as_of: dt.date,
) -> Plan:
    """People with an association, valid on `as_of`, to both offenders such that the two
    links form a visible path between them (docs/access-policy.md, "Paths"): so whenever
    this answers someone, `shortestPath` between the two answers at most 2 hops."""
    statement = Statement(access.principal_parameters(principal))
    projector = Projector(statement)
    first, second = statement.param(first_id), statement.param(second_id)
    day = statement.param(as_of)
    person = projector.person("p", "cp", "k", selection)
    cypher = (
        f"MATCH (a:Offender {{id: {first}}}), (b:Offender {{id: {second}}}) WHERE a <> b "
        f"WITH a, b, {access.ceiling('a', 's1')} AS c1, {access.ceiling('b', 's2')} AS c2 "
        f"WHERE c1 > 0 AND c2 > 0 "
        f"MATCH (a)-[r1:ASSOCIATED_WITH]-(p:Person)-[r2:ASSOCIATED_WITH]-(b) "
        f"WHERE p <> a AND p <> b AND {access.valid_on('r1', day)} AND {access.valid_on('r2', day)} "
        f"WITH DISTINCT p, r1, r2, c1, c2, {access.person_ceiling('p', 's3')} AS cp "
        f"WITH p, cp, r1, r2, reduce(k = c1, x IN [y IN [c2, cp] WHERE y > 0] | "
        f"CASE WHEN x < k THEN x ELSE k END) AS k "
        f"WHERE $rank[r1.classification] <= k AND $rank[r2.classification] <= k "
        f"WITH p, cp, max(k) AS k ORDER BY p.id "
        f"RETURN {person} AS result"
    )
    return Plan(cypher, statement.parameters, lambda records: [r["result"] for r in records])
