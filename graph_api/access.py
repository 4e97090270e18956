"""The access policy of docs/design.md §4 (pinned down in docs/access-policy.md) as Cypher.

Every planned statement carries the Principal as four parameters and uses these expressions at
every hop, so what a principal may not see never leaves the database.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from graph_api.domain import CLASSIFICATION_RANK, Role

if TYPE_CHECKING:
    from graph_api.identity import Principal


def principal_parameters(principal: Principal, today: dt.date | None = None) -> dict[str, Any]:
    """The parameters every statement gets: `$agency`, `$clearance`, `$today`, `$rank`, and
    `$national` (the principal has NATIONAL_SEARCH: out-of-scope offenders carry their card)."""
    return {
        "agency": principal.agency,
        "clearance": principal.clearance.rank,
        "today": today or dt.date.today(),
        "rank": CLASSIFICATION_RANK,
        "national": principal.has(Role.NATIONAL_SEARCH),
    }


#: The highest rank of a fact on an identification card (rule 4): OFFICIAL.
CARD_RANK = 1


def on_card(link: str) -> str:
    """Cypher: the fact link may appear on an identification card (classified OFFICIAL)."""
    return f"$rank[{link}.classification] <= {CARD_RANK}"


def ceiling(offender: str, share: str) -> str:
    """Cypher for `ceiling(offender)`: the highest rank the principal may see of its facts.

    The principal's clearance when its agency manages the offender; the best current share's
    ceiling (capped by the clearance) when shared with it; 0 (out of scope) otherwise.
    `share` is a fresh variable name for the subquery.
    """
    return (
        f"CASE WHEN {offender}.managingAgency = $agency THEN $clearance "
        f"ELSE coalesce(head(COLLECT {{ "
        f"MATCH ({offender})-[{share}:SHARED_WITH]->(:Agency {{code: $agency}}) "
        f"WHERE {share}.from <= $today AND ({share}.to IS NULL OR {share}.to >= $today) "
        f"RETURN CASE WHEN $rank[{share}.ceiling] < $clearance "
        f"THEN $rank[{share}.ceiling] ELSE $clearance END AS {share}k ORDER BY {share}k DESC LIMIT 1 }}), 0) END"
    )


def rank(link: str) -> str:
    """Cypher for the rank of a link's classification."""
    return f"$rank[{link}.classification]"


def valid_on(link: str, date_param: str) -> str:
    """Cypher: the link is valid on the date (from <= d and to null or >= d)."""
    return f"({link}.from <= {date_param} AND ({link}.to IS NULL OR {link}.to >= {date_param}))"


def person_ceiling(person: str, share: str) -> str:
    """Cypher: ceiling(person) for an offender, null for anyone or anything else."""
    return f"CASE WHEN {person}:Offender THEN {ceiling(person, share)} ELSE null END"


def walk_cap(far_ceiling: str, near_cap: str) -> str:
    """Cypher: the cap of a node reached over a visible link from a node whose cap is
    `near_cap` (docs/access-policy.md, "Caps"): the lower of the two for an in-scope offender
    (`far_ceiling` its ceiling), 0 for a restricted nominal, `near_cap` for any other node.
    A share's ceiling so caps everything reached through the offender, however far."""
    return (
        f"CASE WHEN {far_ceiling} IS NULL THEN {near_cap} "
        f"WHEN {far_ceiling} < {near_cap} THEN {far_ceiling} ELSE {near_cap} END"
    )


def link_visible(link: str, near_cap: str, far_ceiling: str, from_offender: str) -> str:
    """Cypher: the fact link is visible, walked from its near end to its far end.

    `near_cap` is the cap of the near end (never null: the clearance at most). `far_ceiling` is
    the far end's ceiling: null for a non-offender, 0 for an out-of-scope offender, which is
    allowed only at the end of an association from an in-scope offender (`from_offender`, a
    Cypher boolean), where it is shown as a RestrictedNominal.
    """
    r = rank(link)
    return (
        f"({r} <= $clearance AND {r} <= {near_cap} "
        f"AND ({far_ceiling} IS NULL OR {r} <= {far_ceiling} OR ({far_ceiling} = 0 "
        f"AND type({link}) = 'ASSOCIATED_WITH' AND {from_offender})))"
    )


def _current_share(node: str, share: str, extra: str = "") -> str:
    return (
        f"EXISTS {{ MATCH ({node})-[{share}:SHARED_WITH]->(:Agency {{code: $agency}}) "
        f"WHERE {share}.from <= $today AND ({share}.to IS NULL OR {share}.to >= $today){extra} }}"
    )


def in_scope(node: str, share: str) -> str:
    """Cypher, for an offender node: in the principal's scope (managed, or shared today)."""
    return f"({node}.managingAgency = $agency OR {_current_share(node, share)})"


def admits_at(node: str, cap: str, share: str) -> str:
    """Cypher: `node` may lie on a path whose links are all at most rank `cap`: it is not an
    offender, or it is an in-scope offender whose ceiling reaches `cap` (the same test as
    `cap <= ceiling(node)`, without computing the ceiling): the form for predicates evaluated
    at every step of a path search."""
    return (
        f"(NOT {node}:Offender OR ({cap} <= $clearance AND ({node}.managingAgency = $agency OR "
        f"{_current_share(node, share, f' AND $rank[{share}.ceiling] >= {cap}')})))"
    )
