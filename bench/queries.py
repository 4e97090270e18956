"""The fixed query set: each logical question as our GraphQL document and as hand-written Cypher.

Every `BenchQuery` names one question an analyst asks (issue 3 and issue 6). The API answers it
from `document`; the raw target answers it from `bench/raw/<name>.cypher` through the driver,
under the same access policy for the same principal. `answer_ids` reduces either answer to the
set of ids it discloses, which is what the smoke check compares.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

RAW_DIR = Path(__file__).resolve().parent / "raw"


@dataclass(frozen=True)
class Request:
    """One request of a query: GraphQL variables and the raw statement's own parameters.

    Both are drawn together from the seeded sequence (`bench.workload`), so every target is
    asked exactly the same questions. The principal's parameters are added by each target.
    """

    query: str
    variables: dict[str, Any]
    parameters: dict[str, Any]


@dataclass(frozen=True)
class BenchQuery:
    """One logical question: its GraphQL document, root field and raw Cypher statement."""

    name: str
    title: str
    root_field: str
    document: str
    #: Issue 3's aim (API within 1.5x of raw Cypher) is for single-offender reads.
    single_offender: bool = False
    #: Answers compare as a path (length and ends), not as every id on it: two shortest paths
    #: of one length are equally right.
    is_path: bool = False
    #: Asked by the NATIONAL_SEARCH principal (the analyst with that role too), not the analyst.
    national: bool = False
    tags: tuple[str, ...] = field(default=())

    @property
    def has_raw(self) -> bool:
        """Whether a hand-written statement answers it (the national searches have none)."""
        return (RAW_DIR / f"{self.name}.cypher").exists()

    @cached_property
    def raw_cypher(self) -> str:
        """The hand-written statement, `bench/raw/<name>.cypher`."""
        return (RAW_DIR / f"{self.name}.cypher").read_text()

    def answer_ids(self, value: Any) -> frozenset[str]:
        """The ids an answer discloses (GraphQL `data[root]` or the raw records, alike).

        Every map with an `id` contributes it; every edge (`source`, `type`, `target`)
        contributes `source-TYPE->target`. A path contributes its length and ends only.
        """
        if self.is_path:
            return _path_ids(value)
        found: set[str] = set()
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                if isinstance(item.get("id"), str):
                    found.add(item["id"])
                if {"source", "target", "type"} <= item.keys():
                    found.add(f"{item['source']}-{item['type']}->{item['target']}")
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)
        return frozenset(found)


def _path_ids(value: Any) -> frozenset[str]:
    paths = [v for v in (value if isinstance(value, list) else [value]) if v]
    paths = [p.get("result", p) for p in paths]  # raw records carry the path as `result`
    if not paths:
        return frozenset({"no path"})
    path = paths[0]
    nodes = path["nodes"]
    return frozenset({f"length {path['length']}", nodes[0]["id"], nodes[-1]["id"]})


# --- documents -----------------------------------------------------------------------------------

_OFFENDER_SCALARS = """
    id forename surname dob gender pncId nominalType mappaCategory mappaLevel riskLevel
    managingAgency { code name }"""

_ADDRESS = "id line1 town postcode kind"

_VEHICLES = "vehicles(asOf: $today) { edges { role vehicle { id vrm make model colour } } }"

_NETWORK_NODE = """
    __typename
    ... on Offender { id surname riskLevel }
    ... on Associate { id surname }
    ... on Address { id postcode }
    ... on Vehicle { id vrm }
    ... on Mark { id type }
    ... on RestrictedNominal { id }"""

OFFENDER_DEPTH1 = f"""
query OffenderDepth1($id: ID!, $today: Date!) {{
  offender(id: $id) {{{_OFFENDER_SCALARS}
    addresses(asOf: $today) {{ edges {{ from main classification address {{ {_ADDRESS} }} }} }}
  }}
}}"""

OFFENDER_DEPTH2 = f"""
query OffenderDepth2($id: ID!, $today: Date!) {{
  offender(id: $id) {{{_OFFENDER_SCALARS}
    addresses(asOf: $today) {{ edges {{ from main classification address {{ {_ADDRESS}
      residents(asOf: $today) {{ edges {{ from person {{
        __typename
        ... on Offender {{ id forename surname riskLevel }}
        ... on Associate {{ id forename surname }}
      }} }} }}
    }} }} }}
  }}
}}"""

OFFENDER_DEPTH3 = f"""
query OffenderDepth3($id: ID!, $today: Date!) {{
  offender(id: $id) {{{_OFFENDER_SCALARS}
    addresses(asOf: $today) {{ edges {{ from main classification address {{ {_ADDRESS}
      residents(asOf: $today) {{ edges {{ from person {{
        __typename
        ... on Offender {{ id forename surname riskLevel {_VEHICLES} }}
        ... on Associate {{ id forename surname {_VEHICLES} }}
      }} }} }}
    }} }} }}
  }}
}}"""

OFFENDERS_PAGE = """
query OffendersPage($agency: String!, $riskLevels: [RiskLevel!]) {
  offenders(
    filter: {managingAgency: $agency, riskLevels: $riskLevels}, orderBy: SURNAME, first: 50
  ) {
    edges { node { id forename surname dob riskLevel mappaCategory mappaLevel } }
  }
}"""

SEARCH_OFFENDERS = """
query SearchOffenders($name: String!) {
  searchOffenders(name: $name, first: 20) {
    edges { score nominal { __typename ... on Offender { id forename surname dob } } }
  }
}"""

VEHICLES_PLATE = """
query VehiclesByPlate($vrm: String!) {
  vehicles(vrm: $vrm, first: 20) { edges { node { id vrm make model colour } } }
}"""

NETWORK_DEPTH2 = f"""
query Network($id: ID!) {{
  network(offenderId: $id, depth: 2) {{
    nodes {{{_NETWORK_NODE} }}
    edges {{ source target type }}
  }}
}}"""

SHORTEST_PATH = f"""
query ShortestPath($from: ID!, $to: ID!) {{
  shortestPath(fromId: $from, toId: $to, maxHops: 6) {{
    length
    nodes {{{_NETWORK_NODE} }}
    edges {{ source target type }}
  }}
}}"""

_BEARER = """
      __typename
      ... on Offender { id forename surname dob }
      ... on RestrictedNominal { id card { forename surname dob gender marks { description } } }"""

IDENTIFY = f"""
query Identify($ageFrom: Int, $ageTo: Int, $marks: [MarkClue!], $vehicle: VehicleClue) {{
  identify(ageFrom: $ageFrom, ageTo: $ageTo, marks: $marks, vehicle: $vehicle, first: 20) {{
    score reasons
    nominal {{{_BEARER} }}
  }}
}}"""

#: Asked by the national searcher (bearers out of scope answer cards) and, for the in-scope
#: time of the same search, by the analyst.
SEARCH_MARKS = f"""
query SearchMarks($type: MarkType, $bodyPart: String, $text: String) {{
  searchMarks(type: $type, bodyPart: $bodyPart, text: $text, first: 20) {{
    edges {{ score mark {{ id type bodyPart side description }} bearer {{{_BEARER} }} }}
  }}
}}"""

SEARCH_NAMES_CARDS = f"""
query SearchNames($name: String!) {{
  searchOffenders(name: $name, first: 20) {{
    edges {{ score nominal {{{_BEARER} }} }}
  }}
}}"""

QUERIES: tuple[BenchQuery, ...] = (
    BenchQuery(
        "offender_depth1", "offender(id), depth 1", "offender", OFFENDER_DEPTH1,
        single_offender=True,
    ),
    BenchQuery(
        "offender_depth2", "offender(id), depth 2", "offender", OFFENDER_DEPTH2,
        single_offender=True,
    ),
    BenchQuery(
        "offender_depth3", "offender(id), depth 3", "offender", OFFENDER_DEPTH3,
        single_offender=True,
    ),
    BenchQuery("offenders_page", "offenders, page of 50", "offenders", OFFENDERS_PAGE),
    BenchQuery("search_offenders", "searchOffenders (fuzzy)", "searchOffenders", SEARCH_OFFENDERS),
    BenchQuery("vehicles_plate", "vehicles (partial plate)", "vehicles", VEHICLES_PLATE),
    BenchQuery("network_depth2", "network, depth 2", "network", NETWORK_DEPTH2),
    BenchQuery(
        "shortest_path", "shortestPath (<= 6 hops)", "shortestPath", SHORTEST_PATH, is_path=True
    ),
    # National search (issue 10): witness enquiries and mark searches across the country.
    BenchQuery(
        "identify", "identify (mark, plate, age; national)", "identify", IDENTIFY, national=True
    ),
    BenchQuery(
        "search_marks", "searchMarks (national, cards)", "searchMarks", SEARCH_MARKS,
        national=True,
    ),
    BenchQuery(
        "search_marks_in_scope", "searchMarks (in scope only)", "searchMarks", SEARCH_MARKS
    ),
    BenchQuery(
        "search_names_cards", "searchOffenders (national, cards)", "searchOffenders",
        SEARCH_NAMES_CARDS, national=True,
    ),
    BenchQuery(
        "search_names_in_scope", "searchOffenders (in scope only)", "searchOffenders",
        SEARCH_NAMES_CARDS,
    ),
)  # fmt: skip

QUERIES_BY_NAME = {query.name: query for query in QUERIES}


def select(names: str | None) -> tuple[BenchQuery, ...]:
    """The queries named in a comma-separated list (all of them for None or empty).

    Raises:
        ValueError: for a name that is not in the query set.
    """
    if not names:
        return QUERIES
    chosen = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in chosen if name not in QUERIES_BY_NAME]
    if unknown:
        raise ValueError(
            f"unknown queries {', '.join(unknown)}; choose from {', '.join(QUERIES_BY_NAME)}"
        )
    return tuple(QUERIES_BY_NAME[name] for name in chosen)
