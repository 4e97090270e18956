"""The offenders a planned value discloses, as Cypher over the value itself, so that a read can
write its own audit record in its own statement (`graph_api.audit`, docs/design.md §6).

It follows the value exactly as the projector laid it out (response keys, aliases included)
and gathers every map that may carry the markers `Disclosure.saw` reads in Python (`TYPE_KEY`,
`ID_KEY`): the same walk, written for the one selection. Where the selection reaches a shape this
walk does not follow, it answers None, and that read's record is written the usual way.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api.planner.markers import ID_KEY, TYPE_KEY
from graph_api.planner.projection import LINKS

if TYPE_CHECKING:
    from graph_api.planner.selection import Selected
    from graph_api.planner.statement import Statement

#: Object types whose values never hold an offender or a restricted nominal, however selected.
OFFENDER_FREE = frozenset({"Agency", "Location", "Photo", "IdentificationCard"})
#: The concrete types of a person at the end of a link (the LinkedPerson union).
_PEOPLE = ("Offender", "Associate", "RestrictedNominal")

_TYPE = f"`{TYPE_KEY}`"
_ID = f"`{ID_KEY}`"


def _key(name: str) -> str:
    return f"`{name}`"


def _concat(parts: list[str]) -> str:
    return " + ".join(parts) if parts else "[]"


class _Unfollowed(Exception):
    """The selection reaches a shape this walk does not follow."""


def marked_maps(value: str, type_name: str, fields: tuple[Selected, ...], st: Statement) -> str:
    """Cypher: the list of maps in `value` (a map of concrete GraphQL type `type_name` holding
    `fields`) that may carry an offender's or restricted nominal's markers: the map itself when
    it is one, and those below it. Raises `_Unfollowed`."""
    parts = [f"[{value}]"] if type_name in ("Offender", "RestrictedNominal") else []
    for field in fields:
        spec = LINKS.get((type_name, field.name))
        if spec is not None:
            for edges in field.only():
                if edges.name != "edges":
                    continue  # totalCount, pageInfo, withheld: no person in them
                for target in edges.only():
                    if target.name != spec.target_field:
                        continue
                    x = st.var("x")
                    inner = _target(f"{x}.{_key(target.key)}", spec.target_type, target, st)
                    if inner != "[]":
                        edge_list = f"{value}.{_key(field.key)}.{_key(edges.key)}"
                        a = st.var("a")
                        parts.append(f"reduce({a} = [], {x} IN {edge_list} | {a} + {inner})")
        elif field.by_type and not set(field.by_type) <= OFFENDER_FREE:
            raise _Unfollowed(field.name)
    return _concat(parts)


def _target(value: str, target_type: str, selection: Selected, st: Statement) -> str:
    if target_type != "Person":
        return marked_maps(value, target_type, selection.only(), st)
    branches = [(kind, marked_maps(value, kind, selection.fields(kind), st)) for kind in _PEOPLE]
    if all(inner == "[]" for _, inner in branches):
        return "[]"
    whens = " ".join(f"WHEN '{kind}' THEN {inner}" for kind, inner in branches)
    return f"CASE {value}.{_TYPE} {whens} ELSE [] END"


def in_result(type_name: str, fields: tuple[Selected, ...], st: Statement) -> str | None:
    """Cypher over `rows` (at most one row, its column `result` a map of `type_name` or
    null): the marker-carrying maps in it, or None when the selection goes where this walk
    does not."""
    result = "head(rows).result"
    try:
        inner = marked_maps(result, type_name, fields, st)
    except _Unfollowed:
        return None
    return f"CASE WHEN {result} IS NULL THEN [] ELSE {inner} END"


def in_page(
    selection: Selected, edge_type: str, parts: dict[str, str], size: str, st: Statement
) -> str | None:
    """Cypher over `rows` (a root connection's rows, `roots._page`): the marker-carrying maps in
    the items of the rows the page shows, the first `size` with an id (neither the count row
    nor the look-ahead row). `parts` gives what each edge field that holds objects holds: an
    object type ("Offender", "Vehicle"), "Nominal" (an offender in full or restricted) or
    "Nominals" (a list of them). None when the selection goes where this walk does not."""
    row, a = st.var("row"), st.var("a")
    pieces = []
    try:
        for edges in selection.only():
            if edges.name != "edges":
                continue
            for field in edges.fields(edge_type):
                kind = parts.get(field.name)
                if kind is None:
                    continue  # a scalar (a score)
                value = f"{row}.item.{_key(edges.key)}.{_key(field.key)}"
                if kind == "Nominals":
                    y, b = st.var("y"), st.var("b")
                    inner = _target(y, "Person", field, st)
                    pieces.append(f"reduce({b} = [], {y} IN {value} | {b} + {inner})")
                elif kind == "Nominal":
                    pieces.append(_target(value, "Person", field, st))
                else:
                    pieces.append(marked_maps(value, kind, field.only(), st))
    except _Unfollowed:
        return None
    pieces = [piece for piece in pieces if piece != "[]"]
    if not pieces:
        return "[]"
    kept = f"[{row} IN rows WHERE {row}.id IS NOT NULL][0..{size}]"
    return f"reduce({a} = [], {row} IN {kept} | {a} + {_concat(pieces)})"


def ids_of(maps: str, kind: str) -> str:
    """Cypher: the sorted, distinct ids of the `kind` maps in the list `maps`."""
    return (
        f"COLLECT {{ UNWIND {maps} AS m WITH m WHERE m.{_TYPE} = '{kind}' "
        f"RETURN DISTINCT m.{_ID} AS i ORDER BY i }}"
    )
