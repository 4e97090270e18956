"""A share's ceiling caps everything reached through the shared offender (rule 2).

An outside review, holding an OFFICIAL share, read a SECRET address link of the offender's
associate (437 such facts in the demo data). Every node now carries its cap down the walk.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import CLASSIFICATION_RANK, Classification

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import neo4j

pytestmark = pytest.mark.usefixtures("tiny_graph")

WALK = """query ($id: ID!) { offender(id: $id) {
  associates(first: 100) { edges { classification person {
    ... on Associate { addresses(first: 100) { edges { classification address {
        residents(first: 100) { edges { classification } } } } }
      vehicles(first: 100) { edges { classification vehicle {
        users(first: 100) { edges { classification } } } } }
      associates(first: 100) { edges { classification } } }
    ... on Offender { addresses(first: 100) { edges { classification } } } } } }
  addresses(first: 100) { edges { classification address {
    residents(first: 100) { edges { classification person {
      ... on Associate { vehicles(first: 100) { edges { classification } } } } } } } } }
  marks(first: 100) { edges { classification mark { photos { id } } } }
} }"""


def classifications(value: Any) -> Iterator[str]:
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "classification" and isinstance(item, str):
                yield item
            else:
                yield from classifications(item)
    elif isinstance(value, list):
        for item in value:
            yield from classifications(item)


def shares_below_secret(driver: neo4j.Driver) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(
        "MATCH (o:Offender)-[s:SHARED_WITH]->(a:Agency) "
        "WHERE s.ceiling <> 'SECRET' AND s.from <= date() AND (s.to IS NULL OR s.to >= date()) "
        "AND NOT EXISTS { (o)-[t:SHARED_WITH]->(a) WHERE t <> s AND t.ceiling = 'SECRET' } "
        "RETURN o.id AS id, a.code AS agency, s.ceiling AS ceiling ORDER BY o.id LIMIT 25"
    )
    return [r.data() for r in records]


async def test_nothing_above_the_ceiling_is_reached_through_a_share(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    shares = shares_below_secret(driver)
    assert shares, "the tiny dataset has shares below SECRET"
    above = 0
    for share in shares:
        token = mint(share["agency"], clearance=Classification.SECRET)
        body = await graphql(WALK, {"id": share["id"]}, token=token)
        assert "errors" not in body, body
        ceiling = CLASSIFICATION_RANK[share["ceiling"]]
        seen = list(classifications(body["data"]))
        assert seen or body["data"]["offender"] is None
        above += sum(CLASSIFICATION_RANK[c] > ceiling for c in seen)
    assert above == 0
