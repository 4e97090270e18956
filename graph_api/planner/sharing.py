"""Who holds what about an offender (issue 14, item 3), for its managing agency: every share
(current, lapsed or to come, with the MAPPA meeting that gave it), every pending access
request, and how many of the facts the reader may see each agency recorded, by kind.

Planned into the offender's own statement, like a link list: the policy stays in the Cypher.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api import access

if TYPE_CHECKING:
    from graph_api.planner.projection import Projector
    from graph_api.planner.selection import Selected

#: Fact links of an offender (either direction) and the list that shows each.
FACT_KINDS = {
    "RESIDES_AT": "addresses",
    "ASSOCIATED_WITH": "associates",
    "USES": "vehicles",
    "HAS_MARK": "marks",
    "ABOUT": "intelligence",
    "ASSESSED": "riskAssessments",
    "DEPICTS": "photos",
    "CONVICTED_OF": "convictions",
    "MUST_NOTIFY": "notificationRequirements",
    "SUBJECT_TO": "licenceConditions",
    "HELD_IN": "custody",
    "REVIEWS": "mappaMeetings",
}
_TYPES = "|".join(FACT_KINDS)

_SHARE_STATE = (
    "CASE WHEN {s}.from > $today THEN 'FUTURE' "
    "WHEN {s}.to IS NOT NULL AND {s}.to < $today THEN 'LAPSED' ELSE 'CURRENT' END"
)
_SHARE_PROPERTIES = {
    "mode": "mode",
    "ceiling": "ceiling",
    "from": "from",
    "to": "to",
    "justification": "justification",
    "grantedBy": "grantedBy",
}


def _key(name: str) -> str:
    return f"`{name}`"


def view(projector: Projector, offender: str, cap: str, field: Selected) -> str:
    """Cypher: the sharing view of `offender` (cap `cap`), null unless the principal's agency
    manages it."""
    entries = []
    for sub in field.only():
        if sub.name == "shares":
            value = _shares(projector, offender, cap, sub)
        elif sub.name == "pendingRequests":
            q = projector.statement.var("q")
            value = (
                f"COLLECT {{ MATCH ({q}:AccessRequest {{state: 'PENDING'}})-[:FOR]->({offender}) "
                f"WITH {q} ORDER BY {q}.requestedAt ASC, {q}.id ASC "
                f"RETURN {projector.access_request(q, sub.only())} }}"
            )
        elif sub.name == "recordedBy":
            value = _recorded_by(projector, offender, cap, sub)
        else:  # factsWithheld
            value = _withheld(projector, offender, cap)
        entries.append(f"{_key(sub.key)}: {value}")
    return (
        f"CASE WHEN {offender}.managingAgency = $agency THEN {{{', '.join(entries)}}} ELSE null END"
    )


def _shares(projector: Projector, offender: str, cap: str, field: Selected) -> str:
    st = projector.statement
    s, g = st.var("s"), st.var("g")
    entries = []
    for sub in field.only():
        if sub.name == "agency":
            value = projector.node(g, "Agency", sub.only("Agency"))
        elif sub.name == "state":
            value = _SHARE_STATE.format(s=s)
        elif sub.name == "meetingId":  # named only when the reader may see that meeting
            m, r = st.var("m"), st.var("r")
            value = (
                f"CASE WHEN EXISTS {{ MATCH ({m}:MappaMeeting {{id: {s}.meeting}})-[{r}:REVIEWS]->"
                f"({offender}) WHERE {access.rank(r)} <= {cap} }} THEN {s}.meeting ELSE null END"
            )
        else:
            value = f"{s}.{_key(_SHARE_PROPERTIES[sub.name])}"
        entries.append(f"{_key(sub.key)}: {value}")
    return (
        f"COLLECT {{ MATCH ({offender})-[{s}:SHARED_WITH]->({g}:Agency) "
        f"WITH {s}, {g} ORDER BY {s}.from DESC, {g}.code ASC "
        f"RETURN {{{', '.join(entries)}}} }}"
    )


def _visible_facts(projector: Projector, offender: str, cap: str) -> tuple[str, str, str]:
    """(the match of every fact link `r` of `offender` with its far end's ceiling, the link
    variable, the visibility test), as an offender's link lists apply it."""
    st = projector.statement
    r, x, cx = st.var("r"), st.var("x"), st.var("c")
    match = (
        f"MATCH ({offender})-[{r}:{_TYPES}]-({x}) "
        f"WITH {r}, {x}, {access.person_ceiling(x, st.var('s'))} AS {cx}"
    )
    visible = access.link_visible(r, cap, cx, "true")
    # A link to an out-of-scope offender counts only as an association (shown as a stub).
    shown = f"({cx} IS NULL OR {cx} > 0 OR type({r}) = 'ASSOCIATED_WITH')"
    return f"{match} WHERE {shown}", r, visible


def _recorded_by(projector: Projector, offender: str, cap: str, field: Selected) -> str:
    """Counts by (agency, kind). A count inside a subquery would group by the outer row's
    variables, so the subquery lists one `agency|TYPE` key per visible fact and the counting
    is done over that list."""
    st = projector.statement
    match, r, visible = _visible_facts(projector, offender, cap)
    kinds = st.param(FACT_KINDS)
    keys, key, k, seen = st.var("keys"), st.var("key"), st.var("k"), st.var("u")
    columns = {
        "agency": f"split({key}, '|')[0]",
        "kind": f"{kinds}[split({key}, '|')[1]]",
        "count": f"size([{k} IN {keys} WHERE {k} = {key}])",
    }
    entries = [f"{_key(sub.key)}: {columns[sub.name]}" for sub in field.only()]
    distinct = (
        f"reduce({seen} = [], {k} IN {keys} | "
        f"CASE WHEN {k} IN {seen} THEN {seen} ELSE {seen} + {k} END)"
    )
    listed = (
        f"COLLECT {{ {match} AND {visible} "
        f"WITH {r}.agency + '|' + type({r}) AS {key} ORDER BY {key} RETURN {key} }}"
    )
    return f"[{keys} IN [{listed}] | [{key} IN {distinct} | {{{', '.join(entries)}}}]][0]"


def _withheld(projector: Projector, offender: str, cap: str) -> str:
    match, _, visible = _visible_facts(projector, offender, cap)
    return f"EXISTS {{ {match} AND NOT coalesce({visible}, false) }}"
