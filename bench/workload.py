"""The benchmark's principal and its requests: drawn from the dataset by a seeded sequence.

The principal is an analyst of a big managing agency (SECRET, ANALYST). Offender ids are drawn
from the offenders that agency manages or has been shared, in a seeded order, and the other
inputs (names with a typo, partial plates, path ends) are derived from those offenders, so every
target gets exactly the same requests in the same order.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import string
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neo4j import Query
from neo4j.exceptions import ClientError

from bench.queries import Request
from graph_api import ukformats
from graph_api.domain import CLASSIFICATION_RANK, Classification, Role
from graph_api.identity import Principal
from graph_api.planner.roots import lucene_name_query

if TYPE_CHECKING:
    import neo4j

    from bench.queries import BenchQuery

#: At most this many path starts are sampled (one sampling query each); requests cycle them.
MAX_PATH_STARTS = 200

#: Risk-level filters an analyst pages through (`offenders` root field).
RISK_FILTERS: tuple[tuple[str, ...], ...] = (
    ("VERY_HIGH",),
    ("HIGH", "VERY_HIGH"),
    ("MEDIUM",),
    ("LOW", "MEDIUM"),
    ("HIGH",),
)

_BIGGEST_AGENCY = """
MATCH (o:Offender) RETURN o.managingAgency AS agency, count(*) AS offenders
ORDER BY offenders DESC, agency LIMIT 1
"""
_IN_SCOPE = """
MATCH (o:Offender) WHERE o.managingAgency = $agency RETURN o.id AS id
UNION
MATCH (:Agency {code: $agency})<-[s:SHARED_WITH]-(o:Offender)
WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
RETURN o.id AS id
"""
_PEOPLE = """
UNWIND $ids AS id MATCH (o:Offender {id: id})
OPTIONAL MATCH (o)-[:USES]->(v:Vehicle)
RETURN o.id AS id, o.forename AS forename, o.surname AS surname,
       collect(v.vrm) AS plates ORDER BY id
"""
# Path ends an analyst would plausibly ask about: in-scope offenders two to four links away,
# through people, addresses and vehicles the principal may see past (no out-of-scope offender
# on the way; classification and share ceilings may still hide a path, as in real use).
_NEAR_OFFENDERS = """
MATCH (a:Offender {id: $id})
MATCH (a)((x)-[:ASSOCIATED_WITH|RESIDES_AT|USES]-(y)
  WHERE NOT y:Offender OR y.managingAgency = $agency OR EXISTS {
    MATCH (y)-[s:SHARED_WITH]->(:Agency {code: $agency})
    WHERE s.from <= $today AND (s.to IS NULL OR s.to >= $today)
  }){2,4}(b:Offender)
WHERE b <> a
WITH DISTINCT b LIMIT 40
RETURN b.id AS id ORDER BY id
"""


# Clues of the national searches: OFFICIAL current tattoos of offenders anywhere in the country
# who also have an OFFICIAL current vehicle link (what a witness saw), in a fixed order.
_NATIONAL_CLUES = """
MATCH (o:Offender)-[h:HAS_MARK]->(m:Mark)
WHERE m.type = 'TATTOO' AND h.classification = 'OFFICIAL' AND h.to IS NULL
MATCH (o)-[u:USES]->(v:Vehicle)
WHERE u.classification = 'OFFICIAL' AND u.to IS NULL
RETURN o.dob AS dob, m.type AS type, m.bodyPart AS bodyPart, m.side AS side,
       m.description AS description, v.vrm AS vrm
ORDER BY o.id, m.id, v.id LIMIT 2000
"""

#: Words of a mark's description a witness would not give as what it shows.
_NOT_WHAT_IT_SHOWS = frozenset(
    {"tattoo", "black", "blue", "green", "red", "ink", "colour", "coloured", "with", "left",
     "right", "centre", "horizontal", "vertical", "diagonal", "faded", "small", "large"}
)  # fmt: skip


@dataclass(frozen=True)
class Workload:
    """The principal and, per query, its seeded sequence of requests."""

    principal: Principal
    requests: dict[str, list[Request]]

    def of(self, query: BenchQuery) -> list[Request]:
        return self.requests[query.name]


def analyst(agency: str) -> Principal:
    """The benchmark's principal: an analyst of `agency`, cleared to SECRET."""
    return Principal(
        user_id="bench-analyst",
        agency=agency,
        roles=frozenset({Role.ANALYST}),
        clearance=Classification.SECRET,
        purpose="benchmark (synthetic data)",
    )


