"""The fact mutations: addresses, associates, vehicles, marks, intelligence, risk assessments.

Each fact is stamped with the writer's agency and classification, dates are validated, and
postcodes and plates are stored normalised.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from graph_api.domain import Role

from .support import OWNER, error_code, ok, rows

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

TODAY = dt.date.today()
DAY = dt.timedelta(days=1)

RECORD_ADDRESS = """
mutation ($input: RecordAddressInput!) {
  recordAddress(input: $input) {
    version
    addresses(first: 100) { edges { main from to agency classification
      address { id line1 postcode postcodeDistrict kind location { latitude longitude } } } }
  }
}
"""
LINK = """
mutation ($input: LinkAssociateInput!) {
  linkAssociate(input: $input) {
    associates(first: 100) { edges { type from to agency classification
      person { __typename ... on Associate { id forename surname } ... on Offender { id } } } }
  }
}
"""
VEHICLE = """
mutation ($input: RecordVehicleUseInput!) {
  recordVehicleUse(input: $input) {
    vehicles { edges { role from agency classification vehicle { id vrm make } } }
  }
}
"""


def address(postcode: str = "sw1a1aa", line1: str = "10 Test Street") -> dict[str, Any]:
    return {"line1": line1, "town": "London", "postcode": postcode, "kind": "HOUSEHOLD",
            "latitude": 51.501, "longitude": -0.142}  # fmt: skip


async def test_record_address_normalises_and_stamps(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    data = ok(
        await graphql(
            RECORD_ADDRESS,
            {"input": {"offenderId": offender["id"], "address": address(),
                       "from": "2024-01-10", "classification": "OFFICIAL_SENSITIVE"}},
            token=token(),
        )
    )["recordAddress"]  # fmt: skip
    assert data["version"] == 2
    [link] = data["addresses"]["edges"]
    assert link["main"] is True
    assert link["from"] == "2024-01-10"
    assert link["to"] is None
    assert link["agency"] == OWNER
    assert link["classification"] == "OFFICIAL_SENSITIVE"
    assert link["address"]["postcode"] == "SW1A 1AA"
    assert link["address"]["postcodeDistrict"] == "SW1A"
    assert link["address"]["location"] == {"latitude": 51.501, "longitude": -0.142}


async def test_a_new_main_address_ends_the_previous_one(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    first = {
        "offenderId": offender["id"],
        "address": address(line1="1 First Road"),
        "from": "2023-05-01",
    }
    ok(await graphql(RECORD_ADDRESS, {"input": first}, token=token()))
    second = {
        "offenderId": offender["id"],
        "address": address("M1 1AE", "2 Second Road"),
        "from": "2024-02-01",
    }
    data = ok(await graphql(RECORD_ADDRESS, {"input": second}, token=token()))["recordAddress"]
    ends = {e["address"]["line1"]: e["to"] for e in data["addresses"]["edges"]}
    assert ends == {"2 Second Road": None, "1 First Road": "2024-01-31"}
    # A main address that began before the current one is history: it needs its `to`.
    earlier = {**first, "address": address(line1="0 Old Lane"), "from": "2022-01-01"}
    body = await graphql(RECORD_ADDRESS, {"input": earlier}, token=token())
    assert error_code(body) == "BAD_USER_INPUT"
    assert "`from`" in body["errors"][0]["message"]
    ok(await graphql(RECORD_ADDRESS, {"input": {**earlier, "to": "2022-12-31"}}, token=token()))


async def test_the_same_address_is_reused_and_an_id_must_be_visible(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    one, two = await fresh(), await fresh()
    values = {"address": address("EC1A 1BB", "5 Shared Court"), "from": "2024-03-01"}
    data = ok(
        await graphql(RECORD_ADDRESS, {"input": {"offenderId": one["id"], **values}}, token=token())
    )
    [link] = data["recordAddress"]["addresses"]["edges"]
    lower = {**values, "address": address("ec1a1bb", "5 shared court")}
    data = ok(
        await graphql(RECORD_ADDRESS, {"input": {"offenderId": two["id"], **lower}}, token=token())
    )
    [again] = data["recordAddress"]["addresses"]["edges"]
    assert again["address"]["id"] == link["address"]["id"]
    by_id = {
        "offenderId": two["id"],
        "addressId": link["address"]["id"],
        "main": False,
        "from": "2024-04-01",
    }
    ok(await graphql(RECORD_ADDRESS, {"input": by_id}, token=token()))
    unknown = {**by_id, "addressId": "adr_" + "f" * 32}
    assert (
        error_code(await graphql(RECORD_ADDRESS, {"input": unknown}, token=token())) == "NOT_FOUND"
    )


async def test_address_input_is_validated(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    base = {"offenderId": offender["id"], "address": address(), "from": "2024-01-10"}
    cases = {
        "postcode": {**base, "address": address("NOT A CODE")},
        "after": {**base, "to": "2024-01-01"},
        "future": {**base, "from": (TODAY + DAY).isoformat()},
        "exactly one": {**base, "addressId": "adr_0000001"},
    }
    for words, values in cases.items():
        body = await graphql(RECORD_ADDRESS, {"input": values}, token=token())
        assert error_code(body) == "BAD_USER_INPUT", (words, body)
        assert words in body["errors"][0]["message"], (words, body)
    bad_kind = {**base, "address": {**address(), "kind": "CASTLE"}}
    assert (
        error_code(await graphql(RECORD_ADDRESS, {"input": bad_kind}, token=token()))
        == "BAD_USER_INPUT"
    )


async def test_end_address(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    data = ok(
        await graphql(
            RECORD_ADDRESS,
            {"input": {"offenderId": offender["id"], "address": address(), "from": "2024-01-10"}},
            token=token(),
        )
    )
    address_id = data["recordAddress"]["addresses"]["edges"][0]["address"]["id"]
    end = """mutation ($o: ID!, $a: ID!, $on: Date!) {
        endAddress(offenderId: $o, addressId: $a, on: $on) { addresses { edges { to } } } }"""
    before = await graphql(
        end, {"o": offender["id"], "a": address_id, "on": "2023-01-01"}, token=token()
    )
    assert error_code(before) == "BAD_USER_INPUT"
    data = ok(
        await graphql(
            end, {"o": offender["id"], "a": address_id, "on": "2024-06-30"}, token=token()
        )
    )
    assert data["endAddress"]["addresses"]["edges"] == [{"to": "2024-06-30"}]
    again = await graphql(
        end, {"o": offender["id"], "a": address_id, "on": "2024-07-30"}, token=token()
    )
    assert error_code(again) == "NOT_FOUND"  # no current residence there any more


async def test_link_a_new_associate_then_an_existing_person_and_end_it(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    one, two = await fresh(), await fresh()
    values = {"offenderId": one["id"], "type": "PARTNER", "from": "2022-08-01",
              "associate": {"forename": "Annie", "surname": "Assoc", "gender": "FEMALE"}}  # fmt: skip
    [link] = ok(await graphql(LINK, {"input": values}, token=token()))["linkAssociate"][
        "associates"
    ]["edges"]
    assert link["person"]["__typename"] == "Associate"
    assert link["person"]["surname"] == "Assoc"
    assert link["agency"] == OWNER
    assert link["classification"] == "OFFICIAL"
    associate_id = link["person"]["id"]
    # The associate, now visible to MET through `one`, can be linked to `two` by id; so can
    # `one` itself, an offender in scope.
    for person in (associate_id, one["id"]):
        values = {
            "offenderId": two["id"],
            "type": "FRIEND",
            "from": "2023-01-01",
            "personId": person,
        }
        ok(await graphql(LINK, {"input": values}, token=token()))
    end = """mutation ($o: ID!, $p: ID!) { endAssociation(offenderId: $o, personId: $p, on: "2024-01-01") {
        associates { edges { to person { ... on Associate { id } } } } } }"""
    data = ok(await graphql(end, {"o": one["id"], "p": associate_id}, token=token()))
    edges = data["endAssociation"]["associates"]["edges"]
    assert {"to": "2024-01-01", "person": {"id": associate_id}} in edges
    assert {"to": None, "person": {}} in edges  # `two`, an offender, still current
    self_link = {
        "offenderId": one["id"],
        "type": "FRIEND",
        "from": "2023-01-01",
        "personId": one["id"],
    }
    assert error_code(await graphql(LINK, {"input": self_link}, token=token())) == "BAD_USER_INPUT"


async def test_an_unseen_person_cannot_be_linked_by_id(
    graphql: Callable[..., Any],
    token: Callable[..., str],
    fresh: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:
    offender = await fresh()
    # An associate of the tiny graph known only to offenders outside MET's scope.
    [unseen] = rows(
        driver,
        "MATCH (p:Associate) WHERE NOT EXISTS { MATCH (p)-[:ASSOCIATED_WITH]-(o:Offender) "
        "WHERE o.managingAgency = $agency OR EXISTS { (o)-[:SHARED_WITH]->(:Agency {code: $agency}) } } "
        "RETURN p.id AS id ORDER BY p.id LIMIT 1",
        agency=OWNER,
    )
    values = {
        "offenderId": offender["id"],
        "type": "FRIEND",
        "from": "2023-01-01",
        "personId": unseen["id"],
    }
    assert error_code(await graphql(LINK, {"input": values}, token=token())) == "NOT_FOUND"


async def test_record_vehicle_use_normalises_the_plate(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    values = {"offenderId": offender["id"], "role": "DRIVER", "from": "2024-02-02",
              "vehicle": {"vrm": "zz71 qxj", "make": "Ford", "model": "Focus", "colour": "Blue"}}  # fmt: skip
    [use] = ok(await graphql(VEHICLE, {"input": values}, token=token()))["recordVehicleUse"][
        "vehicles"
    ]["edges"]
    assert use["vehicle"]["vrm"] == "ZZ71QXJ"
    assert use["role"] == "DRIVER"
    assert use["agency"] == OWNER
    other = await fresh()
    again = {**values, "offenderId": other["id"], "role": "KEEPER"}
    [same] = ok(await graphql(VEHICLE, {"input": again}, token=token()))["recordVehicleUse"][
        "vehicles"
    ]["edges"]
    assert same["vehicle"]["id"] == use["vehicle"]["id"]  # one vehicle, two users
    bad = {**values, "vehicle": {**values["vehicle"], "vrm": "NOT-A-PLATE"}}
    body = await graphql(VEHICLE, {"input": bad}, token=token())
    assert error_code(body) == "BAD_USER_INPUT"
    assert "vrm" in body["errors"][0]["message"]


async def test_add_mark_and_find_it(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    mark = """mutation ($input: AddMarkInput!) { addMark(input: $input) {
        marks { edges { from agency mark { id type bodyPart side description } } } } }"""
    values = {"offenderId": offender["id"], "type": "TATTOO", "bodyPart": "Forearm", "side": "LEFT",
              "description": "coiled quokkasaurus with a crown", "from": "2024-05-05"}  # fmt: skip
    [link] = ok(await graphql(mark, {"input": values}, token=token()))["addMark"]["marks"]["edges"]
    assert link["mark"]["bodyPart"] == "forearm"
    assert link["agency"] == OWNER
    found = ok(
        await graphql(
            '{ searchMarks(text: "quokkasaurus") { edges { bearer { ... on Offender { id } } } } }',
            token=token(),
        )
    )
    assert [e["bearer"]["id"] for e in found["searchMarks"]["edges"]] == [offender["id"]]
    body = await graphql(mark, {"input": {**values, "bodyPart": "forearm; DROP"}}, token=token())
    assert error_code(body) == "BAD_USER_INPUT"
    assert "bodyPart" in body["errors"][0]["message"]
    # Stored as the vocabulary names it, so a search for "forearm" (or "arm") finds it.
    said = {**values, "bodyPart": "Left lower arms", "description": "a koi"}
    del said["side"]
    written = ok(await graphql(mark, {"input": said}, token=token()))["addMark"]["marks"]["edges"]
    koi = next(e["mark"] for e in written if e["mark"]["description"] == "a koi")
    assert (koi["bodyPart"], koi["side"]) == ("forearm", "LEFT")


async def test_add_intelligence_grading(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    intel = """mutation ($input: AddIntelligenceInput!) { addIntelligence(input: $input) {
        intelligence { edges { from agency classification intelligence {
          text source information handling conditions reviewOn recordedOn } } } } }"""
    review = (TODAY + 90 * DAY).isoformat()
    values = {"offenderId": offender["id"], "text": "Seen at the depot.", "source": 2,
              "information": "B", "handling": "C", "conditions": "Not to be shared with housing.",
              "reviewOn": review, "classification": "SECRET"}  # fmt: skip
    analyst = token(OWNER, Role.ANALYST)
    [link] = ok(await graphql(intel, {"input": values}, token=analyst))["addIntelligence"][
        "intelligence"
    ]["edges"]
    assert link["intelligence"] == {
        "text": "Seen at the depot.", "source": 2, "information": "B", "handling": "C",
        "conditions": "Not to be shared with housing.", "reviewOn": review,
        "recordedOn": TODAY.isoformat(),
    }  # fmt: skip
    assert link["classification"] == "SECRET"
    assert link["from"] == TODAY.isoformat()
    cases = {
        "conditions": {**values, "conditions": None},
        "source": {**values, "source": 4},
        "reviewOn": {**values, "reviewOn": (TODAY - DAY).isoformat()},
    }
    for field, bad in cases.items():
        body = await graphql(intel, {"input": bad}, token=analyst)
        assert error_code(body) == "BAD_USER_INPUT", body
        assert field in body["errors"][0]["message"], body
    graded_f = {**values, "information": "F"}
    assert error_code(await graphql(intel, {"input": graded_f}, token=analyst)) == "BAD_USER_INPUT"


async def test_a_risk_assessment_sets_the_current_level_unless_older(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh(riskLevel="LOW")
    assess = """mutation ($input: AddRiskAssessmentInput!) { addRiskAssessment(input: $input) {
        riskLevel riskAssessments { totalCount edges { from assessment { tool level assessedOn nextReviewOn } } } } }"""
    values = {"offenderId": offender["id"], "tool": "OASYS", "level": "HIGH",
              "assessedOn": "2024-06-01", "nextReviewOn": "2025-06-01"}  # fmt: skip
    data = ok(await graphql(assess, {"input": values}, token=token()))["addRiskAssessment"]
    assert data["riskLevel"] == "HIGH"
    older = {
        **values,
        "tool": "RM2000",
        "level": "LOW",
        "assessedOn": "2023-01-01",
        "nextReviewOn": "2024-01-01",
    }
    data = ok(await graphql(assess, {"input": older}, token=token()))["addRiskAssessment"]
    assert data["riskLevel"] == "HIGH"  # an older assessment does not overrule the newer
    assert data["riskAssessments"]["totalCount"] == 2
    backwards = {**values, "nextReviewOn": "2024-05-01"}
    body = await graphql(assess, {"input": backwards}, token=token())
    assert error_code(body) == "BAD_USER_INPUT"
    assert "nextReviewOn" in body["errors"][0]["message"]
