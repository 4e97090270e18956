"""What the speed work caches must never change an answer.

Documents are parsed, validated, costed and grouped once per text; planned maps are completed in
one pass. Each test sends one document again with other variables (or completes one value both
ways) and checks the answer is what an uncached, field-by-field execution gives.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
import strawberry

from graph_api.schema.completion import PlannedExecutor
from graph_api.schema.planned import answer_from_plans

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

pytestmark = pytest.mark.usefixtures("tiny_graph")


def _offenders(driver: neo4j.Driver, count: int) -> list[dict[str, Any]]:
    """Offenders of one managing agency that have at least one address."""
    records, _, _ = driver.execute_query(
        "MATCH (o:Offender)-[:RESIDES_AT]->(:Address) WITH o.managingAgency AS agency, "
        "collect(DISTINCT o.id) AS ids WHERE size(ids) >= $count "
        "RETURN agency, ids[..$count] AS ids ORDER BY size(ids) DESC, agency LIMIT 1",
        {"count": count},
    )
    return [{"agency": records[0]["agency"], "id": i} for i in records[0]["ids"]]


ONE = """
query($id: ID!) { offender(id: $id) { id surname addresses(first: 5) { edges {
  address { postcode } } } } }
"""


async def test_one_document_other_ids(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    first, second = _offenders(driver, 2)
    token = mint(first["agency"])
    answers = [
        (await graphql(ONE, {"id": offender["id"]}, token=token))["data"]["offender"]
        for offender in (first, second, first)
    ]
    assert [a["id"] for a in answers] == [first["id"], second["id"], first["id"]]
    assert answers[0] == answers[2]


NESTED_PAGE = """
query($id: ID!, $n: Int!) { offender(id: $id) { id addresses(first: $n) { edges { from } } } }
"""


async def test_variables_below_the_root_follow_each_request(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    records, _, _ = driver.execute_query(
        "MATCH (o:Offender)-[:RESIDES_AT]->(a:Address) WITH o, count(a) AS addresses "
        "WHERE addresses >= 2 RETURN o.id AS id, o.managingAgency AS agency ORDER BY id LIMIT 1"
    )
    offender = records[0]
    token = mint(offender["agency"])
    sizes = []
    for n in (1, 2, 1):
        body = await graphql(NESTED_PAGE, {"id": offender["id"], "n": n}, token=token)
        sizes.append(len(body["data"]["offender"]["addresses"]["edges"]))
    assert sizes == [1, 2, 1]


WITH_DIRECTIVES = """
query($id: ID!, $withAddresses: Boolean!) { offender(id: $id) {
  id
  addresses(first: 5) @include(if: $withAddresses) { edges { address { postcode } } }
  surname @skip(if: $withAddresses)
} }
"""


async def test_directives_follow_each_request(
    graphql: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    (offender,) = _offenders(driver, 1)
    token = mint(offender["agency"])
    for flag in (True, False, True):
        body = await graphql(
            WITH_DIRECTIVES, {"id": offender["id"], "withAddresses": flag}, token=token
        )
        answer = body["data"]["offender"]
        assert ("addresses" in answer) is flag, body
        assert ("surname" in answer) is not flag, body


PAGED = "query($n: Int!) { offenders(first: $n) { edges { node { addresses { totalCount } } } } }"


async def test_cost_follows_the_page_sizes_of_each_request(
    serve: Callable[..., Any], mint: Callable[..., str], driver: neo4j.Driver
) -> None:
    (offender,) = _offenders(driver, 1)
    headers = {"Authorization": f"Bearer {mint(offender['agency'])}"}
    codes = []
    async with serve(graph_api_max_cost=41) as http:
        for size in (41, 40, 41, 1):  # costs 1 + size
            response = await http.post(
                "/graphql", json={"query": PAGED, "variables": {"n": size}}, headers=headers
            )
            body = response.json()
            codes.append(body["errors"][0]["extensions"]["code"] if body.get("errors") else "ok")
    assert codes == ["LIMIT_EXCEEDED", "ok", "LIMIT_EXCEEDED", "ok"]


# --- one-pass completion against graphql-core's own, on a schema of planned maps ------------


@strawberry.type
class Leaf:
    name: str
    size: int | None


@strawberry.interface
class Thing:
    id: strawberry.ID


@strawberry.type
class Box(Thing):
    label: str
    leaves: list[Leaf]
    inner: Thing | None


@strawberry.type
class Ball(Thing):
    colour: str


VALUE: dict[str, Any] = {}


@strawberry.type
class Root:
    @strawberry.field
    def thing(self) -> Thing | None:
        return VALUE  # type: ignore[return-value]  # a planned map


DOCUMENT = """{ thing { __typename id ... on Box { label leaves { name size }
  inner { id ... on Ball { colour } } } ... on Ball { colour } } }"""

GOOD_BOX = {
    "__typename": "Box", "id": "b1", "label": "x", "leaves": [{"name": "a", "size": None}],
    "inner": {"__typename": "Ball", "id": "c1", "colour": "red"},
}  # fmt: skip


@pytest.mark.parametrize(
    "value",
    [
        GOOD_BOX,
        {"__typename": "Ball", "id": "c2", "colour": "blue"},
        None,
        {**GOOD_BOX, "label": None},  # null at a non-null field
        {**GOOD_BOX, "leaves": [{"name": None, "size": 1}]},  # null inside a list
        {**GOOD_BOX, "inner": {"__typename": "Nope", "id": "z"}},  # unknown type
        {**GOOD_BOX, "leaves": [{"name": "a", "size": "not a number"}]},  # bad scalar
        {**GOOD_BOX, "leaves": "not a list"},
    ],
    ids=["box", "ball", "null", "null-field", "null-in-list", "bad-type", "bad-int", "bad-list"],
)
async def test_one_pass_completion_matches_graphql_core(value: dict[str, Any] | None) -> None:
    VALUE.clear()
    VALUE.update(value or {})
    answers = []
    for executor in (None, PlannedExecutor):
        schema = strawberry.Schema(query=Root, types=[Box, Ball], execution_context_class=executor)
        answer_from_plans(schema._schema, roots={"Root"})
        if value is None:
            schema._schema.query_type.fields["thing"].resolve = lambda *_: None  # type: ignore[union-attr]
        result = await schema.execute(DOCUMENT)
        answers.append(
            (result.data, sorted((e.message, tuple(e.path or ())) for e in result.errors or []))
        )
    assert answers[0] == answers[1]
