"""The read API over the seeded tiny graph: every root field, nesting, paging, asOf, errors."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from graph_api.db import RoundTripCounter
from graph_api.domain import Classification, Role

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

pytestmark = pytest.mark.usefixtures("tiny_graph")


def rows(driver: neo4j.Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params)
    return [r.data() for r in records]


@pytest.fixture(scope="module")
def busy_offender(driver: neo4j.Driver) -> dict[str, Any]:
    """An offender at a shared address whose co-residents use vehicles (the nested walk)."""
    found = rows(
        driver,
        "MATCH (o:Offender)-[:RESIDES_AT]->(a:Address)<-[:RESIDES_AT]-(p:Person)-[:USES]->(v:Vehicle)"
        "<-[:USES]-(q:Person) WHERE o <> p AND q <> p "
        "RETURN o.id AS id, o.managingAgency AS agency ORDER BY o.id LIMIT 1",
    )
    assert found, (
        "the tiny dataset must contain the offender -> address -> resident -> vehicle walk"
    )
    return found[0]


NESTED = """
query($id: ID!) {
  offender(id: $id) {
    id surname managingAgency { code }
    addresses(first: 100) { totalCount edges { main from to classification address {
      postcode residents(first: 100) { totalCount edges { person {
        __typename
        ... on Offender { id vehicles(first: 100) { edges { role vehicle { vrm
            users(first: 100) { totalCount edges { person { __typename ... on Offender { id } ... on Associate { id } } } } } } } }
        ... on Associate { id vehicles(first: 100) { edges { vehicle { vrm
            users(first: 100) { totalCount edges { person { __typename ... on Offender { id } ... on Associate { id } } } } } } } }
      } } } } } }
  }
}
"""


async def test_nested_walk_in_one_round_trip(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    token = mint(busy_offender["agency"])
    await graphql(
        "{ agencies { code } }", token=token
    )  # identity's agency list, read once a minute
    with RoundTripCounter() as trips:
        body = await graphql(NESTED, {"id": busy_offender["id"]}, token=token)
    assert "errors" not in body, body
    offender = body["data"]["offender"]
    assert offender["id"] == busy_offender["id"]
    assert offender["managingAgency"]["code"] == busy_offender["agency"]
    users = [
        user
        for link in offender["addresses"]["edges"]
        for resident in link["address"]["residents"]["edges"]
        for vehicle in resident["person"].get("vehicles", {"edges": []})["edges"]
        for user in vehicle["vehicle"]["users"]["edges"]
    ]
    assert users, "the walk reaches other users of the residents' vehicles"
    # One round trip in all: the read writes the request's audit record in its own statement.
    assert (trips.reads, trips.writes) == (0, 1)


async def test_two_root_fields_are_two_round_trips(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    query = "query($id: ID!) { a: offender(id: $id) { id } b: offender(id: $id) { surname } }"
    await graphql("{ agencies { code } }", token=mint(busy_offender["agency"]))
    with RoundTripCounter() as trips:
        body = await graphql(
            query, {"id": busy_offender["id"]}, token=mint(busy_offender["agency"])
        )
    assert body["data"]["a"]["id"] == busy_offender["id"]
    assert trips.reads == 2
    assert trips.writes == 1  # one audit record per request


async def test_aliases_with_different_pages_are_answered_separately(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    query = """query($id: ID!) { offender(id: $id) {
        one: addresses(first: 1) { edges { cursor } pageInfo { hasNextPage endCursor } totalCount }
        all: addresses(first: 100) { edges { cursor } } } }"""
    body = await graphql(query, {"id": busy_offender["id"]}, token=mint(busy_offender["agency"]))
    one, every = body["data"]["offender"]["one"], body["data"]["offender"]["all"]
    assert len(one["edges"]) == 1
    assert len(every["edges"]) == one["totalCount"]
    assert one["pageInfo"]["hasNextPage"] == (one["totalCount"] > 1)


async def test_keyset_paging_walks_every_link_once(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    busiest = rows(
        driver,
        "MATCH (o:Offender)-[r:HAS_MARK|RESIDES_AT|USES|ASSOCIATED_WITH]-() "
        "WITH o, count(r) AS n ORDER BY n DESC LIMIT 1 RETURN o.id AS id, o.managingAgency AS agency",
    )[0]
    token = mint(busiest["agency"])
    query = """query($id: ID!, $after: String) { offender(id: $id) {
        addresses(first: 1, after: $after) { totalCount edges { cursor address { id } }
        pageInfo { hasNextPage endCursor } } } }"""
    seen, after = [], None
    for _ in range(50):
        body = await graphql(query, {"id": busiest["id"], "after": after}, token=token)
        page = body["data"]["offender"]["addresses"]
        seen += [edge["cursor"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == page["totalCount"]


async def test_as_of_returns_links_valid_on_that_date(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    moved = rows(
        driver,
        "MATCH (o:Offender)-[r:RESIDES_AT]->() WHERE r.to IS NOT NULL AND r.classification = 'OFFICIAL' "
        "RETURN o.id AS id, o.managingAgency AS agency, r.from AS day LIMIT 1",
    )[0]
    day = moved["day"].iso_format()
    expected = rows(
        driver,
        "MATCH (:Offender {id: $id})-[r:RESIDES_AT]->(a) "
        "WHERE r.from <= date($day) AND (r.to IS NULL OR r.to >= date($day)) RETURN a.id AS id",
        id=moved["id"], day=day,
    )  # fmt: skip
    query = """query($id: ID!, $day: Date) { offender(id: $id) {
        addresses(asOf: $day, first: 100) { edges { from to address { id } } } } }"""
    body = await graphql(query, {"id": moved["id"], "day": day}, token=mint(moved["agency"]))
    edges = body["data"]["offender"]["addresses"]["edges"]
    assert {e["address"]["id"] for e in edges} == {r["id"] for r in expected}
    assert all(e["from"] <= day and (e["to"] is None or e["to"] >= day) for e in edges)


async def test_unknown_ids_are_null_not_errors(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    body = await graphql(
        '{ offender(id: "off_nope") { id } node(id: "veh_nope") { id } x: node(id: "zzz") { id } }',
        token=mint("MET"),
    )
    assert "errors" not in body
    assert body["data"] == {"offender": None, "node": None, "x": None}


async def test_offenders_filters_and_orders_in_scope(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    agency = rows(
        driver,
        "MATCH (o:Offender) RETURN o.managingAgency AS a, count(*) AS n ORDER BY n DESC LIMIT 1",
    )[0]["a"]
    query = (
        """query($after: String) { offenders(filter: {managingAgency: "%s", riskLevels: [HIGH, VERY_HIGH]},
        orderBy: SURNAME, first: 5, after: $after) { totalCount edges { cursor node { id surname
        riskLevel managingAgency { code } } } pageInfo { hasNextPage endCursor } } }"""
        % agency
    )
    token = mint(agency)
    surnames, after, counts = [], None, set()
    while True:
        body = await graphql(query, {"after": after}, token=token)
        assert "errors" not in body, body
        page = body["data"]["offenders"]
        counts.add(page["totalCount"])
        for edge in page["edges"]:
            assert edge["node"]["riskLevel"] in {"HIGH", "VERY_HIGH"}
            assert edge["node"]["managingAgency"]["code"] == agency
            surnames.append(edge["node"]["surname"])
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    expected = rows(
        driver,
        "MATCH (o:Offender {managingAgency: $a}) WHERE o.riskLevel IN ['HIGH', 'VERY_HIGH'] "
        "RETURN o.surname AS s ORDER BY o.surname, o.id",
        a=agency,
    )
    assert surnames == [r["s"] for r in expected]
    assert counts == {len(expected)}


async def test_search_offenders_is_fuzzy_and_phonetic(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    target = rows(
        driver,
        "MATCH (o:Offender) WHERE size(o.surname) >= 5 AND size(o.forename) >= 4 "
        "RETURN o.id AS id, o.forename AS f, o.surname AS s, o.managingAgency AS a LIMIT 1",
    )[0]
    misspelt = target["f"][:-1] + ("y" if target["f"][-1] != "y" else "i")
    query = """query($name: String!) { searchOffenders(name: $name, first: 50) {
        edges { score nominal { __typename ... on Offender { id } } } } }"""
    body = await graphql(query, {"name": f"{misspelt} {target['s']}"}, token=mint(target["a"]))
    hits = body["data"]["searchOffenders"]["edges"]
    assert target["id"] in [h["nominal"].get("id") for h in hits]
    assert all(h["nominal"]["__typename"] == "Offender" for h in hits)  # no NATIONAL_SEARCH
    scores = [h["score"] for h in hits]
    assert scores == sorted(scores, reverse=True)


async def test_vehicles_by_partial_plate(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    used = rows(
        driver,
        "MATCH (o:Offender)-[r:USES {classification: 'OFFICIAL'}]->(v:Vehicle) WHERE size(v.vrm) = 7 "
        "RETURN v.vrm AS vrm, o.managingAgency AS a LIMIT 1",
    )[0]
    vrm = used["vrm"]
    pattern = vrm[:3].lower() + "? " + vrm[4] + "*"
    body = await graphql(
        "query($p: String!) { vehicles(vrm: $p, first: 100) { edges { node { vrm } } } }",
        {"p": pattern},
        token=mint(used["a"]),
    )
    assert "errors" not in body, body
    plates = [e["node"]["vrm"] for e in body["data"]["vehicles"]["edges"]]
    assert vrm in plates
    assert all(p.startswith(vrm[:3]) and p[4] == vrm[4] for p in plates)


async def test_addresses_near_and_marks(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    home = rows(
        driver,
        "MATCH (o:Offender)-[r:RESIDES_AT {classification: 'OFFICIAL'}]->(a:Address) "
        "WHERE r.to IS NULL AND a.location IS NOT NULL "
        "RETURN o.id AS id, o.managingAgency AS ag, a.postcode AS pc, "
        "a.location.latitude AS lat, a.location.longitude AS lon LIMIT 1",
    )[0]
    token = mint(home["ag"])
    body = await graphql(
        """query($pc: String!, $lat: Float!, $lon: Float!) {
          addresses(postcode: $pc) { edges { node { postcode residents { totalCount } } } }
          offendersNear(latitude: $lat, longitude: $lon, radiusMetres: 100) { distanceMetres offender { id } }
          searchMarks(type: TATTOO, first: 5) { edges { score mark { type description } bearer { ... on Offender { id } } } }
        }""",
        {"pc": home["pc"].lower().replace(" ", ""), "lat": home["lat"], "lon": home["lon"]},
        token=token,
    )
    assert "errors" not in body, body
    assert body["data"]["addresses"]["edges"][0]["node"]["postcode"] == home["pc"]
    assert home["id"] in [n["offender"]["id"] for n in body["data"]["offendersNear"]]
    assert all(h["mark"]["type"] == "TATTOO" for h in body["data"]["searchMarks"]["edges"])


async def test_network_path_and_common_associates(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    pair = rows(
        driver,
        "MATCH (a:Offender)-[r1:ASSOCIATED_WITH]-(p:Associate)-[r2:ASSOCIATED_WITH]-(b:Offender) "
        "WHERE a.managingAgency = b.managingAgency AND a <> b "
        "AND r1.classification = 'OFFICIAL' AND r2.classification = 'OFFICIAL' "
        "RETURN a.id AS a, b.id AS b, p.id AS p, a.managingAgency AS ag LIMIT 1",
    )[0]
    body = await graphql(
        """query($a: ID!, $b: ID!) {
          network(offenderId: $a, depth: 2) { nodes { __typename ... on Offender { id } ... on Associate { id } } edges { source target type } }
          shortestPath(fromId: $a, toId: $b, maxHops: 4) { length nodes { ... on Offender { id } } }
          commonAssociates(firstId: $a, secondId: $b) { ... on Associate { id } }
        }""",
        {"a": pair["a"], "b": pair["b"]},
        token=mint(pair["ag"]),
    )
    assert "errors" not in body, body
    data = body["data"]
    node_ids = {n.get("id") for n in data["network"]["nodes"]}
    assert {pair["a"], pair["p"], pair["b"]} <= node_ids
    assert data["shortestPath"]["length"] <= 2
    assert data["shortestPath"]["nodes"][0]["id"] == pair["a"]
    assert pair["p"] in [p.get("id") for p in data["commonAssociates"]]


BAD_ARGUMENTS = [
    ('{ network(offenderId: "off_0000001", depth: 4) { edges { type } } }', "depth"),
    (
        '{ shortestPath(fromId: "off_0000001", toId: "off_0000002", maxHops: 7) { length } }',
        "maxHops",
    ),
    (
        "{ offendersNear(latitude: 51.5, longitude: -0.1, radiusMetres: 50001) { distanceMetres } }",
        "radiusMetres",
    ),
    ("{ offenders(first: 101) { edges { cursor } } }", "first"),
    ('{ offender(id: "off_0000001") { addresses(first: 0) { totalCount } } }', "first"),
    ('{ vehicles(vrm: "ABCDEFGHJ") { edges { cursor } } }', "vrm"),
    ('{ vehicles(vrm: "A(B|C).*") { edges { cursor } } }', "vrm"),
    ('{ addresses(postcode: "not a postcode") { edges { cursor } } }', "postcode"),
    ('{ offenders(after: "bm90IGEgY3Vyc29y") { edges { cursor } } }', "after"),
    ('{ offender(id: "off_0000001") { addresses(after: "garbage") { totalCount } } }', "after"),
    ('{ offender(id: "off_0000001") { addresses(asOf: "2024-13-45") { totalCount } } }', "Date"),
    ('{ searchOffenders(name: "!!! ***") { edges { score } } }', "name"),
]


@pytest.mark.parametrize(("query", "named"), BAD_ARGUMENTS)
async def test_bad_arguments_are_bad_user_input(
    graphql: Callable[..., Any], mint: Callable[..., str], query: str, named: str
) -> None:
    body = await graphql(query, token=mint("MET"))
    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_USER_INPUT", error
    assert named in error["message"]


HOSTILE = [
    '") OR 1=1 //',
    "' MATCH (n) DETACH DELETE n //",
    "name:* OR surname:*",
    'smith~ AND NOT "x" \\ /regex/ [a TO z] {a TO z} ^4 +x -y && || !',
    "\\u0000\\\\'\"`",
    "*:*",
    "} RETURN 1 UNION MATCH (n) RETURN n //",
    "ñandú 𝕏 \u202e",
]


@pytest.mark.parametrize("text", HOSTILE)
async def test_hostile_search_text_is_data(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver, text: str
) -> None:
    before = rows(driver, "MATCH (n) RETURN count(n) AS n")[0]["n"]
    query = """query($t: String!) {
      a: searchOffenders(name: $t) { edges { score } }
      b: searchMarks(text: $t) { edges { score } }
      c: vehicles(vrm: $t) { edges { cursor } }
      d: addresses(postcode: $t) { edges { cursor } }
      e: offender(id: $t) { id }
      f: node(id: $t) { id }
    }"""
    body = await graphql(query, {"t": text}, token=mint("MET", roles=(Role.NATIONAL_SEARCH,)))
    for error in body.get("errors", []):
        assert error["extensions"]["code"] == "BAD_USER_INPUT", error
        assert "Cypher" not in error["message"]
        assert "Lucene" not in error["message"]
    assert rows(driver, "MATCH (n) RETURN count(n) AS n")[0]["n"] == before


async def test_reads_need_a_purpose(graphql: Callable[..., Any], mint: Callable[..., str]) -> None:
    body = await graphql('{ offender(id: "off_0000001") { id } }', token=mint("MET", purpose=None))
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "purpose" in body["errors"][0]["message"]


async def test_clearance_hides_secret_links(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    target = rows(
        driver,
        "MATCH (o:Offender)-[r:RESIDES_AT {classification: 'SECRET'}]->() "
        "RETURN o.id AS id, o.managingAgency AS a LIMIT 1",
    )[0]
    query = "query($id: ID!) { offender(id: $id) { addresses(first: 100) { edges { classification } } } }"
    low = await graphql(
        query, {"id": target["id"]}, token=mint(target["a"], clearance=Classification.OFFICIAL)
    )
    high = await graphql(query, {"id": target["id"]}, token=mint(target["a"]))
    low_classes = {e["classification"] for e in low["data"]["offender"]["addresses"]["edges"]}
    high_classes = {e["classification"] for e in high["data"]["offender"]["addresses"]["edges"]}
    assert low_classes <= {"OFFICIAL"}
    assert "SECRET" in high_classes


async def test_one_fragment_on_person_serves_offenders_and_associates(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    """`Person` declares the link lists offenders and associates share (issue 11)."""
    query = """
    fragment Lives on Person { id addresses(first: 3) { totalCount edges { address { id } } } }
    query ($id: ID!) { offender(id: $id) { ...Lives
      homes: addresses(first: 5) { edges { address { residents(first: 5) { edges { person {
        __typename ...Lives } } } } } } } }"""
    body = await graphql(query, {"id": busy_offender["id"]}, token=mint(busy_offender["agency"]))
    assert "errors" not in body, body
    offender = body["data"]["offender"]
    assert offender["id"] == busy_offender["id"]
    residents = [
        resident["person"]
        for edge in offender["homes"]["edges"]
        for resident in edge["address"]["residents"]["edges"]
    ]
    kinds = {person["__typename"] for person in residents}
    assert kinds & {"Offender", "Associate"}
    for person in residents:
        if person["__typename"] != "RestrictedNominal":
            assert person["addresses"]["totalCount"] >= 1


async def test_the_reported_aliased_documents_answer(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    """Each of these valid documents answered INTERNAL_SERVER_ERROR (issue 11)."""
    token = mint(busy_offender["agency"])
    me = await graphql("{ me { who: userId } }", token=token)
    assert me == {"data": {"me": {"who": "tester"}}}
    agencies = await graphql("{ agencies { c: code } }", token=token)
    assert {"c": busy_offender["agency"]} in agencies["data"]["agencies"]
    page = await graphql(
        "{ offenders(first: 2) { items: edges { node { ... on Offender { id } } } } }",
        token=token,
    )
    assert len(page["data"]["offenders"]["items"]) == 2
    twice = await graphql(
        """query ($id: ID!) { offender(id: $id) { t: __typename
            a: addresses(first: 1) { edges { cursor main } }
            b: addresses(asOf: "2020-01-01") { totalCount edges { address { __typename } } } } }""",
        {"id": busy_offender["id"]},
        token=token,
    )
    assert "errors" not in twice, twice
    answer = twice["data"]["offender"]
    assert answer["t"] == "Offender"
    assert len(answer["a"]["edges"]) == 1
    assert answer["b"]["totalCount"] == len(answer["b"]["edges"])


async def test_root_connections_count_every_match(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    """`totalCount` on a root connection counts what paging through it would give."""
    token = mint(busy_offender["agency"])
    seen: list[str] = []
    after = None
    total = None
    while True:
        body = await graphql(
            "query ($after: String) { offenders(first: 7, after: $after) { totalCount "
            "edges { node { id } } pageInfo { hasNextPage endCursor } } }",
            {"after": after},
            token=token,
        )
        assert "errors" not in body, body
        page = body["data"]["offenders"]
        total = page["totalCount"]
        seen += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert total == len(seen) == len(set(seen))
    plates = await graphql(
        '{ vehicles(vrm: "A*", first: 3) { n: totalCount edges { node { id } } } }', token=token
    )
    assert plates["data"]["vehicles"]["n"] >= len(plates["data"]["vehicles"]["edges"])


async def test_counts_of_nothing_and_aliased_points_answer(
    graphql: Callable[..., Any], mint: Callable[..., str], busy_offender: dict[str, Any]
) -> None:
    """Found by the generated proof: a root count of no match, and `location` sub-fields
    under aliases."""
    token = mint(busy_offender["agency"])
    none = await graphql(
        '{ vehicles(make: "No Such Make") { totalCount edges { cursor } } }', token=token
    )
    assert none == {"data": {"vehicles": {"totalCount": 0, "edges": []}}}
    points = await graphql(
        "query ($id: ID!) { offender(id: $id) { addresses(first: 3) { edges { address {"
        " location { lat: latitude longitude } } } } } }",
        {"id": busy_offender["id"]},
        token=token,
    )
    assert "errors" not in points, points
    located = [
        e["address"]["location"]
        for e in points["data"]["offender"]["addresses"]["edges"]
        if e["address"]["location"]
    ]
    assert all(set(point) == {"lat", "longitude"} for point in located)