def national_searcher(principal: Principal) -> Principal:
    """The same analyst with NATIONAL_SEARCH too: the national search rows' principal."""
    return Principal(
        user_id="bench-national-searcher",
        agency=principal.agency,
        roles=principal.roles | {Role.NATIONAL_SEARCH},
        clearance=principal.clearance,
        purpose=principal.purpose,
    )


def biggest_agency(driver: neo4j.Driver, database: str) -> str:
    """The agency that manages the most offenders."""
    records, _, _ = driver.execute_query(_BIGGEST_AGENCY, database_=database)
    if not records:
        raise ValueError("the database holds no offenders; seed it first")
    return str(records[0]["agency"])


def build_workload(
    driver: neo4j.Driver,
    database: str,
    queries: tuple[BenchQuery, ...],
    principal: Principal,
    count: int,
    seed: int,
) -> Workload:
    """`count` requests per query, drawn by `random.Random(seed)` from the dataset."""
    today = dt.date.today()
    rng = random.Random(seed)
    records, _, _ = driver.execute_query(
        _IN_SCOPE, agency=principal.agency, today=today, database_=database
    )
    in_scope = sorted(r["id"] for r in records)
    if len(in_scope) < 2:
        raise ValueError(f"agency {principal.agency} has fewer than two offenders in scope")
    ids = [rng.choice(in_scope) for _ in range(count)]
    records, _, _ = driver.execute_query(_PEOPLE, ids=sorted(set(ids)), database_=database)
    people = {r["id"]: r.data() for r in records}
    names = [_misspelt(rng, people[i]["forename"], people[i]["surname"]) for i in ids]
    plates = _plate_patterns(rng, [p for i in ids for p in sorted(people[i]["plates"])], count)
    risk_filters = [rng.choice(RISK_FILTERS) for _ in range(count)]
    wanted = {q.name for q in queries}
    pairs = (
        _path_pairs(driver, database, principal, rng, ids, today)
        if "shortest_path" in wanted
        else []
    )
    iso_today = today.isoformat()
    clues = _national_clues(driver, database, rng, today, count) if _CLUED & wanted else []

    def make(query: BenchQuery, i: int) -> Request:
        name = query.name
        if name.startswith("offender_depth"):
            return Request(name, {"id": ids[i], "today": iso_today}, {"id": ids[i]})
        if name == "offenders_page":
            levels = list(risk_filters[i])
            return Request(
                name,
                {"agency": principal.agency, "riskLevels": levels},
                {"managingAgency": principal.agency, "riskLevels": levels},
            )
        if name == "search_offenders":
            return Request(name, {"name": names[i]}, {"lucene": lucene_name_query(names[i])})
        if name == "vehicles_plate":
            pattern = plates[i % len(plates)]
            return Request(
                name,
                {"vrm": pattern},
                {
                    "prefix": ukformats.vrm_pattern_prefix(pattern),
                    "regex": ukformats.vrm_pattern_regex(pattern),
                },
            )
        if name == "network_depth2":
            return Request(name, {"id": ids[i]}, {"id": ids[i]})
        if name == "shortest_path":
            start, end = pairs[i % len(pairs)]
            return Request(name, {"from": start, "to": end}, {"from": start, "to": end})
        if name == "identify":
            clue = clues[i]
            mark = {k: clue[k] for k in ("type", "bodyPart", "side")} | {"words": clue["text"]}
            variables = {
                "ageFrom": clue["age"] - 5, "ageTo": clue["age"] + 5, "marks": [mark],
                "vehicle": {"vrm": clue["vrm"]},
            }  # fmt: skip
            return Request(name, variables, {})
        if name.startswith("search_marks"):
            clue = clues[i]
            return Request(name, {k: clue[k] for k in ("type", "bodyPart", "text")}, {})
        if name.startswith("search_names"):
            return Request(name, {"name": names[i]}, {})
        raise ValueError(f"no inputs are drawn for query {name}")

    return Workload(principal, {q.name: [make(q, i) for i in range(count)] for q in queries})


