"""`searchPhotos`: a gallery of the photographs of matching marks and of their bearers' faces.

Marks match as in `searchMarks` (`roots.mark_matches`); a photograph is shown only through
links the principal could see: an in-scope bearer's mark and photo within its ceiling, or, for
NATIONAL_SEARCH, an out-of-scope bearer's OFFICIAL mark and OFFICIAL photographs (its card).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api import access
from graph_api.planner.projection import page_size
from graph_api.planner.roots import Plan, _statement, mark_matches, visible_bearer

if TYPE_CHECKING:
    from graph_api.identity import Principal
    from graph_api.planner.selection import Selected


def plan_search_photos(
    selection: Selected,
    principal: Principal,
    args: dict[str, Any],
    faces: bool,
    first: int | None,
) -> Plan:
    size = page_size(first)
    statement, projector = _statement(principal)
    source = mark_matches(statement, args)
    entries = []
    for field in selection.only():
        if field.name == "score":
            value = "score"
        elif field.name == "subject":
            value = "CASE WHEN ofMark THEN 'MARK' ELSE 'FACE' END"
        elif field.name == "photo":
            value = projector.node("p", "Photo", field.only())
        elif field.name == "mark":
            value = f"CASE WHEN ofMark THEN {projector.node('m', 'Mark', field.only(), 'k')} END"
        else:  # nominal
            full = projector.node("o", "Offender", field.fields("Offender"), "c")
            stub = projector.restricted("o", field.fields("RestrictedNominal"))
            value = f"CASE WHEN c > 0 THEN {full} ELSE {stub} END"
        entries.append(f"`{field.key}`: {value}")
    face = (
        " UNION MATCH (p:Photo)-[d:DEPICTS]->(o) WHERE $rank[d.classification] <= k "
        "RETURN p, false AS ofMark"
        if faces
        else ""
    )
    cypher = (
        f"{source} MATCH (m)<-[r:HAS_MARK]-(o:Offender) "
        f"WITH m, r, o, score, {access.ceiling('o', 's0')} AS c WHERE {visible_bearer('r')} "
        f"WITH m, o, c, score, CASE WHEN c > 0 THEN c ELSE {access.CARD_RANK} END AS k "
        f"CALL (m, o, k) {{ MATCH (p:Photo)-[d:DEPICTS]->(m) WHERE $rank[d.classification] <= k "
        f"RETURN p, true AS ofMark{face} }} "
        f"WITH o, c, k, p, ofMark, max(score) AS score, head(collect(m)) AS m "
        f"ORDER BY score DESC, p.takenOn DESC, p.id ASC LIMIT {statement.param(size)} "
        f"RETURN {{{', '.join(entries)}}} AS result"
    )
    return Plan(cypher, statement.parameters, lambda records: [r["result"] for r in records])
