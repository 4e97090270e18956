"""One parameterised Cypher statement per root field, and the shaping of its records.

Each `plan_*` function takes the client's selection and the Principal and returns a `Plan`:
the statement, its parameters, and how to shape the records it returns.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_api import access, cypher_files, marks, phonetic, ukformats
from graph_api.domain import Role
from graph_api.errors import BadUserInput, Forbidden
from graph_api.planner import disclosed
from graph_api.planner.markers import DISCLOSED_KEY, ID_KEY, TYPE_KEY
from graph_api.planner.projection import Projector, page_size
from graph_api.planner.selection import by_response_key
from graph_api.planner.statement import Statement

if TYPE_CHECKING:
    from collections.abc import Callable

    from graph_api.identity import Principal
    from graph_api.planner.selection import Selected

MAX_RADIUS_METRES = 50_000
#: Who reads an audit trail (of offenders their agency manages); the SDL says so from here.
AUDIT_READERS = frozenset({Role.SUPERVISOR})
MAX_SEARCH_CANDIDATES = 1_000
#: Full-text candidates of a mark description search, before type, part and side narrow them:
#: common words ("snake") match thousands of marks nationally.
MAX_MARK_CANDIDATES = 10_000
_RISK_ORDER = {"VERY_HIGH": 0, "HIGH": 1, "MEDIUM": 2, "LOW": 3}


@dataclass(frozen=True)
class Plan:
    """A statement ready to run, and how to turn its records into the field's value."""

    cypher: str
    parameters: dict[str, Any]
    shape: Callable[[list[dict[str, Any]]], Any]
    #: Cypher over `rows` (the statement's rows as maps of its `columns`): the maps in them
    #: that carry an offender's markers (`planner.disclosed`), so that the read can write its
    #: own audit record (`graph_api.audit.audited_read`). None: audited the usual way.
    disclosed: str | None = None
    columns: tuple[str, ...] = ("result",)


def _statement(principal: Principal) -> tuple[Statement, Projector]:
    statement = Statement(access.principal_parameters(principal))
    return statement, Projector(statement)


def _single(records: list[dict[str, Any]]) -> Any:
    return records[0]["result"] if records else None


# --- root cursors: an opaque, typed (sort key, id) pair ------------------------------------------