#: The queries whose inputs are drawn from `_national_clues`.
_CLUED = frozenset({"identify", "search_marks", "search_marks_in_scope"})


def _national_clues(
    driver: neo4j.Driver, database: str, rng: random.Random, today: dt.date, count: int
) -> list[dict[str, Any]]:
    """`count` witness clues: a tattoo (type, part, side, a word of what it shows), a plate
    pattern of a vehicle the bearer uses, and the bearer's age today."""
    records, _, _ = driver.execute_query(_NATIONAL_CLUES, database_=database)
    if not records:
        raise ValueError("no offender has an OFFICIAL tattoo and vehicle; cannot draw clues")
    clues = []
    for _ in range(count):
        found = rng.choice(records)
        dob = found["dob"].to_native()
        age = today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))
        part = set(found["bodyPart"].split())
        words = [
            word for word in re.findall(r"[a-z]+", found["description"].lower())
            if len(word) >= 4 and word not in _NOT_WHAT_IT_SHOWS and word not in part
        ]  # fmt: skip
        plate = found["vrm"]
        pattern = f"{plate[:3]}? *"
        try:
            ukformats.vrm_pattern_regex(pattern)
        except ValueError:
            pattern = f"{plate[:4]}*"
        clues.append({
            "type": found["type"], "bodyPart": found["bodyPart"], "side": found["side"],
            "text": rng.choice(words) if words else None, "vrm": pattern, "age": age,
        })  # fmt: skip
    return clues


def _misspelt(rng: random.Random, forename: str, surname: str) -> str:
    """The full name, with one letter of a longer surname changed half the time (fuzzy search)."""
    if len(surname) >= 5 and rng.random() < 0.5:
        at = rng.randrange(1, len(surname) - 1)
        surname = surname[:at] + rng.choice(string.ascii_lowercase) + surname[at + 1 :]
    return f"{forename} {surname}"


def _plate_patterns(rng: random.Random, plates: list[str], count: int) -> list[str]:
    """Partial plates as an officer writes them: the first three characters, then `? *`."""
    patterns = []
    for plate in plates:
        pattern = f"{plate[:3]}? *"
        try:
            ukformats.vrm_pattern_regex(pattern)
        except ValueError:
            continue
        patterns.append(pattern)
    if not patterns:
        raise ValueError("the sampled offenders use no vehicles; cannot draw plate patterns")
    return [rng.choice(patterns) for _ in range(count)]


def _path_pairs(
    driver: neo4j.Driver,
    database: str,
    principal: Principal,
    rng: random.Random,
    ids: list[str],
    today: dt.date,
) -> list[tuple[str, str]]:
    """(from, to) pairs of in-scope offenders two to four links apart (by any links)."""
    pairs: list[tuple[str, str]] = []
    for start in ids[:MAX_PATH_STARTS]:
        try:
            records, _, _ = driver.execute_query(
                Query(_NEAR_OFFENDERS, timeout=5.0),
                id=start,
                agency=principal.agency,
                today=today,
                database_=database,
            )
        except ClientError:  # a hub too big to sample in time: draw another start
            continue
        near = [r["id"] for r in records]
        if near:
            pairs.append((start, rng.choice(near)))
    if not pairs:
        raise ValueError("no two in-scope offenders are linked; cannot draw shortestPath ends")
    return pairs


def principal_parameters(principal: Principal) -> dict[str, Any]:
    """What the raw statements need of the principal (the API derives the same from the token)."""
    return {
        "agency": principal.agency,
        "clearance": principal.clearance.rank,
        "rank": CLASSIFICATION_RANK,
    }
