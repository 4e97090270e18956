"""`identify`: a witness enquiry, as one statement that ranks candidates by what they matched.

Each clue (name, a mark, a vehicle, a place) finds offenders through a link the principal could
be shown (in scope within its ceiling; for NATIONAL_SEARCH, out of scope only through what an
identification card shows: names, OFFICIAL marks and vehicle links, never an address), and
says why. Gender and an age range filter the candidates; the score is the sum of the clues
matched, so the person who matches most comes first.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_api import access, marks, ukformats
from graph_api.errors import BadUserInput
from graph_api.planner.projection import page_size
from graph_api.planner.roots import (
    MAX_RADIUS_METRES,
    MAX_SEARCH_CANDIDATES,
    Plan,
    _statement,
    lucene_name_query,
    mark_matches,
    vehicle_matches,
    visible_link,
)

if TYPE_CHECKING:
    from graph_api.identity import Principal
    from graph_api.planner.selection import Selected
    from graph_api.planner.statement import Statement

MAX_MARK_CLUES = 5
MAX_AGE = 120

#: What each clue adds to a candidate's score (a name adds up to 1 more by its relevance,
#: a mark's words up to 1 more by theirs).
WEIGHTS = {"NAME": 2.0, "MARK": 3.0, "PLATE": 4.0, "VEHICLE": 1.5, "PLACE": 2.0}


@dataclass(frozen=True)
class Enquiry:
    """A witness's description: every part optional, at least one clue besides the filters."""

    gender: str | None = None
    age_from: int | None = None
    age_to: int | None = None
    on: dt.date | None = None
    name: str | None = None
    marks: tuple[dict[str, Any], ...] = ()
    vehicle: dict[str, Any] | None = None
    place: dict[str, Any] | None = None


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def dob_range(enquiry: Enquiry, today: dt.date) -> tuple[dt.date | None, dt.date | None]:
    """Dates of birth of someone aged `age_from` to `age_to` on `on` (default today)."""
    on = enquiry.on or today
    low, high = enquiry.age_from, enquiry.age_to
    for value in (low, high):
        if value is not None and not 0 <= value <= MAX_AGE:
            raise BadUserInput(f"`ageFrom` and `ageTo` must be 0 to {MAX_AGE}")
    if low is not None and high is not None and low > high:
        raise BadUserInput("`ageFrom` must not be above `ageTo`")
    latest = _years_before(on, low) if low is not None else None
    earliest = _years_before(on, high + 1) + dt.timedelta(days=1) if high is not None else None
    return earliest, latest


def _name_clue(st: Statement, name: str) -> str:
    return (
        f"CALL db.index.fulltext.queryNodes('person_names', {st.param(lucene_name_query(name))}, "
        f"{{limit: {MAX_SEARCH_CANDIDATES}}}) YIELD node AS o, score WHERE o:Offender "
        f"RETURN o, {WEIGHTS['NAME']} + CASE WHEN score > 10 THEN 1.0 ELSE score / 10 END AS points, "
        f"{{kind: 'NAME', detail: o.forename + ' ' + o.surname, clue: {st.param(name)}}} AS reason"
    )


def _mark_clue(st: Statement, clue: dict[str, Any]) -> str:
    if not any(clue.get(k) for k in ("type", "bodyPart", "side", "words")):
        raise BadUserInput("a mark clue needs at least one of `type`, `bodyPart`, `side`, `words`")
    words = clue.get("words")
    return (
        f"{mark_matches(st, {**clue, 'text': words})} "
        f"MATCH (m)<-[r:HAS_MARK]-(o:Offender) WHERE {visible_link('r', 'o', 's0')} "
        f"WITH m, o, score LIMIT {MAX_SEARCH_CANDIDATES} "
        f"RETURN o, {WEIGHTS['MARK']} + CASE WHEN score > 5 THEN 1.0 ELSE score / 5 END AS points, "
        f"{{kind: 'MARK', type: m.type, bodyPart: m.bodyPart, side: m.side, "
        f"description: m.description, clue: {st.param(words)}}} AS reason"
    )


def _vehicle_clue(st: Statement, clue: dict[str, Any]) -> str:
    conditions = vehicle_matches(
        st, "v", clue.get("vrm"), clue.get("make"), clue.get("model"), clue.get("colour")
    )
    weight = WEIGHTS["PLATE"] if clue.get("vrm") else WEIGHTS["VEHICLE"]
    return (
        f"MATCH (v:Vehicle) WHERE {conditions} "
        f"MATCH (v)<-[u:USES]-(o:Offender) WHERE {visible_link('u', 'o', 's1')} "
        f"WITH DISTINCT v, o LIMIT {MAX_SEARCH_CANDIDATES} "
        f"RETURN o, {weight} AS points, {{kind: 'VEHICLE', vrm: v.vrm, make: v.make, "
        f"model: v.model, colour: v.colour}} AS reason"
    )


