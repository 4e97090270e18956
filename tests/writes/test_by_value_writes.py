"""An address or vehicle given by value matches only what the writer can already see (rule 3).

An outside review recorded another agency's plate and postcode by value: the write attached
to the existing node and the writer then read its make, model and colour, its town, and the
names of the people recorded there by other agencies. Now such a write makes a new node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .support import OWNER, rows

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

#: Offenders in the writer's (OWNER's) scope by any share, ever: a node linked to none of them
#: is certainly invisible to the writer.
_UNSEEN = """
  NOT EXISTS { MATCH (n)-[]-(x:Offender) WHERE x.managingAgency = $agency
               OR EXISTS { (x)-[:SHARED_WITH]->(:Agency {code: $agency}) } }
"""

VEHICLE_USE = """
mutation ($input: RecordVehicleUseInput!) { recordVehicleUse(input: $input) {
  vehicles { edges { vehicle { id vrm make model colour
    users { edges { person { __typename ... on Offender { id surname } ... on Associate { id surname } } } } } } } } }
"""
ADDRESS = """
mutation ($input: RecordAddressInput!) { recordAddress(input: $input) {
  addresses { edges { address { id postcode line1 town
    residents { edges { person { __typename ... on Offender { id surname } ... on Associate { id surname } } } } } } } } }
"""


def _unseen(driver: neo4j.Driver, label: str, fields: str) -> dict[str, Any]:
    found = rows(
        driver,
        f"MATCH (n:{label}) WHERE {_UNSEEN} AND EXISTS {{ (n)-[]-(:Person) }} "
        f"RETURN n {{{fields}}} AS n ORDER BY n.id LIMIT 1",
        agency=OWNER,
    )
    assert found, f"the tiny dataset has a {label} the writer cannot see"
    unseen: dict[str, Any] = found[0]["n"]
    return unseen


async def test_another_agencys_vehicle_is_not_matched_by_plate(
    graphql: Callable[..., Any],
    token: Callable[..., str],
    fresh: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:
    theirs = _unseen(driver, "Vehicle", ".id, .vrm, .make, .model, .colour")
    offender = await fresh()
    given = {"vrm": theirs["vrm"], "make": "Testmake", "model": "Testmodel", "colour": "Teal"}
    body = await graphql(
        VEHICLE_USE,
        {"input": {"offenderId": offender["id"], "vehicle": given, "role": "DRIVER",
                   "from": "2024-01-01"}},
        token=token(),
    )  # fmt: skip
    assert "errors" not in body, body
    [edge] = body["data"]["recordVehicleUse"]["vehicles"]["edges"]
    vehicle = edge["vehicle"]
    assert vehicle["id"] != theirs["id"]
    assert (vehicle["make"], vehicle["model"], vehicle["colour"]) == (
        "Testmake",
        "Testmodel",
        "Teal",
    )
    assert [u["person"]["id"] for u in vehicle["users"]["edges"]] == [offender["id"]]


async def test_another_agencys_address_is_not_matched_by_postcode_and_line(
    graphql: Callable[..., Any],
    token: Callable[..., str],
    fresh: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:
    theirs = _unseen(driver, "Address", ".id, .postcode, .line1, .town")
    offender = await fresh()
    given = {"line1": theirs["line1"], "town": "Testtown", "postcode": theirs["postcode"]}
    body = await graphql(
        ADDRESS,
        {"input": {"offenderId": offender["id"], "address": given, "from": "2024-01-01"}},
        token=token(),
    )
    assert "errors" not in body, body
    [edge] = body["data"]["recordAddress"]["addresses"]["edges"]
    address = edge["address"]
    assert address["id"] != theirs["id"]
    assert address["town"] == "Testtown"
    assert [r["person"]["id"] for r in address["residents"]["edges"]] == [offender["id"]]


async def test_a_vehicle_the_writer_can_see_is_reused(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    first, second = await fresh(), await fresh()
    given = {"vrm": "TE57 ABC", "make": "Ford", "model": "Transit", "colour": "White"}
    ids = []
    for offender in (first, second):
        body = await graphql(
            VEHICLE_USE,
            {"input": {"offenderId": offender["id"], "vehicle": given, "role": "KEEPER",
                       "from": "2024-01-01"}},
            token=token(),
        )  # fmt: skip
        assert "errors" not in body, body
        ids.append(body["data"]["recordVehicleUse"]["vehicles"]["edges"][0]["vehicle"]["id"])
    assert ids[0] == ids[1]