def encode_cursor(key: Any, node_id: str) -> str:
    if hasattr(key, "to_native"):  # neo4j temporal values
        key = key.to_native()
    if isinstance(key, dt.datetime):
        kind, value = "datetime", key.isoformat()
    elif isinstance(key, dt.date):
        kind, value = "date", key.isoformat()
    else:
        kind, value = "value", key
    raw = json.dumps([kind, value, node_id], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> tuple[Any, str] | None:
    """The (sort key, id) of a root cursor; BAD_USER_INPUT when it is not one of ours."""
    if cursor is None:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        kind, value, node_id = json.loads(base64.urlsafe_b64decode(padded.encode()))
        if kind == "date":
            value = dt.date.fromisoformat(value)
        elif kind == "datetime":
            value = dt.datetime.fromisoformat(value)
        if not isinstance(node_id, str) or not isinstance(value, str | int | float | dt.date):
            raise ValueError(cursor)
    except (ValueError, TypeError, UnicodeDecodeError):
        raise BadUserInput("`after` is not a cursor returned by this API") from None
    return value, node_id


def _page(selection: Selected, first: int) -> Callable[[list[dict[str, Any]]], dict[str, Any]]:
    """Shape up to first+1 rows of (k, id, item) into a connection, keyed by response keys.

    `item` holds one map per `edges` alias (`_edge_map`); cursors and page info are added
    here, under whatever names the client gave them.
    """

    def shape(records: list[dict[str, Any]]) -> dict[str, Any]:
        found = [r for r in records if r["id"] is not None]  # the count row has no id
        rows = found[:first]
        cursors = [encode_cursor(r["k"], r["id"]) for r in rows]
        page_info = {
            "hasNextPage": len(found) > first,
            "endCursor": cursors[-1] if cursors else None,
        }
        answer: dict[str, Any] = {}
        for field in selection.only():
            if field.name == "totalCount":
                answer[field.key] = next(r["total"] for r in records if r["id"] is None)
            elif field.name == "edges":
                named = [sub.key for sub in field.only() if sub.name == "cursor"]
                answer[field.key] = [
                    {**row["item"][field.key], **dict.fromkeys(named, cursor)}
                    for row, cursor in zip(rows, cursors, strict=True)
                ]
            elif field.name == "pageInfo":
                answer[field.key] = by_response_key(page_info, field)
        return answer

    return shape


def _counted(selection: Selected, matching: str, page: str) -> str:
    """The statement of a root connection: `matching` (what matches, before the cursor) then
    `page` (keyset, order, limit, RETURN k, id, item); when `totalCount` is selected, one more
    row (no id) counts every match, in the same statement (`UNION ALL`)."""
    if not any(field.name == "totalCount" for field in selection.only()):
        return f"{matching} {page}"
    return (
        f"{matching} {page}, null AS total UNION ALL "
        # Counted first, then projected: grouped by the null columns, an empty match would
        # give no count row at all.
        f"{matching} WITH count(*) AS total RETURN null AS k, null AS id, null AS item, total"
    )


def _paged(
    selection: Selected,
    statement: Statement,
    cypher: str,
    size: int,
    edge_type: str,
    parts: dict[str, str],
) -> Plan:
    """The Plan of a root connection (`_counted`), with the walk of what its page discloses
    (`parts`: see `disclosed.in_page`)."""
    counted = any(field.name == "totalCount" for field in selection.only())
    seen = disclosed.in_page(selection, edge_type, parts, statement.param(size), statement)
    columns = ("k", "id", "item", "total") if counted else ("k", "id", "item")
    return Plan(cypher, statement.parameters, _page(selection, size), seen, columns)


def _keyset(cursor: tuple[Any, str] | None, statement: Statement, key: str, node: str) -> str:
    if cursor is None:
        return "true"
    value, node_id = statement.param(cursor[0]), statement.param(cursor[1])
    return f"({key} > {value} OR ({key} = {value} AND {node}.id > {node_id}))"


def _edge_map(
    selection: Selected, edge_type: str, parts: dict[str, Callable[[Selected], str]]
) -> str:
    """The map of one root edge: per `edges` alias, each selected field that `parts` plans
    (field name -> planner of its selection). Cursors are added by `_page`."""
    per_alias = []
    for edges in selection.only():
        if edges.name != "edges":
            continue
        entries = [
            f"`{field.key}`: {parts[field.name](field)}"
            for field in edges.fields(edge_type)
            if field.name in parts
        ]
        per_alias.append(f"`{edges.key}`: {{{', '.join(entries)}}}")
    return "{" + ", ".join(per_alias) + "}"


def nominal(projector: Projector, var: str, ceiling: str, selection: Selected) -> str:
    """An offender found by a search root: in full when in scope (`ceiling` > 0), else a
    RestrictedNominal (with its card for NATIONAL_SEARCH)."""
    full = projector.node(var, "Offender", selection.fields("Offender"), ceiling)
    stub = projector.restricted(var, selection.fields("RestrictedNominal"))
    return f"CASE WHEN {ceiling} > 0 THEN {full} ELSE {stub} END"


# --- offender(id), node(id) --------------------------------------------------------------------


def plan_offender(selection: Selected, principal: Principal, offender_id: str) -> Plan:
    statement, projector = _statement(principal)
    oid = statement.param(offender_id)
    fields = selection.only("Offender")
    cypher = (
        f"MATCH (o:Offender {{id: {oid}}}) "
        f"WITH o, {access.ceiling('o', 's0')} AS c WHERE c > 0 "
        f"RETURN {projector.node('o', 'Offender', fields, 'c')} AS result"
    )
    seen = disclosed.in_result("Offender", fields, statement)
    return Plan(cypher, statement.parameters, _single, seen)


_ANCHORS = {
    # label: the fact links through which an in-scope offender may make the node visible
    "Associate": "(n)-[r:ASSOCIATED_WITH]-(o:Offender)",
    "Address": "(n)<-[r:RESIDES_AT]-(o:Offender)",
    "Vehicle": "(n)<-[r:USES]-(o:Offender)",
    "Mark": "(n)<-[r:HAS_MARK]-(o:Offender)",
    "Intelligence": "(n)-[r:ABOUT]->(o:Offender)",
}
_PREFIXES = {
    "asc_": "Associate", "adr_": "Address", "veh_": "Vehicle", "mrk_": "Mark", "int_": "Intelligence"
}  # fmt: skip


def anchor_cap(node: str, label: str) -> str:
    """Cypher: the cap of a shared node at a root (docs/access-policy.md): the highest ceiling
    of the in-scope offenders it has a visible fact link to; 0 when it has none (invisible)."""
    pattern = _ANCHORS[label].replace("(n)", f"({node})")
    return (
        f"coalesce(head(COLLECT {{ MATCH {pattern} "
        f"WITH r, {access.ceiling('o', 'sa')} AS ka WHERE $rank[r.classification] <= ka "
        f"RETURN ka ORDER BY ka DESC LIMIT 1 }}), 0)"
    )


def plan_node(selection: Selected, principal: Principal, node_id: str) -> Plan | None:
    """`node(id)`: the label comes from the id's prefix; None for ids that name nothing visible."""
    if node_id.startswith("off_"):
        statement, projector = _statement(principal)
        full = projector.node("o", "Offender", selection.fields("Offender"), "c")
        stub = projector.restricted("o", selection.fields("RestrictedNominal"))
        cypher = (
            f"MATCH (o:Offender {{id: {statement.param(node_id)}}}) "
            f"WITH o, {access.ceiling('o', 's0')} AS c WHERE c > 0 OR $national "
            f"RETURN CASE WHEN c > 0 THEN {full} ELSE {stub} END AS result"
        )
        return Plan(cypher, statement.parameters, _single)
    label = _PREFIXES.get(node_id[:4])
    if label is None:
        return None
    statement, projector = _statement(principal)
    cypher = (
        f"MATCH (n:{label} {{id: {statement.param(node_id)}}}) "
        f"WITH n, {anchor_cap('n', label)} AS k WHERE k > 0 "
        f"RETURN {projector.node('n', label, selection.fields(label), 'k')} AS result"
    )
    return Plan(cypher, statement.parameters, _single)


# --- offenders(filter, orderBy, first, after) --------------------------------------------------

_ORDER_KEYS = {
    "SURNAME": "o.surname",
    "DATE_OF_BIRTH": "o.dob",
    "RISK_LEVEL": "$riskOrder[o.riskLevel]",
}


def plan_offenders(
    selection: Selected,
    principal: Principal,
    filters: dict[str, Any] | None,
    order_by: str,
    first: int | None,
    after: str | None,
) -> Plan:
    size = page_size(first)
    statement, projector = _statement(principal)
    statement.parameters["riskOrder"] = _RISK_ORDER
    filters = filters or {}
    conditions = _offender_filters(statement, filters)
    key = _ORDER_KEYS[order_by]
    item = _edge_map(
        selection,
        "OffenderEdge",
        {"node": lambda f: projector.node("o", "Offender", f.only(), "c")},
    )
    # Cheap property filters first; the ceiling (a subquery) only for the page kept. With a
    # managing agency, its offenders are sought by index, with the filters, and each is tested
    # for scope (national page of 50, one risk level: 92 -> 18 ms at the database); without
    # one, the scope is read first (managed, then shared) and filtered.
    in_order = ""
    agency = filters.get("managingAgency")
    if agency and order_by == "SURNAME":
        # The agency's offenders in page order from the (agency, surname, id) index, filters
        # and scope tested on the way, until the page is full: a page reads about as many
        # entries as it shows, not the agency's every match. Neo4j's planner would rather seek
        # the (agency, risk level) index and sort all it found, hence the hint (national page
        # of 50 through the driver, two levels: 10.0 -> 3.0 ms; every level: 13.1 -> 2.5 ms).
        matching = (
            "MATCH (o:Offender) USING INDEX o:Offender(managingAgency, surname, id) "
            f"WHERE o.surname IS NOT NULL AND o.id IS NOT NULL AND {conditions} "
            f"AND {access.in_scope('o', 'sa')}"
        )
        in_order = "o.managingAgency, "  # one agency: the index's own order
    elif agency:
        # A composite index seeks only with a predicate on each of its properties: (agency,
        # risk level) when levels are asked for, else (agency, id).
        seek = "" if filters.get("riskLevels") else "o.id IS NOT NULL AND "
        matching = f"MATCH (o:Offender) WHERE {seek}{conditions} AND {access.in_scope('o', 'sa')}"
    else:
        matching = cypher_files.query("offenders_in_scope") + f" WITH o WHERE {conditions}"
    cypher = _counted(
        selection,
        matching,
        f"WITH o, {key} AS k WHERE {_keyset(decode_cursor(after), statement, 'k', 'o')}"
        f" ORDER BY {in_order}k ASC, o.id ASC LIMIT {statement.param(size + 1)}"
        f" WITH o, k, {access.ceiling('o', 's0')} AS c"
        f" RETURN k, o.id AS id, {item} AS item",
    )
    return _paged(selection, statement, cypher, size, "OffenderEdge", {"node": "Offender"})


def _offender_filters(statement: Statement, filters: dict[str, Any]) -> str:
    conditions = ["true"]
    columns = {
        "nominalTypes": "o.nominalType",
        "mappaCategories": "o.mappaCategory",
        "mappaLevels": "o.mappaLevel",
        "riskLevels": "o.riskLevel",
    }
    for name, column in columns.items():
        values = filters.get(name)
        if values:
            plain = [getattr(v, "value", v) for v in values]
            conditions.append(f"{column} IN {statement.param(plain)}")
    agency = filters.get("managingAgency")
    if agency:
        conditions.append(f"o.managingAgency = {statement.param(agency.strip().upper())}")
    district = filters.get("postcodeDistrict")
    if district:
        if not re.fullmatch(r"[A-Za-z]{1,2}[0-9][A-Za-z0-9]?", district.strip()):
            raise BadUserInput("`postcodeDistrict` must be an outward code such as SW1A or M1")
        conditions.append(
            f"EXISTS {{ MATCH (o)-[r:RESIDES_AT]->(a:Address) WHERE r.to IS NULL AND r.main "
            f"AND a.postcodeDistrict = {statement.param(district.strip().upper())} "
            f"AND $rank[r.classification] <= {access.ceiling('o', 'sd')} }}"
        )
    return " AND ".join(conditions)


# --- searchOffenders ----------------------------------------------------------------------------


def lucene_name_query(name: str) -> str:
    """A full-text query over names, aliases and phonetic keys built only from letters.

    Every word is reduced to its letters before it reaches Lucene, so no operator, quote,
    wildcard or escape in the input can become query syntax.
    """
    words = [w.lower() for w in re.findall(r"[A-Za-z]+", name) if len(w) >= 2][:6]
    if not words:
        raise BadUserInput("`name` must contain at least one word of two or more letters")
    clauses = []
    for word in words:
        fuzzy = "~1" if len(word) >= 4 else ""
        for column in ("forename", "surname", "aliasText"):
            clauses.append(f"{column}:{word}{fuzzy}")
            clauses.append(f"{column}:{word}^2")
    clauses += [f"nameKeys:{key.lower()}" for key in phonetic.query_keys(" ".join(words))]
    return " OR ".join(clauses)


def plan_search_offenders(
    selection: Selected,
    principal: Principal,
    name: str,
    dob_from: dt.date | None,
    dob_to: dt.date | None,
    gender: Any,
    first: int | None,
    after: str | None,
) -> Plan:
    size = page_size(first)
    statement, projector = _statement(principal)
    if dob_from and dob_to and dob_from > dob_to:
        raise BadUserInput("`dobFrom` must not be after `dobTo`")
    conditions = ["o:Offender"]
    if dob_from:
        conditions.append(f"o.dob >= {statement.param(dob_from)}")
    if dob_to:
        conditions.append(f"o.dob <= {statement.param(dob_to)}")
    if gender is not None:
        conditions.append(f"o.gender = {statement.param(getattr(gender, 'value', gender))}")
    item = _edge_map(
        selection,
        "SearchHit",
        {"score": lambda _: "score", "nominal": lambda f: nominal(projector, "o", "c", f)},
    )
    cursor = decode_cursor(after)
    keyset = "true"
    if cursor is not None:
        score, node_id = statement.param(cursor[0]), statement.param(cursor[1])
        keyset = f"(score < {score} OR (score = {score} AND o.id > {node_id}))"
    cypher = _counted(
        selection,
        f"CALL db.index.fulltext.queryNodes('person_names', {statement.param(lucene_name_query(name))}, "
        f"{{limit: {MAX_SEARCH_CANDIDATES}}}) YIELD node AS o, score "
        f"WHERE {' AND '.join(conditions)} "
        f"WITH o, score, {access.ceiling('o', 's0')} AS c WHERE (c > 0 OR $national)",
        f"WITH o, score, c WHERE {keyset} "
        f"ORDER BY score DESC, o.id ASC LIMIT {statement.param(size + 1)} "
        f"RETURN score AS k, o.id AS id, {item} AS item",
    )
    return _paged(selection, statement, cypher, size, "SearchHit", {"nominal": "Nominal"})


# --- searchMarks ---------------------------------------------------------------------------------


def visible_bearer(link: str) -> str:
    """Cypher: offender `o` (ceiling `c`) is linked through `link` (a mark, a vehicle) as the
    principal may see it: in scope within its ceiling, or (NATIONAL_SEARCH) on its card."""
    return (
        f"((c > 0 AND $rank[{link}.classification] <= c) "
        f"OR (c = 0 AND $national AND {access.on_card(link)}))"
    )


def visible_link(link: str, offender: str, share: str) -> str:
    """Cypher: the same test as `visible_bearer(link)` with `c` the ceiling of `offender`,
    cheapest first: a national searcher sees an OFFICIAL link on the card without the ceiling
    (a subquery) being computed, so a search ranks its candidates first and works out the
    ceilings of the page only (searchMarks with 3,131 candidates: 90,071 -> 50,100 db hits)."""
    return (
        f"(($national AND {access.on_card(link)}) "
        f"OR $rank[{link}.classification] <= {access.ceiling(offender, share)})"
    )


def mark_matches(statement: Statement, args: dict[str, Any]) -> str:
    """Cypher yielding `m` (a mark matching `type`, `bodyPart`, `side`, `text`) and `score`.

    Body parts go through the vocabulary (`graph_api.marks`). With `text`, the `mark_search`
    full-text index narrows by words, type, part and side together (at most
    MAX_MARK_CANDIDATES); without it the (type, bodyPart) range index does. Either way the
    properties are then compared exactly.
    """
    kind = getattr(args.get("type"), "value", args.get("type"))
    side = getattr(args.get("side"), "value", args.get("side"))
    parts = None
    if args.get("bodyPart"):
        parts, named_side = marks.resolve_body_part(args["bodyPart"])
        if side and named_side and side != named_side:
            raise BadUserInput(f"`bodyPart` names the {named_side} side but `side` is {side}")
        side = side or named_side
    conditions = ["true"]
    if kind is not None:
        conditions.append(f"m.type = {statement.param(kind)}")
    if parts is not None:
        conditions.append(f"m.bodyPart IN {statement.param(sorted(parts))}")
    if side is not None:
        conditions.append(f"m.side = {statement.param(side)}")
    text = args.get("text")
    if text:
        query = marks.lucene_mark_query(text, kind, parts, side)
        source = (
            f"CALL db.index.fulltext.queryNodes('mark_search', {statement.param(query)}, "
            f"{{limit: {MAX_MARK_CANDIDATES}}}) YIELD node AS m, score"
        )
    elif len(conditions) > 1:
        source = "MATCH (m:Mark) WITH m, 0.0 AS score"
    else:
        raise BadUserInput("give at least one of `type`, `bodyPart`, `side` or `text`")
    return f"{source} WHERE {' AND '.join(conditions)}"


def plan_search_marks(
    selection: Selected,
    principal: Principal,
    args: dict[str, Any],
    first: int | None,
    after: str | None,
) -> Plan:
    size = page_size(first)
    statement, projector = _statement(principal)
    source = mark_matches(statement, args)
    parts: dict[str, Callable[[Selected], str]] = {
        "score": lambda _: "score",
        # The mark's cap is its bearer's ceiling, or OFFICIAL when it is seen on a card.
        "mark": lambda f: projector.node("m", "Mark", f.only(), "mc"),
        "bearer": lambda f: nominal(projector, "o", "c", f),
    }
    item = _edge_map(selection, "MarkHit", parts)
    cursor = decode_cursor(after)
    keyset = "true"
    if cursor is not None:
        score, hit_id = statement.param(cursor[0]), statement.param(cursor[1])
        keyset = f"(score < {score} OR (score = {score} AND hit > {hit_id}))"
    cypher = _counted(
        selection,
        f"{source} MATCH (m)<-[r:HAS_MARK]-(o:Offender) WHERE {visible_link('r', 'o', 's0')}",
        f"WITH m, o, score, m.id + '/' + o.id AS hit WHERE {keyset} "
        f"ORDER BY score DESC, hit ASC LIMIT {statement.param(size + 1)} "
        f"WITH m, o, score, hit, {access.ceiling('o', 's1')} AS c "
        f"WITH m, o, c, CASE WHEN c > 0 THEN c ELSE {access.CARD_RANK} END AS mc, score, hit "
        f"RETURN score AS k, hit AS id, {item} AS item",
    )
    return Plan(cypher, statement.parameters, _page(selection, size))


# --- vehicles(vrm, make, model, colour), addresses(postcode) ----------------------------------------------------------


def _anchored_page(
    selection: Selected,
    principal: Principal,
    label: str,
    match: Callable[[Statement], str],
    key: str,
    first: int | None,
    after: str | None,
) -> Plan:
    """A page of `label` nodes (variable `n`) found by `match`, anchored to an in-scope
    offender, ordered by the property `key` then id."""
    size = page_size(first)
    statement, projector = _statement(principal)
    item = _edge_map(
        selection, f"{label}Edge", {"node": lambda f: projector.node("n", label, f.only(), "nk")}
    )
    cypher = _counted(
        selection,
        f"{match(statement)} WITH n, {anchor_cap('n', label)} AS nk WHERE nk > 0",
        f"WITH n, nk, n.{key} AS k WHERE {_keyset(decode_cursor(after), statement, 'k', 'n')} "
        f"ORDER BY k ASC, n.id ASC LIMIT {statement.param(size + 1)} "
        f"RETURN k, n.id AS id, {item} AS item",
    )
    return Plan(cypher, statement.parameters, _page(selection, size))


MAX_VEHICLE_NOMINALS = 100


def vehicle_matches(
    statement: Statement,
    var: str,
    vrm: str | None,
    make: str | None = None,
    model: str | None = None,
    colour: str | None = None,
) -> str:
    """Cypher: vehicle `var` matches a plate pattern and/or make, model, colour (case ignored)."""
    conditions = []
    if vrm is not None:
        try:
            regex = ukformats.vrm_pattern_regex(vrm)
            prefix = ukformats.vrm_pattern_prefix(vrm)
        except ValueError as error:
            raise BadUserInput(f"`vrm`: {error}") from None
        # A literal prefix lets the plate index narrow the scan before the pattern is applied.
        if prefix:
            conditions.append(f"{var}.vrm STARTS WITH {statement.param(prefix)}")
        conditions.append(f"{var}.vrm =~ {statement.param(regex)}")
    for name, value in (("make", make), ("model", model), ("colour", colour)):
        if value is not None:
            words = " ".join(value.split()).lower()
            if not words or len(words) > 40:
                raise BadUserInput(f"`{name}` must be 1 to 40 characters")
            conditions.append(f"toLower({var}.{name}) = {statement.param(words)}")
    if not conditions:
        raise BadUserInput("give at least one of `vrm`, `make`, `model` or `colour`")
    return " AND ".join(conditions)


def plan_vehicles(
    selection: Selected,
    principal: Principal,
    vrm: str | None,
    first: int | None,
    after: str | None,
    make: str | None = None,
    model: str | None = None,
    colour: str | None = None,
) -> Plan:
    """Vehicles by plate pattern and/or make, model, colour (case ignored): those anchored to an
    in-scope offender in full and, for NATIONAL_SEARCH, those on an out-of-scope offender's
    card, sealed (no onward links). Each edge lists the nominals the principal may see use it."""
    size = page_size(first)
    statement, projector = _statement(principal)
    conditions = vehicle_matches(statement, "n", vrm, make, model, colour)
    item = _edge_map(
        selection,
        "VehicleEdge",
        {
            "node": lambda f: (
                f"CASE WHEN nk > 0 THEN {projector.node('n', 'Vehicle', f.only(), 'nk')} "
                f"ELSE {projector.sealed('n', 'Vehicle', f.only())} END"
            ),
            "nominals": lambda f: (
                f"COLLECT {{ MATCH (n)<-[u:USES]-(o:Offender) "
                f"WITH o, u, {access.ceiling('o', 's1')} AS c WHERE {visible_bearer('u')} "
                f"WITH DISTINCT o, c ORDER BY o.id LIMIT {MAX_VEHICLE_NOMINALS} "
                f"RETURN {nominal(projector, 'o', 'c', f)} }}"
            ),
        },
    )
    card_only = (
        f"($national AND EXISTS {{ MATCH (n)<-[u:USES]-(o:Offender) "
        f"WHERE {access.on_card('u')} AND NOT {access.in_scope('o', 's2')} }})"
    )
    cypher = _counted(
        selection,
        f"MATCH (n:Vehicle) WHERE {conditions} "
        f"WITH n, {anchor_cap('n', 'Vehicle')} AS nk WHERE nk > 0 OR {card_only}",
        f"WITH n, nk, n.vrm AS k WHERE {_keyset(decode_cursor(after), statement, 'k', 'n')} "
        f"ORDER BY k ASC, n.id ASC LIMIT {statement.param(size + 1)} "
        f"RETURN k, n.id AS id, {item} AS item",
    )
    parts = {"node": "Vehicle", "nominals": "Nominals"}
    return _paged(selection, statement, cypher, size, "VehicleEdge", parts)


def plan_addresses(
    selection: Selected, principal: Principal, postcode: str, first: int | None, after: str | None
) -> Plan:
    try:
        normalised = ukformats.normalise_postcode(postcode)
    except ValueError as error:
        raise BadUserInput(f"`postcode`: {error}") from None

    def match(statement: Statement) -> str:
        return f"MATCH (n:Address) WHERE n.postcode = {statement.param(normalised)}"

    return _anchored_page(selection, principal, "Address", match, "line1", first, after)


# --- offendersNear -------------------------------------------------------------------------------


def plan_offenders_near(
    selection: Selected,
    principal: Principal,
    latitude: float,
    longitude: float,
    radius_metres: float,
    first: int | None,
) -> Plan:
    size = page_size(first)
    if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
        raise BadUserInput("`latitude` must be -90 to 90 and `longitude` -180 to 180")
    if not 0 < radius_metres <= MAX_RADIUS_METRES:
        raise BadUserInput(f"`radiusMetres` must be above 0 and at most {MAX_RADIUS_METRES}")
    statement, projector = _statement(principal)
    offender = next((f for f in selection.only() if f.name == "offender"), None)
    address = next((f for f in selection.only() if f.name == "address"), None)
    entries = []
    for field in selection.only():
        if field.name == "distanceMetres":
            entries.append(f"`{field.key}`: distance")
        elif field.name == "offender" and offender:
            entries.append(
                f"`{field.key}`: {projector.node('o', 'Offender', offender.only(), 'c')}"
            )
        elif field.name == "address" and address:
            entries.append(f"`{field.key}`: {projector.node('a', 'Address', address.only(), 'c')}")
    cypher = (
        f"WITH point({{latitude: {statement.param(latitude)}, longitude: {statement.param(longitude)}}}) AS centre "
        f"MATCH (a:Address) WHERE point.distance(a.location, centre) <= {statement.param(radius_metres)} "
        f"MATCH (a)<-[r:RESIDES_AT]-(o:Offender) WHERE r.to IS NULL "
        f"WITH a, o, r, point.distance(a.location, centre) AS distance, {access.ceiling('o', 's0')} AS c "
        f"WHERE $rank[r.classification] <= c "
        f"ORDER BY distance ASC, o.id ASC LIMIT {statement.param(size)} "
        f"RETURN {{{', '.join(entries)}}} AS result"
    )
    return Plan(cypher, statement.parameters, lambda records: [r["result"] for r in records])


# --- auditTrail -----------------------------------------------------------------------------------


def plan_audit_trail(
    selection: Selected,
    principal: Principal,
    offender_id: str,
    since: dt.datetime | None,
    until: dt.datetime | None,
    first: int | None,
    after: str | None,
) -> Plan:
    """The audit records of an offender, for SUPERVISORs of its managing agency only.

    Reading a trail discloses that offender: the answer carries its marker, so the read is in
    the offender's own trail (docs/design.md §4 rule 7).
    """
    if not any(principal.has(role) for role in AUDIT_READERS):
        raise Forbidden("auditTrail needs the SUPERVISOR role")
    size = page_size(first)
    cursor = decode_cursor(after)
    parameters = access.principal_parameters(principal) | {
        "offenderId": offender_id,
        "since": since,
        "until": until,
        "afterAt": cursor[0] if cursor else None,
        "afterId": cursor[1] if cursor else None,
        "limit": size + 1,
    }
    edge_fields = [
        (edges.key, [(node.key, node) for node in edges.only() if node.name == "node"])
        for edges in selection.only()
        if edges.name == "edges"
    ]

    def shape(records: list[dict[str, Any]]) -> dict[str, Any]:
        if not records or not records[0]["managed"]:
            raise Forbidden("auditTrail is for supervisors of the agency that manages the offender")
        rows = [
            {
                "k": r["k"],
                "id": r["id"],
                "item": {
                    key: {alias: by_response_key(r["record"], node) for alias, node in nodes}
                    for key, nodes in edge_fields
                },
            }
            for r in records[0]["rows"]
        ]
        # The records name other offenders (in the reader's scope) by id: disclosed too.
        named = sorted(
            {
                i
                for r in records[0]["rows"][:size]
                for i in r["record"]["offenderIds"] + r["record"]["restrictedIds"]
            }
            - {offender_id}
        )
        return {
            **_page(selection, size)(rows),
            TYPE_KEY: "Offender",
            ID_KEY: offender_id,
            DISCLOSED_KEY: [{TYPE_KEY: "RestrictedNominal", ID_KEY: i} for i in named],
        }

    return Plan(cypher_files.query("audit_trail"), parameters, shape)
