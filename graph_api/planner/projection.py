"""Turns a selection below a node into one Cypher map expression, link lists included.

Every link list becomes a `COLLECT {}` subquery that applies the access policy to each link
(`graph_api.access`), so one statement answers the whole selection, however deep. Each node
carries its cap down the walk, so a share's ceiling bounds everything reached through it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from graph_api import access
from graph_api.errors import BadUserInput
from graph_api.planner import sharing
from graph_api.planner.markers import ID_KEY, SCALARS_MARK, TYPE_KEY
from graph_api.planner.selection import MAX_PAGE as MAX_PAGE

if TYPE_CHECKING:
    from graph_api.planner.selection import Selected
    from graph_api.planner.statement import Statement

DEFAULT_PAGE = 20

#: Stored person labels, and the GraphQL type each becomes.
PERSON_TYPES = ("Offender", "Associate", "RestrictedNominal")


@dataclass(frozen=True)
class LinkSpec:
    """How a link-list field walks the graph."""

    rel: str
    direction: str  # "out", "in" or "both", seen from the node that owns the field
    target_label: str
    target_field: str  # the link type's field holding the node at the other end
    target_type: str  # GraphQL type of that node ("Person" means the LinkedPerson union)
    extras: tuple[str, ...] = ()  # relationship properties beyond the fact provenance


_RESIDES = LinkSpec("RESIDES_AT", "out", "Address", "address", "Address", ("main",))
_ASSOCIATES = LinkSpec("ASSOCIATED_WITH", "both", "Person", "person", "Person", ("type",))
_USES = LinkSpec("USES", "out", "Vehicle", "vehicle", "Vehicle", ("role",))
_MARKS = LinkSpec("HAS_MARK", "out", "Mark", "mark", "Mark")
_INTELLIGENCE = LinkSpec("ABOUT", "in", "Intelligence", "intelligence", "Intelligence")

LINKS: dict[tuple[str, str], LinkSpec] = {
    ("Offender", "addresses"): _RESIDES,
    ("Offender", "associates"): _ASSOCIATES,
    ("Offender", "vehicles"): _USES,
    ("Offender", "marks"): _MARKS,
    ("Offender", "intelligence"): _INTELLIGENCE,
    ("Offender", "riskAssessments"): LinkSpec(
        "ASSESSED", "out", "RiskAssessment", "assessment", "RiskAssessment"
    ),
    ("Associate", "addresses"): _RESIDES,
    ("Associate", "associates"): _ASSOCIATES,
    ("Associate", "vehicles"): _USES,
    ("Address", "residents"): LinkSpec("RESIDES_AT", "in", "Person", "person", "Person", ("main",)),
    ("Address", "intelligence"): _INTELLIGENCE,
    ("Vehicle", "intelligence"): _INTELLIGENCE,
    ("Vehicle", "users"): LinkSpec("USES", "in", "Person", "person", "Person", ("role",)),
    # MAPPA (issue 14): facts like the others, under the same rules.
    ("Offender", "convictions"): LinkSpec(
        "CONVICTED_OF", "out", "Conviction", "conviction", "Conviction"
    ),
    ("Offender", "notificationRequirements"): LinkSpec(
        "MUST_NOTIFY", "out", "NotificationRequirement", "requirement", "NotificationRequirement"
    ),
    ("Offender", "licenceConditions"): LinkSpec(
        "SUBJECT_TO", "out", "LicenceCondition", "condition", "LicenceCondition"
    ),
    ("Offender", "custody"): LinkSpec("HELD_IN", "out", "Custody", "custody", "Custody"),
    ("Offender", "mappaMeetings"): LinkSpec(
        "REVIEWS", "in", "MappaMeeting", "meeting", "MappaMeeting"
    ),
    ("MappaMeeting", "actions"): LinkSpec("AGREED", "out", "Action", "action", "Action"),
}

#: Plain lists of the photos that depict a node (`Photo DEPICTS node`), newest first.
PHOTO_LISTS = {("Offender", "photos"), ("Mark", "photos")}
MAX_PHOTOS = 100

#: Lists of an identification card: field -> (relationship, target label, GraphQL type).
CARD_LISTS = {
    "marks": ("HAS_MARK", "Mark", "CardMark"),
    "vehicles": ("USES", "Vehicle", "CardVehicle"),
}

#: Scalars that are not stored under their GraphQL name, as Cypher over the node variable `{v}`.
_COMPUTED = {
    "aliases": "coalesce({v}.aliases, [])",
}


#: Where photos are served (graph_api/photos.py).
PHOTO_PATH_PREFIX = "/photos/"
#: Photo URL fields, as the bare path: the Query root signs it for the principal
#: (graph_api/photo_urls.py), which Cypher cannot do.
PHOTO_PATHS = {
    "url": f"'{PHOTO_PATH_PREFIX}' + {{v}}.id",
    "thumbnailUrl": f"'{PHOTO_PATH_PREFIX}' + {{v}}.id + '/thumbnail'",
}
#: Present in a statement's text exactly when it selects a photo URL.
PHOTO_PATH_MARK = f"'{PHOTO_PATH_PREFIX}'"


def page_size(value: int | None) -> int:
    """Validated `first`: 1 to MAX_PAGE."""
    first = DEFAULT_PAGE if value is None else value
    if not 1 <= first <= MAX_PAGE:
        raise BadUserInput(f"`first` must be between 1 and {MAX_PAGE}; got {first}")
    return first


def link_cursor(after: str | None) -> tuple[dt.date, str] | None:
    """Decode a link cursor (`<from date>|<id>`); BAD_USER_INPUT when it is not one of ours."""
    if after is None:
        return None
    day, sep, node_id = after.partition("|")
    try:
        if not sep or not node_id:
            raise ValueError(after)
        return dt.date.fromisoformat(day), node_id
    except ValueError:
        raise BadUserInput("`after` is not a cursor returned by this API") from None


def _rename_link(arrow: str, link: str) -> str:
    """The same relationship pattern (`-[r1:TYPE]->`) with another link variable."""
    start, rest = arrow.split("[", 1)
    return f"{start}[{link}:{rest.split(':', 1)[1]}"


def _sealed_connection(field: Selected) -> str:
    """An empty link list that says links exist which are not shown."""
    parts = []
    for sub in field.only():
        if sub.name == "edges":
            parts.append(f"{_key(sub.key)}: []")
        elif sub.name == "pageInfo":
            info = [
                f"{_key(x.key)}: {'false' if x.name == 'hasNextPage' else 'null'}"
                for x in sub.only()
            ]
            parts.append(f"{_key(sub.key)}: {{{', '.join(info)}}}")
        elif sub.name == "totalCount":
            parts.append(f"{_key(sub.key)}: 0")
        elif sub.name == "withheld":
            parts.append(f"{_key(sub.key)}: true")
    return "{" + ", ".join(parts) + "}"


def _key(name: str) -> str:
    # Response keys are GraphQL names ([_A-Za-z][_0-9A-Za-z]*), safe inside backticks.
    return f"`{name}`"


_TYPE = f"`{TYPE_KEY}`"
_ID = f"`{ID_KEY}`"


class Projector:
    """Builds map projections into one statement (shared parameters and variable names)."""

    def __init__(self, statement: Statement) -> None:
        self.statement = statement

    # --- nodes ------------------------------------------------------------------------------

    def node(self, var: str, type_name: str, fields: tuple[Selected, ...], cap: str = "0") -> str:
        """Map of the selected fields of node `var` as GraphQL type `type_name`.

        `cap` is the Cypher expression of the node's cap (docs/access-policy.md, "Caps"): the
        highest rank of what may be seen through it. Its link lists and photos keep to it.
        """
        if type_name == "RestrictedNominal":
            return self.restricted(var, fields)
        entries = [f"{_TYPE}: '{type_name}'"]
        if type_name == "Offender":
            entries.append(f"{_ID}: {var}.id")
        stored = []
        for field in fields:
            value = self._field(var, type_name, field, cap)
            if value is None:
                stored.append(field)
            else:
                entries.append(f"{_key(field.key)}: {value}")
        return "{" + ", ".join([*entries, *self._stored(var, stored)]) + "}"

    def _stored(self, var: str, fields: list[Selected]) -> list[str]:
        """The map entry of the scalars stored on `var` under their own names, read by the
        names a parameter lists (`markers.SCALARS_KEY`): no field name or alias of them is in
        the text, so a document that selects other scalars runs on the same plan."""
        if not fields:
            return []
        names = self.statement.param([[f.name for f in fields], [f.key for f in fields]])
        k = self.statement.var("f")
        return [f"{SCALARS_MARK}: [{names}[1], [{k} IN {names}[0] | {var}[{k}]]]"]

    def restricted(self, var: str, fields: tuple[Selected, ...]) -> str:
        """An out-of-scope offender (rule 4): its id and managing agency, and for a principal
        with NATIONAL_SEARCH (`$national`) its identification card; nothing else."""
        entries = [f"{_TYPE}: 'RestrictedNominal'", f"{_ID}: {var}.id"]
        for field in fields:
            if field.name == "id":
                entries.append(f"{_key(field.key)}: {var}.id")
            elif field.name == "managingAgency":
                entries.append(f"{_key(field.key)}: {self.agency(f'{var}.managingAgency', field)}")
            elif field.name == "card":
                card = self.card(var, field)
                entries.append(f"{_key(field.key)}: CASE WHEN $national THEN {card} ELSE null END")
            elif field.name == "accessRequest":
                entries.append(f"{_key(field.key)}: {self.my_access_request(var, field)}")
        return "{" + ", ".join(entries) + "}"

    def my_access_request(self, var: str, selection: Selected) -> str:
        """The principal's agency's latest access request for offender `var`, or null."""
        q = self.statement.var("q")
        return (
            f"head(COLLECT {{ MATCH ({q}:AccessRequest {{requesterAgency: $agency}})-[:FOR]->"
            f"({var}) WITH {q} ORDER BY {q}.requestedAt DESC LIMIT 1 "
            f"RETURN {self.access_request(q, selection.only())} }})"
        )

    def access_request(self, var: str, fields: tuple[Selected, ...]) -> str:
        """Map of access request `var` (rule 8); its offender as the principal sees it now."""
        entries = [f"{_TYPE}: 'AccessRequest'"]
        for field in fields:
            if field.name in {"requesterAgency", "managingAgency"}:
                value = self.agency(f"{var}.{field.name}", field)
            elif field.name == "offender":
                o, c = self.statement.var("o"), self.statement.var("c")
                full = self.node(o, "Offender", field.fields("Offender"), c)
                stub = self.restricted(o, field.fields("RestrictedNominal"))
                value = (
                    f"head(COLLECT {{ MATCH ({var})-[:FOR]->({o}:Offender) "
                    f"WITH {o}, {access.ceiling(o, self.statement.var('s'))} AS {c} "
                    f"RETURN CASE WHEN {c} > 0 THEN {full} ELSE {stub} END }})"
                )
            else:
                value = f"{var}.{_key(field.name)}"
            entries.append(f"{_key(field.key)}: {value}")
        return "{" + ", ".join(entries) + "}"

    def card(self, var: str, selection: Selected) -> str:
        """The identification card of offender `var` (rule 4): names, aliases, date of birth,
        gender, and only what is classified OFFICIAL of its photos, marks and vehicle links."""
        entries = [f"{_TYPE}: 'IdentificationCard'"]
        for field in selection.only():
            if field.name == "photos":
                value = self.photos(var, str(access.CARD_RANK), field)
            elif field.name in CARD_LISTS:
                value = self._card_list(var, field)
            else:
                value = _COMPUTED.get(field.name, "{v}.{k}").format(v=var, k=_key(field.name))
            entries.append(f"{_key(field.key)}: {value}")
        return "{" + ", ".join(entries) + "}"

    def _card_list(self, var: str, field: Selected) -> str:
        """The OFFICIAL mark or vehicle links of a card, newest first (at most MAX_PHOTOS)."""
        rel, label, type_name = CARD_LISTS[field.name]
        st = self.statement
        r, n = st.var("r"), st.var("n")
        entries = [f"{_TYPE}: '{type_name}'"]
        for sub in field.only():
            if sub.name in {"from", "to", "role"}:
                value = f"{r}.{_key(sub.name)}"
            elif sub.name == "photos":
                value = self.photos(n, str(access.CARD_RANK), sub)
            else:
                value = f"{n}.{_key(sub.name)}"
            entries.append(f"{_key(sub.key)}: {value}")
        return (
            f"COLLECT {{ MATCH ({var})-[{r}:{rel}]->({n}:{label}) WHERE {access.on_card(r)} "
            f"WITH {r}, {n} ORDER BY {r}.from DESC, {n}.id ASC LIMIT {MAX_PHOTOS} "
            f"RETURN {{{', '.join(entries)}}} }}"
        )

    def sealed(self, var: str, type_name: str, fields: tuple[Selected, ...]) -> str:
        """A shared node known only from an identification card (a vehicle found by a national
        search): its own properties, and no onward links (every list empty, `withheld`)."""
        entries = [f"{_TYPE}: '{type_name}'"]
        stored = []
        for field in fields:
            if (type_name, field.name) in LINKS:
                value = _sealed_connection(field)
            elif (type_name, field.name) in PHOTO_LISTS:
                value = "[]"
            elif field.name == "photosWithheld":
                value = "true"
            else:
                stored.append(field)
                continue
            entries.append(f"{_key(field.key)}: {value}")
        return "{" + ", ".join([*entries, *self._stored(var, stored)]) + "}"

    def person(self, var: str, ceiling: str, cap: str, selection: Selected) -> str:
        """A person at the end of a link: Offender, Associate or RestrictedNominal by scope.

        `ceiling` is the person's own: null for an associate, 0 for an out-of-scope offender;
        `cap` the person's cap on the walk that reached it.
        """
        offender = self.node(var, "Offender", selection.fields("Offender"), cap)
        associate = self.node(var, "Associate", selection.fields("Associate"), cap)
        restricted = self.restricted(var, selection.fields("RestrictedNominal"))
        return (
            f"CASE WHEN {ceiling} IS NULL THEN {associate} "
            f"WHEN {ceiling} > 0 THEN {offender} ELSE {restricted} END"
        )

    def any_node(self, var: str, ceiling: str, cap: str, selection: Selected) -> str:
        """A node of a network or path, of whichever type its labels make it.

        `ceiling` holds ceiling(var) for an offender and null otherwise; `cap` its cap.
        """
        branches = [f"WHEN {var}:Offender THEN {self.person(var, ceiling, cap, selection)}"]
        for label in ("Associate", "Address", "Vehicle", "Mark"):
            branches.append(
                f"WHEN {var}:{label} THEN {self.node(var, label, selection.fields(label), cap)}"
            )
        return f"CASE {' '.join(branches)} ELSE null END"

    def agency(self, code: str, selection: Selected) -> str:
        """The agency whose code is the Cypher expression `code`."""
        a = self.statement.var("g")
        inner = self.node(a, "Agency", selection.only("Agency"))
        return f"head(COLLECT {{ MATCH ({a}:Agency {{code: {code}}}) RETURN {inner} }})"

    def _field(self, var: str, type_name: str, field: Selected, cap: str) -> str | None:
        """Cypher of a field of node `var`, or None for a scalar stored under its name."""
        spec = LINKS.get((type_name, field.name))
        if spec is not None:
            return self.links(var, type_name, cap, spec, field)
        if (type_name, field.name) in PHOTO_LISTS:
            return self.photos(var, cap, field)
        if field.name == "photosWithheld":
            return self.photos_withheld(var, cap)
        if field.name == "managingAgency":
            return self.agency(f"{var}.managingAgency", field)
        if type_name == "Offender" and field.name == "sharing":
            return sharing.view(self, var, cap, field)
        if type_name == "Photo" and field.name in PHOTO_PATHS:
            return PHOTO_PATHS[field.name].format(v=var)
        if field.name == "location":  # a point, answered as {latitude, longitude} by alias
            parts = ", ".join(f"{_key(sub.key)}: {var}.location.{sub.name}" for sub in field.only())
            return f"CASE WHEN {var}.location IS NULL THEN null ELSE {{{parts}}} END"
        template = _COMPUTED.get(field.name)
        if template is not None:
            return template.format(v=var)
        return None

    def photos(self, target: str, cap: str, field: Selected) -> str:
        """The photos of `target` (an offender or a mark) whose `DEPICTS` link is visible
        within `target`'s cap, newest first (at most MAX_PHOTOS)."""
        st = self.statement
        d, p = st.var("d"), st.var("p")
        photo = self.node(p, "Photo", field.only())
        return (
            f"COLLECT {{ MATCH ({p}:Photo)-[{d}:DEPICTS]->({target}) "
            f"WHERE {access.link_visible(d, cap, 'null', 'false')} "
            f"WITH {p} ORDER BY {p}.takenOn DESC, {p}.id ASC LIMIT {MAX_PHOTOS} RETURN {photo} }}"
        )

    def photos_withheld(self, target: str, cap: str) -> str:
        """Cypher: `target` has photos whose `DEPICTS` link the principal may not see within
        `target`'s cap (rule 9)."""
        d, p = self.statement.var("d"), self.statement.var("p")
        visible = access.link_visible(d, cap, "null", "false")
        return (
            f"EXISTS {{ MATCH ({p}:Photo)-[{d}:DEPICTS]->({target}) "
            f"WHERE NOT coalesce({visible}, false) }}"
        )

    # --- link lists -------------------------------------------------------------------------

    def links(
        self, source: str, source_type: str, cap: str, spec: LinkSpec, field: Selected
    ) -> str:
        """A connection of links from `source` (whose cap is `cap`), each visible under the
        policy, keyset-paged."""
        st = self.statement
        r, t, ct, tc = st.var("r"), st.var("t"), st.var("c"), st.var("k")
        first = page_size(field.args.get("first"))
        arrow = {"out": f"-[{r}:{spec.rel}]->", "in": f"<-[{r}:{spec.rel}]-"}.get(
            spec.direction, f"-[{r}:{spec.rel}]-"
        )
        from_offender = "true" if source_type == "Offender" else "false"
        conditions = [
            access.link_visible(r, cap, ct, from_offender),
            *self._link_filters(r, t, field),
        ]
        ceiling_of_target = (
            access.person_ceiling(t, st.var("s")) if spec.target_label == "Person" else "null"
        )
        match = (
            f"MATCH ({source}){arrow}({t}:{spec.target_label}) "
            f"WITH {r}, {t}, {ceiling_of_target} AS {ct} "
            f"WHERE {' AND '.join(conditions)}"
        )
        # Rows are ordered newest first, then by id, so a cursor (from, id) marks a stable place.
        keyset = link_cursor(field.args.get("after"))
        paged = match
        if keyset is not None:
            day, node_id = st.param(keyset[0]), st.param(keyset[1])
            paged += f" AND ({r}.from < {day} OR ({r}.from = {day} AND {t}.id > {node_id}))"
        row = self._link_row(r, t, ct, tc, spec, field)
        limit = st.param(first + 1)
        page = st.param(first)
        rows = (
            f"COLLECT {{ {paged} WITH {r}, {t}, {ct}, {access.walk_cap(ct, cap)} AS {tc} "
            f"ORDER BY {r}.from DESC, {t}.id ASC LIMIT {limit} RETURN {row} }}"
        )
        e = st.var("e")
        parts = []
        for sub in field.only():
            if sub.name == "edges":
                x = st.var("x")
                parts.append(f"{_key(sub.key)}: [{x} IN {e}[0..{page}] | {x}.{_key(sub.key)}]")
            elif sub.name == "pageInfo":
                parts.append(f"{_key(sub.key)}: {self._page_info(e, page, sub)}")
            elif sub.name == "totalCount":
                parts.append(f"{_key(sub.key)}: COUNT {{ {match} }}")
            elif sub.name == "withheld":
                hidden = self._withheld(source, arrow, cap, from_offender, spec, field)
                parts.append(f"{_key(sub.key)}: {hidden}")
        return f"[{e} IN [{rows}] | {{{', '.join(parts)}}}][0]"

    def _withheld(
        self,
        source: str,
        arrow: str,
        cap: str,
        from_offender: str,
        spec: LinkSpec,
        field: Selected,
    ) -> str:
        """Cypher: links of this list (same filters) exist that the principal may not see
        (rule 9). Links to an out-of-scope offender count only where the list could show them
        as a stub (an association of an in-scope offender): a withheld marker says that
        something is hidden, never that an offender the principal may not know of exists."""
        st = self.statement
        r, t, ct = st.var("r"), st.var("t"), st.var("c")
        ceiling_of_target = (
            access.person_ceiling(t, st.var("s")) if spec.target_label == "Person" else "null"
        )
        visible = access.link_visible(r, cap, ct, from_offender)
        conditions = [
            f"NOT coalesce({visible}, false)",
            f"({ct} IS NULL OR {ct} > 0 OR ({from_offender} AND type({r}) = 'ASSOCIATED_WITH'))",
            *self._link_filters(r, t, field),
        ]
        return (
            f"EXISTS {{ MATCH ({source}){_rename_link(arrow, r)}({t}:{spec.target_label}) "
            f"WITH {r}, {t}, {ceiling_of_target} AS {ct} WHERE {' AND '.join(conditions)} }}"
        )

    def _link_filters(self, r: str, t: str, field: Selected) -> list[str]:
        filters = []
        as_of = field.args.get("asOf")
        if as_of is not None:
            filters.append(access.valid_on(r, self.statement.param(as_of)))
        types = field.args.get("types")
        if types:
            filters.append(f"{r}.type IN {self.statement.param([str(v.value) for v in types])}")
        return filters

    def _link_row(self, r: str, t: str, ct: str, tc: str, spec: LinkSpec, field: Selected) -> str:
        """One row per link: the cursor, then the link map once per `edges` alias."""
        per_alias = [f"__cursor: toString({r}.from) + '|' + {t}.id"]
        for edges in field.only():
            if edges.name != "edges":
                continue
            entries, stored = [], []
            for sub in edges.only():
                if sub.name == "cursor":
                    value = f"toString({r}.from) + '|' + {t}.id"
                elif sub.name in {"from", "to", "agency", "classification", *spec.extras}:
                    stored.append(sub)
                    continue
                elif sub.name == spec.target_field:
                    value = self._target(t, ct, tc, spec, sub)
                else:  # pragma: no cover - the schema admits no other field
                    raise BadUserInput(f"unknown link field {sub.name}")
                entries.append(f"{_key(sub.key)}: {value}")
            entries.extend(self._stored(r, stored))
            per_alias.append(f"{_key(edges.key)}: {{{', '.join(entries)}}}")
        return "{" + ", ".join(per_alias) + "}"

    def _target(self, t: str, ct: str, tc: str, spec: LinkSpec, selection: Selected) -> str:
        if spec.target_type == "Person":
            return self.person(t, ct, tc, selection)
        return self.node(t, spec.target_type, selection.only(), tc)

    def _page_info(self, e: str, page: str, selection: Selected) -> str:
        entries = []
        for sub in selection.only():
            if sub.name == "hasNextPage":
                entries.append(f"{_key(sub.key)}: size({e}) > {page}")
            elif sub.name == "endCursor":
                entries.append(f"{_key(sub.key)}: last({e}[0..{page}]).__cursor")
        return "{" + ", ".join(entries) + "}"
