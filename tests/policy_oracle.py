"""An independent, plain-Python reading of docs/access-policy.md over the raw graph.

The API enforces the access policy inside its Cypher; this module reads the same written policy
again, case by case, over a copy of the whole graph held in Python dictionaries, so the tests
can say what every query *should* return for a principal and compare it with what it does.

It deliberately imports nothing from the planner, the access module or the schema: a mistake
shared by the code under test and its oracle would go unnoticed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any

from graph_api.domain import Classification, Role

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

    import neo4j

#: docs/access-policy.md, "Inputs".
RANK = {"OFFICIAL": 1, "OFFICIAL_SENSITIVE": 2, "SECRET": 3}

#: The fact links (docs/data-model.md); management and sharing are not facts.
FACT_LINKS = frozenset(
    {"RESIDES_AT", "ASSOCIATED_WITH", "USES", "HAS_MARK", "ABOUT", "ASSESSED", "DEPICTS"}
    | {"CONVICTED_OF", "MUST_NOTIFY", "SUBJECT_TO", "HELD_IN", "REVIEWS", "AGREED"}
)

#: Link lists of the schema: field name -> (relationship type, direction from the owner).
#: "out" means (owner)-[r]->(other), "in" means (other)-[r]->(owner), "both" either way.
LINK_FIELDS: dict[str, tuple[str, str]] = {
    "addresses": ("RESIDES_AT", "out"),
    "associates": ("ASSOCIATED_WITH", "both"),
    "vehicles": ("USES", "out"),
    "marks": ("HAS_MARK", "out"),
    "intelligence": ("ABOUT", "in"),
    "riskAssessments": ("ASSESSED", "out"),
    "residents": ("RESIDES_AT", "in"),
    "users": ("USES", "in"),
    # MAPPA (issue 14): facts like the others.
    "convictions": ("CONVICTED_OF", "out"),
    "notificationRequirements": ("MUST_NOTIFY", "out"),
    "licenceConditions": ("SUBJECT_TO", "out"),
    "custody": ("HELD_IN", "out"),
    "mappaMeetings": ("REVIEWS", "in"),
    "actions": ("AGREED", "out"),
}
#: The fact links of an offender the sharing view counts, and the list each belongs to.
SHARING_KINDS = {
    "RESIDES_AT": "addresses", "ASSOCIATED_WITH": "associates", "USES": "vehicles",
    "HAS_MARK": "marks", "ABOUT": "intelligence", "ASSESSED": "riskAssessments",
    "DEPICTS": "photos", "CONVICTED_OF": "convictions", "MUST_NOTIFY": "notificationRequirements",
    "SUBJECT_TO": "licenceConditions", "HELD_IN": "custody", "REVIEWS": "mappaMeetings",
}  # fmt: skip
#: The lists of an offender that hold MAPPA records.
MAPPA_LISTS = (
    "convictions", "notificationRequirements", "licenceConditions", "custody", "mappaMeetings"
)  # fmt: skip

#: Which link lists each visible node type offers (the schema's traversals).
TRAVERSALS: dict[str, tuple[str, ...]] = {
    "Offender": (
        "addresses",
        "associates",
        "vehicles",
        "marks",
        "intelligence",
        "riskAssessments",
        *MAPPA_LISTS,
    ),
    "Associate": ("addresses", "associates", "vehicles"),
    "Address": ("residents", "intelligence"),
    "Vehicle": ("users", "intelligence"),
    "MappaMeeting": ("actions",),
}

#: Node kinds that may be a root result when anchored, with the anchoring link type.
ANCHOR_LINKS = {
    "Address": "RESIDES_AT",
    "Vehicle": "USES",
    "Mark": "HAS_MARK",
    "Associate": "ASSOCIATED_WITH",
    "Intelligence": "ABOUT",
}

#: Properties whose values identify a record; the leak check looks for them.
IDENTIFYING = ("forename", "surname", "dob", "pncId", "postcode", "line1", "vrm", "description")
IDENTIFYING_TEXT = ("text", "conditions")

_KINDS = (
    "Offender", "Associate", "Address", "Vehicle", "Mark", "Intelligence", "RiskAssessment",
    "Conviction", "NotificationRequirement", "LicenceCondition", "Custody", "MappaMeeting",
    "Action",
)  # fmt: skip


def _native(value: Any) -> Any:
    """neo4j temporal values as `datetime.date`; everything else as it comes."""
    to_native = getattr(value, "to_native", None)
    return to_native() if callable(to_native) else value


#: Relationship types the analyses walk by default (schema enum LinkType).
WALKABLE = frozenset({"RESIDES_AT", "ASSOCIATED_WITH", "USES", "HAS_MARK"})
PERSONS = frozenset({"Offender", "Associate"})


@dataclass(frozen=True)
class RawNode:
    id: str
    labels: frozenset[str]
    props: dict[str, Any] = field(hash=False, compare=False)

    @property
    def kind(self) -> str:
        """The most specific label: Offender / Associate rather than Person."""
        for kind in _KINDS:
            if kind in self.labels:
                return kind
        return sorted(self.labels)[0] if self.labels else "?"


@dataclass(frozen=True)
class RawLink:
    key: str
    type: str
    start: str
    end: str
    props: dict[str, Any] = field(hash=False, compare=False)

    @property
    def rank(self) -> int:
        return RANK[self.props["classification"]]

    def valid_on(self, day: dt.date) -> bool:
        """docs/data-model.md: from <= d and (to null or to >= d)."""
        start, end = self.props.get("from"), self.props.get("to")
        return start is not None and start <= day and (end is None or end >= day)

    def other(self, node_id: str) -> str:
        return self.end if self.start == node_id else self.start


class RawGraph:
    """Every node (with an id) and every relationship between them, read with plain Cypher."""

    def __init__(self, nodes: Iterable[RawNode], links: Iterable[RawLink]) -> None:
        self.nodes: dict[str, RawNode] = {node.id: node for node in nodes}
        self.links: list[RawLink] = list(links)
        self._by_kind: dict[str, list[RawNode]] = defaultdict(list)
        for node in sorted(self.nodes.values(), key=lambda n: n.id):
            self._by_kind[node.kind].append(node)
        self.incident: dict[str, list[RawLink]] = defaultdict(list)
        for link in self.links:
            self.incident[link.start].append(link)
            if link.end != link.start:
                self.incident[link.end].append(link)

    @classmethod
    def load(cls, driver: neo4j.Driver, database: str) -> RawGraph:
        records, _, _ = driver.execute_query(
            "MATCH (n) WHERE n.id IS NOT NULL "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            database_=database,
        )
        nodes = [
            RawNode(
                r["id"],
                frozenset(r["labels"]),
                {k: _native(v) for k, v in r["props"].items()},
            )
            for r in records
        ]
        records, _, _ = driver.execute_query(
            "MATCH (a)-[r]->(b) WHERE a.id IS NOT NULL AND b.id IS NOT NULL "
            "RETURN elementId(r) AS key, type(r) AS type, a.id AS start, b.id AS end, "
            "properties(r) AS props",
            database_=database,
        )
        links = [
            RawLink(
                r["key"],
                r["type"],
                r["start"],
                r["end"],
                {k: _native(v) for k, v in r["props"].items()},
            )
            for r in records
        ]
        return cls(nodes, links)

    def of_kind(self, kind: str) -> list[RawNode]:
        """Every node of a kind, by id."""
        return self._by_kind.get(kind, [])

    def kind(self, node_id: str) -> str:
        return self.nodes[node_id].kind

    def is_offender(self, node_id: str) -> bool:
        return self.kind(node_id) == "Offender"

    def shares(self, offender_id: str) -> list[RawLink]:
        return [
            link
            for link in self.incident[offender_id]
            if link.type == "SHARED_WITH" and link.start == offender_id
        ]

    def agency_code(self, agency_id: str) -> str:
        return str(self.nodes[agency_id].props["code"])

    def fact_links(self, node_id: str, field_name: str) -> list[RawLink]:
        """The links behind a link list of `node_id`, before any access rule."""
        rel_type, direction = LINK_FIELDS[field_name]
        found = []
        for link in self.incident[node_id]:
            if link.type != rel_type:
                continue
            if (
                direction == "both"
                or (direction == "out" and link.start == node_id)
                or (direction == "in" and link.end == node_id)
            ):
                found.append(link)
        return found


@dataclass(frozen=True)
class Viewer:
    """Who is asking, as the oracle needs it (the oracle's own Principal)."""

    agency: str
    clearance: Classification = Classification.SECRET
    roles: frozenset[Role] = frozenset({Role.ANALYST})

    @property
    def national(self) -> bool:
        return Role.NATIONAL_SEARCH in self.roles

    def describe(self) -> str:
        roles = ",".join(sorted(role.value for role in self.roles))
        return f"{self.agency}/{self.clearance.value}/{roles}"


@dataclass(frozen=True)
class Seen:
    """One link of a link list as the API should show it."""

    other: str  # id of the node at the far end
    typename: str  # Offender / Associate / RestrictedNominal / Address / Vehicle / ...
    start: dt.date
    end: dt.date | None
    classification: str
    agency: str  # the recording agency
    link: RawLink = field(compare=False, hash=False, repr=False)
    cap: int = field(default=0, compare=False, hash=False)  # the far end's cap on this walk

    def key(self) -> tuple[str, str, str, str | None, str, str]:
        """What a response shows of the link: far end, its type, from, to, classification, agency."""
        return (
            self.other,
            self.typename,
            self.start.isoformat(),
            self.end.isoformat() if self.end else None,
            self.classification,
            self.agency,
        )


@dataclass(frozen=True)
class Card:
    """An identification card (docs/design.md §4 rule 4) as the oracle reads it."""

    forename: str
    surname: str
    aliases: tuple[str, ...]
    dob: dt.date | None
    gender: str
    photos: tuple[str, ...]  # photo ids (face photographs, OFFICIAL)
    marks: dict[str, tuple[str, ...]] = field(hash=False)  # OFFICIAL mark id -> OFFICIAL photos
    vehicles: tuple[str, ...] = ()  # vehicle ids of OFFICIAL vehicle links

    def nodes(self) -> set[str]:
        """Ids of every node the card shows (its marks, vehicles and photographs)."""
        return {
            *self.photos,
            *self.marks,
            *self.vehicles,
            *(p for m in self.marks.values() for p in m),
        }


#: docs/access-policy.md, "Identification cards": the highest classification a card shows.
CARD_RANK = RANK["OFFICIAL"]


class PolicyOracle:
    """docs/access-policy.md for one viewer on one day, over a `RawGraph`."""

    def __init__(self, graph: RawGraph, viewer: Viewer, today: dt.date | None = None) -> None:
        self.graph = graph
        self.viewer = viewer
        self.today = today or dt.date.today()
        self.clearance = RANK[viewer.clearance.value]
        self._ceilings: dict[str, int] = {}

    # --- scope ------------------------------------------------------------------------------

    def ceiling(self, offender_id: str) -> int:
        """The ceiling of an offender: clearance if managed, min(clearance, share) if shared, 0."""
        if offender_id not in self._ceilings:
            self._ceilings[offender_id] = self._compute_ceiling(offender_id)
        return self._ceilings[offender_id]

    def _compute_ceiling(self, offender_id: str) -> int:
        offender = self.graph.nodes[offender_id]
        if offender.props.get("managingAgency") == self.viewer.agency:
            return self.clearance
        share_ranks = [
            RANK[share.props["ceiling"]]
            for share in self.graph.shares(offender_id)
            if self.graph.agency_code(share.end) == self.viewer.agency
            and share.valid_on(self.today)
        ]
        if share_ranks:
            return min(self.clearance, max(share_ranks))
        return 0

    def in_scope(self, offender_id: str) -> bool:
        return self.graph.is_offender(offender_id) and self.ceiling(offender_id) > 0

    @cached_property
    def scope(self) -> frozenset[str]:
        """Ids of every in-scope offender (the `offenders` root, unfiltered)."""
        return frozenset(o.id for o in self.graph.of_kind("Offender") if self.in_scope(o.id))

    # --- change events (docs/design.md §4 rule 10) ------------------------------------------------

    def receives(self, event: dict[str, Any]) -> bool:
        """docs/access-policy.md, "Change events": a change is delivered (or an alert shown) to
        the viewer when its offender is in scope now and the change's classification is within
        the offender's ceiling, or when it is an access request the viewer's agency made."""
        offender = event["offenderId"]
        if (
            offender in self.graph.nodes
            and self.in_scope(offender)
            and RANK[event["classification"]] <= self.ceiling(offender)
        ):
            return True
        return bool(event.get("requesterAgency") == self.viewer.agency)

    # --- links and caps -----------------------------------------------------------------------

    def own_ceiling(self, node_id: str) -> int | None:
        """An offender's ceiling (0: out of scope); None for any other node."""
        return self.ceiling(node_id) if self.graph.is_offender(node_id) else None

    def anchor_cap(self, node_id: str) -> int:
        """docs/access-policy.md, "Caps": a shared node at a root has the highest ceiling of
        the in-scope offenders it has a visible fact link to (0: it is not anchored)."""
        rel_type = ANCHOR_LINKS.get(self.graph.kind(node_id))
        caps = [
            self.ceiling(other)
            for link in self.graph.incident[node_id]
            if link.type == rel_type
            and self.in_scope(other := link.other(node_id))
            and link.rank <= self.ceiling(other)
        ]
        return max(caps, default=0)

    def root_cap(self, node_id: str) -> int:
        """The cap of a node where a walk starts: its ceiling, or its anchor cap."""
        if self.graph.is_offender(node_id):
            return self.ceiling(node_id)
        return self.anchor_cap(node_id)

    def walk_cap(self, far_id: str, near_cap: int) -> int:
        """The cap of a node reached from a node whose cap is `near_cap`."""
        own = self.own_ceiling(far_id)
        return near_cap if own is None else min(own, near_cap)

    def walk_visible(
        self, link: RawLink, near_id: str, near_cap: int, as_of: dt.date | None = None
    ) -> bool:
        """docs/access-policy.md, "Which fact links are visible": walked from `near_id`."""
        if link.type not in FACT_LINKS:
            return False
        if as_of is not None and not link.valid_on(as_of):
            return False
        if link.rank > self.clearance or link.rank > near_cap:
            return False
        own = self.own_ceiling(link.other(near_id))
        if own is None:
            return True
        if own > 0:
            return link.rank <= own
        # The one exception: an association from an in-scope offender to an out-of-scope one.
        return link.type == "ASSOCIATED_WITH" and self.graph.is_offender(near_id)

    # --- analyses (network, shortestPath, commonAssociates) -----------------------------------

    def network(
        self, root: str, depth: int, types: frozenset[str] = WALKABLE, as_of: dt.date | None = None
    ) -> tuple[set[str], set[str]] | None:
        """Node ids and link keys within `depth` visible links of an in-scope offender, each
        node expanded again whenever a later level reaches it with a higher cap."""
        if not self.in_scope(root):
            return None
        best = {root: self.ceiling(root)}
        frontier = dict(best)
        links: set[str] = set()
        for _ in range(depth):
            reached: dict[str, int] = {}
            for node_id, cap in frontier.items():
                for link in self.graph.incident[node_id]:
                    if link.type in types and self.walk_visible(link, node_id, cap, as_of):
                        links.add(link.key)
                        other = link.other(node_id)
                        reached[other] = max(reached.get(other, -1), self.walk_cap(other, cap))
            frontier = {n: c for n, c in reached.items() if n not in best or c > best[n]}
            best.update(frontier)
        return set(best), links

    def _admits_at(self, node_id: str, cap: int) -> bool:
        return not self.graph.is_offender(node_id) or (
            self.in_scope(node_id) and self.ceiling(node_id) >= cap
        )

    def path_hop(self, link: RawLink, near_id: str, cap: int, as_of: dt.date) -> bool:
        """docs/access-policy.md, "Paths": may a path whose cap is `cap` take this hop?"""
        if link.type not in FACT_LINKS or not link.valid_on(as_of) or link.rank > cap:
            return False
        far_id = link.other(near_id)
        if self._admits_at(near_id, cap) and self._admits_at(far_id, cap):
            return True
        both_offenders = self.graph.is_offender(near_id) and self.graph.is_offender(far_id)
        if link.type != "ASSOCIATED_WITH" or not both_offenders:
            return False
        return (not self.in_scope(far_id) and self._admits_at(near_id, cap)) or (
            not self.in_scope(near_id) and self._admits_at(far_id, cap)
        )

    def shortest(
        self,
        start: str,
        goal: str,
        max_hops: int,
        types: frozenset[str] = WALKABLE,
        as_of: dt.date | None = None,
    ) -> int | None:
        """Length of a shortest visible path, the shortest over every cap it may have."""
        if not self.in_scope(start) or start == goal or self.graph.kind(goal) not in PERSONS:
            return None
        day = as_of or self.today
        lengths = [
            length
            for cap in range(1, self.ceiling(start) + 1)
            if (length := self._shortest_at(start, goal, max_hops, types, cap, day)) is not None
        ]
        return min(lengths, default=None)

    def _shortest_at(
        self, start: str, goal: str, max_hops: int, types: frozenset[str], cap: int, day: dt.date
    ) -> int | None:
        seen, frontier = {start}, {start}
        for hops in range(1, max_hops + 1):
            reached = set()
            for node_id in frontier:
                for link in self.graph.incident[node_id]:
                    if link.type not in types or not self.path_hop(link, node_id, cap, day):
                        continue
                    other = link.other(node_id)
                    if other == goal:
                        return hops
                    if other not in seen:
                        seen.add(other)
                        reached.add(other)
            frontier = reached
        return None

    def common_associates(self, first: str, second: str, as_of: dt.date | None = None) -> set[str]:
        """People associated with both, the two links a visible path between them."""
        if first == second or not (self.in_scope(first) and self.in_scope(second)):
            return set()
        day = as_of or self.today
        found = set()
        for one in self.graph.incident[first]:
            person = one.other(first)
            if one.type != "ASSOCIATED_WITH" or person in (first, second) or not one.valid_on(day):
                continue
            for two in self.graph.incident[person]:
                if two.type != "ASSOCIATED_WITH" or two.other(person) != second:
                    continue
                own = self.own_ceiling(person)
                caps = [self.ceiling(first), self.ceiling(second)] + ([own] if own else [])
                if two.valid_on(day) and max(one.rank, two.rank) <= min(caps):
                    found.add(person)
        return found

    def typename(self, node_id: str) -> str:
        """How a node reached through a visible link is shown."""
        kind = self.graph.kind(node_id)
        if kind == "Offender" and not self.in_scope(node_id):
            return "RestrictedNominal"
        return kind

    def link_list(
        self,
        owner_id: str,
        field_name: str,
        as_of: dt.date | None = None,
        cap: int | None = None,
    ) -> list[Seen]:
        """A link list of a visible node reached with `cap` (default: the node's cap where a
        walk starts there): the visible links and how their far ends appear."""
        owner_type = self.typename(owner_id)
        if field_name not in TRAVERSALS.get(owner_type, ()):
            return []  # RestrictedNominal (and leaf nodes) have no onward links
        near_cap = self.root_cap(owner_id) if cap is None else cap
        seen = []
        for link in self.graph.fact_links(owner_id, field_name):
            if not self.walk_visible(link, owner_id, near_cap, as_of):
                continue
            other = link.other(owner_id)
            seen.append(
                Seen(
                    other=other,
                    typename=self.typename(other),
                    start=link.props["from"],
                    end=link.props.get("to"),
                    classification=link.props["classification"],
                    agency=link.props["agency"],
                    link=link,
                    cap=self.walk_cap(other, near_cap),
                )
            )
        return sorted(seen, key=Seen.key)

    # --- roots ------------------------------------------------------------------------------

    def offender(self, offender_id: str) -> RawNode | None:
        """`offender(id)`: the offender when in scope, else None."""
        if offender_id in self.graph.nodes and self.in_scope(offender_id):
            return self.graph.nodes[offender_id]
        return None

    def anchored(self, node_id: str) -> bool:
        """A shared node with at least one visible fact link to an in-scope offender."""
        return self.anchor_cap(node_id) > 0

    def node(self, node_id: str) -> str | None:
        """`node(id)`: the typename the API should return, or None for null."""
        if node_id not in self.graph.nodes:
            return None
        kind = self.graph.kind(node_id)
        if kind == "Offender":
            if self.in_scope(node_id):
                return "Offender"
            return "RestrictedNominal" if self.viewer.national else None
        return kind if self.anchored(node_id) else None

    def vehicles(self, pattern: str) -> set[str]:
        """`vehicles(vrm)`: anchored vehicles whose registration matches the pattern, and for
        NATIONAL_SEARCH those on an out-of-scope offender's card."""
        matcher = vrm_pattern(pattern)
        return {
            v.id
            for v in self.graph.of_kind("Vehicle")
            if matcher.fullmatch(str(v.props["vrm"]))
            and (self.anchored(v.id) or self.vehicle_on_card(v.id))
        }

    def vehicle_on_card(self, vehicle_id: str) -> bool:
        """An OFFICIAL vehicle link of an out-of-scope offender, for NATIONAL_SEARCH."""
        return "RestrictedNominal" in self.vehicle_users(vehicle_id).values()

    def vehicle_link_list(self, vehicle_id: str) -> list[Seen]:
        """A root vehicle's users: none when it was found only through a card (sealed)."""
        return self.link_list(vehicle_id, "users") if self.anchored(vehicle_id) else []

    def addresses(self, postcode: str) -> set[str]:
        """`addresses(postcode)`: anchored addresses at the postcode."""
        return {
            a.id
            for a in self.graph.of_kind("Address")
            if a.props["postcode"] == postcode and self.anchored(a.id)
        }

    def search_shape(self, offender_id: str) -> str | None:
        """How an offender may appear in `searchOffenders`: Offender, RestrictedNominal or not."""
        if self.in_scope(offender_id):
            return "Offender"
        return "RestrictedNominal" if self.viewer.national else None

    # --- rule 4: identification cards, rule 5: national search -------------------------------

    def card(self, offender_id: str) -> Card | None:
        """The card of an out-of-scope offender, for a NATIONAL_SEARCH viewer; else None."""
        if not self.viewer.national or self.in_scope(offender_id):
            return None
        graph = self.graph
        props = graph.nodes[offender_id].props

        def official(node_id: str, rel: str, outward: bool) -> list[str]:
            return sorted(
                link.other(node_id)
                for link in graph.incident[node_id]
                if link.type == rel
                and (link.start == node_id) == outward
                and link.rank <= CARD_RANK
            )

        marks = {
            m: tuple(official(m, "DEPICTS", outward=False))
            for m in official(offender_id, "HAS_MARK", outward=True)
        }
        return Card(
            forename=str(props["forename"]),
            surname=str(props["surname"]),
            aliases=tuple(props.get("aliases") or ()),
            dob=props.get("dob"),
            gender=str(props.get("gender")),
            photos=tuple(official(offender_id, "DEPICTS", outward=False)),
            marks=marks,
            vehicles=tuple(official(offender_id, "USES", outward=True)),
        )

    def nominal_shape(self, offender_id: str) -> str | None:
        """How an offender found by a national search root appears (rule 5)."""
        return self.search_shape(offender_id)

    def mark_hits(
        self, mark_type: str | None, parts: Iterable[str] | None, side: str | None
    ) -> dict[tuple[str, str], str]:
        """`searchMarks` without text: (mark id, bearer id) -> how the bearer is shown.

        A hit needs a HAS_MARK link the viewer may see: within the ceiling of an in-scope
        bearer, or (NATIONAL_SEARCH) OFFICIAL on an out-of-scope bearer's card.
        """
        wanted = set(parts) if parts is not None else None
        hits = {}
        for mark in self.graph.of_kind("Mark"):
            props = mark.props
            if mark_type and props.get("type") != mark_type:
                continue
            if wanted is not None and props.get("bodyPart") not in wanted:
                continue
            if side and props.get("side") != side:
                continue
            for link in self.graph.incident[mark.id]:
                if link.type != "HAS_MARK" or not self.graph.is_offender(link.start):
                    continue
                bearer = link.start
                if self.in_scope(bearer):
                    if link.rank <= self.ceiling(bearer):
                        hits[mark.id, bearer] = "Offender"
                elif self.viewer.national and link.rank <= CARD_RANK:
                    hits[mark.id, bearer] = "RestrictedNominal"
        return hits

    def vehicle_users(self, vehicle_id: str) -> dict[str, str]:
        """`vehicles(...).edges.nominals`: offender id -> how it is shown."""
        users = {}
        for link in self.graph.incident[vehicle_id]:
            if link.type != "USES" or not self.graph.is_offender(link.start):
                continue
            user = link.start
            if self.in_scope(user):
                if link.rank <= self.ceiling(user):
                    users[user] = "Offender"
            elif self.viewer.national and link.rank <= CARD_RANK:
                users[user] = "RestrictedNominal"
        return users

    def identify(
        self,
        marks: Iterable[tuple[str | None, Iterable[str] | None, str | None]] = (),
        vrm: str | None = None,
        postcode: str | None = None,
        gender: str | None = None,
        born: tuple[dt.date | None, dt.date | None] = (None, None),
    ) -> dict[str, str]:
        """`identify`: offender id -> how it is shown, for clues (marks as type, parts, side; a
        plate pattern; a postcode) and filters. A clue matches only through a link the viewer
        could be shown; a place never matches an out-of-scope offender (no card shows one)."""
        found: set[str] = set()
        for mark_type, parts, side in marks:
            found |= {bearer for _, bearer in self.mark_hits(mark_type, parts, side)}
        if vrm is not None:
            for vehicle_id in {
                v.id
                for v in self.graph.of_kind("Vehicle")
                if vrm_pattern(vrm).fullmatch(v.props["vrm"])
            }:
                found |= set(self.vehicle_users(vehicle_id))
        if postcode is not None:
            for address in self.graph.of_kind("Address"):
                if address.props["postcode"] != postcode:
                    continue
                for link in self.graph.fact_links(address.id, "residents"):
                    person = link.start
                    if self.in_scope(person) and link.rank <= self.ceiling(person):
                        found.add(person)
        earliest, latest = born
        shown = {}
        for offender_id in found:
            props = self.graph.nodes[offender_id].props
            dob = props.get("dob")
            if gender and props.get("gender") != gender:
                continue
            if (earliest and (dob is None or dob < earliest)) or (
                latest and (dob is None or dob > latest)
            ):
                continue
            shape = self.search_shape(offender_id)
            if shape is not None:
                shown[offender_id] = shape
        return shown

    def on_a_card(self, node_id: str) -> bool:
        """The node appears on some identification card the viewer may be shown."""
        return node_id in self.card_nodes

    @cached_property
    def card_nodes(self) -> frozenset[str]:
        found: set[str] = set()
        if self.viewer.national:
            for offender in self.graph.of_kind("Offender"):
                card = self.card(offender.id)
                if card is not None:
                    found |= card.nodes()
        return frozenset(found)

    # --- rule 9: withheld markers ------------------------------------------------------------

    def withheld(
        self,
        owner_id: str,
        field_name: str,
        as_of: dt.date | None = None,
        types: Iterable[str] | None = None,
        cap: int | None = None,
    ) -> bool:
        """A link list (of a node reached with `cap`, default its root cap) says `withheld`
        when links of its kind (valid on `as_of`, of `types`) exist that the viewer may not see.
        A link to an out-of-scope offender counts only on an offender's associations (where it
        could have been a stub): the marker never tells of an offender the viewer may not know
        of."""
        near_cap = self.root_cap(owner_id) if cap is None else cap
        owner_is_offender = self.graph.is_offender(owner_id)
        chosen = set(types) if types else None
        for link in self.graph.fact_links(owner_id, field_name):
            if as_of is not None and not link.valid_on(as_of):
                continue
            if chosen is not None and link.props.get("type") not in chosen:
                continue
            if self.walk_visible(link, owner_id, near_cap, as_of):
                continue
            other = link.other(owner_id)
            hidden_offender = self.graph.is_offender(other) and not self.in_scope(other)
            if not hidden_offender or (owner_is_offender and link.type == "ASSOCIATED_WITH"):
                return True
        return False

    def photos_withheld(self, owner_id: str, cap: int) -> bool:
        """Photographs of an offender or a mark (reached with `cap`) exist that the viewer may
        not see."""
        limit = min(self.clearance, cap)
        return any(
            link.type == "DEPICTS" and link.end == owner_id and link.rank > limit
            for link in self.graph.incident[owner_id]
        )

    # --- issue 14: who holds what, what falls due ------------------------------------------

    def sharing(self, offender_id: str) -> Any:
        """The sharing view of an offender: (shares, counts of visible facts by agency and
        kind, facts withheld) for its managing agency; None for anyone else."""
        offender = self.graph.nodes[offender_id]
        if offender.props.get("managingAgency") != self.viewer.agency:
            return None
        shares = []
        for share in self.graph.shares(offender_id):
            start, end = share.props["from"], share.props.get("to")
            state = (
                "FUTURE" if start > self.today
                else "LAPSED" if end is not None and end < self.today
                else "CURRENT"
            )  # fmt: skip
            shares.append((
                self.graph.agency_code(share.end), share.props["mode"], share.props["ceiling"],
                start.isoformat(), end.isoformat() if end else None, state,
                self._visible_meeting(offender_id, share.props.get("meeting")),
            ))  # fmt: skip
        counts: dict[tuple[str, str], int] = defaultdict(int)
        withheld = False
        for link in self.graph.incident[offender_id]:
            kind = SHARING_KINDS.get(link.type)
            if kind is None:
                continue
            if self.walk_visible(link, offender_id, self.ceiling(offender_id)):
                counts[(link.props["agency"], kind)] += 1
            elif (
                not self.graph.is_offender(link.other(offender_id))
                or self.in_scope(link.other(offender_id))
                or link.type == "ASSOCIATED_WITH"
            ):
                withheld = True
        return sorted(shares), sorted((a, k, n) for (a, k), n in counts.items()), withheld

    def meeting_shares(self, meeting_id: str) -> set[tuple[str, str, str, dt.date, dt.date]]:
        """Rule 11: the READ shares a meeting gives, (offender, agency, ceiling, from, to),
        read from the meeting's own record."""
        meeting = self.graph.nodes[meeting_id].props
        [offender] = [
            link.end for link in self.graph.incident[meeting_id] if link.type == "REVIEWS"
        ]
        return {
            (offender, code, meeting["shareCeiling"], meeting["shareFrom"], meeting["shareUntil"])
            for code in meeting["attendingAgencies"]
        }

    def _visible_meeting(self, offender_id: str, meeting_id: str | None) -> str | None:
        """A share's meeting, named only when the viewer may see that meeting."""
        return next(
            (
                meeting_id
                for link in self.graph.incident[offender_id]
                if link.type == "REVIEWS"
                and link.start == meeting_id
                and link.rank <= self.ceiling(offender_id)
            ),
            None,
        )

    def due(
        self, kinds: Iterable[str], start: dt.date, end: dt.date, overdue: bool = False
    ) -> list[tuple[str, str, str, str]]:
        """`mappaDue`: (dueOn, subject id, kind, offender id) of the items due for the
        offenders the viewer's agency manages, earliest first."""
        chosen = set(kinds)
        found = []
        for offender in self.graph.of_kind("Offender"):
            if offender.props.get("managingAgency") != self.viewer.agency:
                continue
            for kind, day, subject in self._due_items(offender.id):
                if kind not in chosen:
                    continue
                if overdue:
                    keep = day < self.today and kind != "LICENCE_END"
                else:
                    keep = start <= day <= end
                if keep:
                    found.append((day.isoformat(), subject, kind, offender.id))
        return sorted(found)

    def _due_items(self, offender_id: str) -> Iterator[tuple[str, dt.date, str]]:
        nodes = self.graph.nodes
        for link in self.graph.incident[offender_id]:
            if link.type not in FACT_LINKS or link.rank > self.clearance:
                continue
            other = nodes[link.other(offender_id)]
            if link.type == "ASSESSED" and link.props.get("to") is None:
                if other.props.get("nextReviewOn"):
                    yield "RISK_REVIEW", other.props["nextReviewOn"], other.id
            elif link.type == "MUST_NOTIFY":
                end = link.props.get("to")
                if (end is None or end >= self.today) and other.props.get("nextDueOn"):
                    yield "NOTIFICATION", other.props["nextDueOn"], other.id
            elif link.type == "SUBJECT_TO" and link.props.get("to") is not None:
                yield "LICENCE_END", link.props["to"], other.id
            elif link.type == "HELD_IN":
                if other.props.get("releasedOn") is None and other.props.get("releaseOn"):
                    yield "RELEASE", other.props["releaseOn"], other.id
            elif link.type == "REVIEWS":
                for agreed in self.graph.incident[other.id]:
                    action = nodes[agreed.end]
                    if (
                        agreed.type == "AGREED"
                        and agreed.rank <= self.clearance
                        and action.props.get("doneOn") is None
                    ):
                        yield "ACTION", action.props["dueOn"], action.id

    # --- what the viewer may see at all (for the leak check) --------------------------------

    @cached_property
    def universe(self) -> tuple[frozenset[str], frozenset[str]]:
        """(fully visible node ids, restricted stubs): everything any walk from any root
        reaches, each node with the highest cap it is reached with."""
        best: dict[str, int] = {o: self.ceiling(o) for o in self.scope}
        for kind in ANCHOR_LINKS:
            for node in self.graph.of_kind(kind):
                cap = self.anchor_cap(node.id)
                if cap > best.get(node.id, 0):
                    best[node.id] = cap
        stubs: set[str] = set()
        frontier = list(best)
        while frontier:
            node_id = frontier.pop()
            for field_name in TRAVERSALS.get(self.typename(node_id), ()):
                for seen in self.link_list(node_id, field_name, cap=best[node_id]):
                    if seen.typename == "RestrictedNominal":
                        stubs.add(seen.other)
                    elif seen.cap > best.get(seen.other, 0):
                        best[seen.other] = seen.cap
                        frontier.append(seen.other)
        full = set(best)
        if self.viewer.national:
            stubs.update(o.id for o in self.graph.of_kind("Offender"))
        return frozenset(full), frozenset(stubs - full)

    @cached_property
    def forbidden(self) -> dict[str, frozenset[str]]:
        """Identifying values that belong only to records the viewer may not see.

        Keys: "value" (names, dates of birth, postcodes, registrations, mark descriptions,
        PNC ids; compared with whole JSON strings), "text" (intelligence text; compared as
        substrings too) and "id" (ids of records the viewer may not even know exist).
        """
        full, stubs = self.universe
        visible_values: set[str] = set()
        hidden_values: set[str] = set()
        hidden_text: set[str] = set()
        hidden_ids: set[str] = set()
        for node in self.graph.nodes.values():
            if node.kind not in _KINDS:
                continue
            values = set(_identifying(node))
            if node.id in full:
                visible_values |= values
                visible_values |= {_text(node.props.get(k)) for k in IDENTIFYING_TEXT}
                visible_values |= {_text(v) for v in node.props.values()}
                continue
            hidden_values |= values
            hidden_text |= {
                t for t in (_text(node.props.get(k)) for k in IDENTIFYING_TEXT) if len(t) >= 12
            }
            if node.id not in stubs:
                hidden_ids.add(node.id)
        for link in self.graph.links:
            if link.start in full or link.end in full:  # e.g. the dates of a link to a stub
                visible_values |= {_text(v) for v in link.props.values()}
        for node_id in self.card_nodes:  # rule 4: what identification cards show
            visible_values |= {_text(v) for v in self.graph.nodes[node_id].props.values()}
            hidden_ids.discard(node_id)
        for offender_id in stubs - full if self.viewer.national else ():
            card = self.card(offender_id)
            if card is not None:
                visible_values |= {card.forename, card.surname, f"{card.forename} {card.surname}"}
                visible_values |= {*card.aliases, _text(card.dob)}
        return {
            "value": frozenset(hidden_values - visible_values),
            "text": frozenset(hidden_text - visible_values),
            "id": frozenset(hidden_ids),
        }

    def leaks(self, body: Any) -> list[str]:
        """Identifying values in a response that belong only to records the viewer may not see."""
        forbidden = self.forbidden
        found = []
        for key, value in _strings(body):
            if key in _NOT_DATA:
                continue
            if value in forbidden["value"] or value in forbidden["id"]:
                found.append(f"{key}={value!r}")
            elif key in {"message", "text"} or len(value) >= 12:
                found.extend(f"{key}~{text[:40]!r}" for text in forbidden["text"] if text in value)
        return found


#: Response keys whose values are the API's own vocabulary, never a record's data.
_NOT_DATA = frozenset({"__typename", "cursor", "endCursor", "classification", "code"})


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _identifying(node: RawNode) -> Iterator[str]:
    for key in IDENTIFYING:
        value = node.props.get(key)
        if value is not None and value != "":
            yield _text(value)
    if node.kind in {"Offender", "Associate"}:
        yield f"{node.props.get('forename')} {node.props.get('surname')}"
        yield from (str(alias) for alias in node.props.get("aliases") or ())


def _strings(body: Any, key: str = "") -> Iterator[tuple[str, str]]:
    """(key, string) for every string leaf of a JSON value."""
    if isinstance(body, dict):
        for k, v in body.items():
            yield from _strings(v, k)
    elif isinstance(body, list):
        for item in body:
            yield from _strings(item, key)
    elif isinstance(body, str):
        yield key, body


def vrm_pattern(pattern: str) -> re.Pattern[str]:
    """`?` one character, `*` any run; spaces and case ignored (the `vehicles` root)."""
    cleaned = pattern.replace(" ", "").upper()
    parts = [".*" if c == "*" else "." if c == "?" else re.escape(c) for c in cleaned]
    return re.compile("".join(parts))