def _place_clue(st: Statement, clue: dict[str, Any]) -> str:
    """Current and past addresses (valid on `on` when given): never on a card, so only
    in-scope offenders, within their ceiling, match a place."""
    postcode = clue.get("postcode")
    latitude, longitude = clue.get("latitude"), clue.get("longitude")
    if postcode:
        try:
            where = f"a.postcode = {st.param(ukformats.normalise_postcode(postcode))}"
        except ValueError as error:
            raise BadUserInput(f"`place.postcode`: {error}") from None
        source = f"MATCH (a:Address) WHERE {where}"
    elif latitude is not None and longitude is not None:
        radius = clue.get("radiusMetres") or 1_000
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise BadUserInput("`place.latitude` must be -90 to 90 and `longitude` -180 to 180")
        if not 0 < radius <= MAX_RADIUS_METRES:
            raise BadUserInput(
                f"`place.radiusMetres` must be above 0 and at most {MAX_RADIUS_METRES}"
            )
        centre = f"point({{latitude: {st.param(latitude)}, longitude: {st.param(longitude)}}})"
        source = (
            f"MATCH (a:Address) WHERE point.distance(a.location, {centre}) <= {st.param(radius)}"
        )
    else:
        raise BadUserInput("a place clue needs `postcode`, or `latitude` and `longitude`")
    valid = f" AND {access.valid_on('r', st.param(clue['on']))}" if clue.get("on") else ""
    return (
        f"{source} MATCH (a)<-[r:RESIDES_AT]-(o:Offender) WHERE true{valid} "
        f"WITH a, r, o, {access.ceiling('o', 's2')} AS c "
        f"WHERE c > 0 AND $rank[r.classification] <= c "
        f"WITH DISTINCT a, o LIMIT {MAX_SEARCH_CANDIDATES} "
        f"RETURN o, {WEIGHTS['PLACE']} AS points, {{kind: 'PLACE', postcode: a.postcode, "
        f"town: a.town}} AS reason"
    )


def plan_identify(
    selection: Selected, principal: Principal, enquiry: Enquiry, first: int | None
) -> Plan:
    size = page_size(first)
    statement, projector = _statement(principal)
    if len(enquiry.marks) > MAX_MARK_CLUES:
        raise BadUserInput(f"at most {MAX_MARK_CLUES} mark clues")
    clues = []
    if enquiry.name:
        clues.append(_name_clue(statement, enquiry.name))
    clues += [_mark_clue(statement, clue) for clue in enquiry.marks]
    if enquiry.vehicle:
        clues.append(_vehicle_clue(statement, enquiry.vehicle))
    if enquiry.place:
        clues.append(_place_clue(statement, enquiry.place))
    if not clues:
        raise BadUserInput(
            "give at least one clue: `name`, `marks`, `vehicle` or `place` "
            "(`gender` and the age range only narrow the candidates)"
        )
    today = statement.parameters["today"]
    earliest, latest = dob_range(enquiry, today)
    filters = ["true"]
    if enquiry.gender:
        filters.append(f"o.gender = {statement.param(enquiry.gender)}")
    if earliest:
        filters.append(f"o.dob >= {statement.param(earliest)}")
    if latest:
        filters.append(f"o.dob <= {statement.param(latest)}")
    nominal = next((f for f in selection.only() if f.name == "nominal"), None)
    full = projector.node("o", "Offender", nominal.fields("Offender") if nominal else (), "c")
    stub = projector.restricted("o", nominal.fields("RestrictedNominal") if nominal else ())
    union = " UNION ALL ".join(clues)
    cypher = (
        f"CALL () {{ {union} }} "
        f"WITH o, points, reason WHERE {' AND '.join(filters)} "
        f"WITH o, sum(points) AS score, collect(reason) AS reasons "
        f"WITH o, score, reasons, {access.ceiling('o', 's9')} AS c WHERE c > 0 OR $national "
        f"ORDER BY score DESC, o.id ASC LIMIT {statement.param(size)} "
        f"RETURN score, reasons, o.dob AS dob, o.gender AS gender, "
        f"CASE WHEN c > 0 THEN {full} ELSE {stub} END AS nominal"
    )

    def shape(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [
            {
                **{f.key: _candidate_field(f.name, record, enquiry) for f in selection.only()},
            }
            for record in records
        ]

    return Plan(cypher, statement.parameters, shape)


def _candidate_field(name: str, record: dict[str, Any], enquiry: Enquiry) -> Any:
    if name == "score":
        return round(float(record["score"]), 3)
    if name == "nominal":
        return record["nominal"]
    return reasons(record, enquiry)


def reasons(record: dict[str, Any], enquiry: Enquiry) -> list[str]:
    """Why a candidate matched, in words: "tattoo, left forearm: 'serpent' ~ 'snake'"."""
    said = []
    for reason in record["reasons"]:
        kind = reason["kind"]
        if kind == "NAME":
            said.append(f"name {reason['clue']!r} ~ {reason['detail']}")
        elif kind == "MARK":
            side = (reason.get("side") or "").lower()
            where = reason["bodyPart"] if side in ("", "centre") else f"{side} {reason['bodyPart']}"
            text = f"{reason['type'].lower()}, {where}"
            if reason.get("clue"):
                words = marks.matched_words(reason["clue"], reason["description"] or "")
                text += ": " + ", ".join(
                    f"{w!r}" if w == found else f"{w!r} ~ {found!r}" for w, found in words
                )
            said.append(text)
        elif kind == "VEHICLE":
            said.append(
                f"uses {reason['vrm']} ({reason['colour']} {reason['make']} {reason['model']})"
            )
        elif kind == "PLACE":
            said.append(f"lives or lived at {reason['postcode']} ({reason['town']})")
    if enquiry.gender:
        said.append(enquiry.gender.lower())
    if enquiry.age_from is not None or enquiry.age_to is not None:
        on = enquiry.on.isoformat() if enquiry.on else "today"
        dob = record.get("dob")
        born = f", born {dob.iso_format()}" if dob is not None else ""
        said.append(
            f"aged {enquiry.age_from if enquiry.age_from is not None else 0}-"
            f"{enquiry.age_to if enquiry.age_to is not None else MAX_AGE} on {on}{born}"
        )
    return said
