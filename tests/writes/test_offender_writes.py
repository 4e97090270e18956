"""createOffender, updateOffender, addAlias: the offender itself, its version and its names."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graph_api.domain import Role

from .support import CREATE, OWNER, error_code, offender_input, ok, rows

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

UPDATE = """
mutation ($input: UpdateOffenderInput!) {
  updateOffender(input: $input) { id version forename surname riskLevel mappaLevel }
}
"""
ALIAS = """
mutation ($id: ID!, $alias: String!) { addAlias(offenderId: $id, alias: $alias) { version aliases } }
"""


async def test_create_offender_is_managed_by_the_writer(
    graphql: Callable[..., Any], token: Callable[..., str], driver: neo4j.Driver
) -> None:
    data = ok(await graphql(CREATE, {"input": offender_input(surname="Quennell")}, token=token()))
    created = data["createOffender"]
    assert created["id"].startswith("off_")
    assert len(created["id"]) == 36
    assert created["version"] == 1
    assert created["managingAgency"]["code"] == OWNER
    [stored] = rows(
        driver,
        "MATCH (o:Person:Offender {id: $id})-[m:MANAGED_BY]->(a:Agency) "
        "RETURN o.nameKeys AS keys, m.to IS NULL AS current, a.code AS agency",
        id=created["id"],
    )
    assert stored == {"keys": stored["keys"], "current": True, "agency": OWNER}
    assert stored["keys"]  # phonetic keys, so name search finds the new offender
    found = ok(
        await graphql(
            '{ searchOffenders(name: "Quenel") { edges { nominal { ... on Offender { id } } } } }',
            token=token(),
        )
    )
    assert created["id"] in [e["nominal"].get("id") for e in found["searchOffenders"]["edges"]]


async def test_create_refuses_bad_input_naming_the_field(
    graphql: Callable[..., Any], token: Callable[..., str]
) -> None:
    cases = {
        "pncId": offender_input(pncId="12345"),
        "mappaCategory": offender_input(mappaCategory=7),
        "dob": offender_input(dob="2999-01-01"),
        "forename": offender_input(forename="  "),
    }
    for field, values in cases.items():
        body = await graphql(CREATE, {"input": values}, token=token())
        assert error_code(body) == "BAD_USER_INPUT", body
        assert field in body["errors"][0]["message"], body
    # Not a calendar date, not an enum value: refused before any resolver runs.
    for values in (offender_input(dob="2021-02-30"), offender_input(riskLevel="EXTREME")):
        body = await graphql(CREATE, {"input": values}, token=token())
        assert error_code(body) == "BAD_USER_INPUT", body


async def test_a_pnc_id_is_registered_once(
    graphql: Callable[..., Any], token: Callable[..., str]
) -> None:
    values = offender_input()
    ok(await graphql(CREATE, {"input": values}, token=token()))
    body = await graphql(CREATE, {"input": {**values, "surname": "Other"}}, token=token())
    assert error_code(body) == "CONFLICT"
    assert values["pncId"] in body["errors"][0]["message"]


async def test_update_bumps_the_version_and_a_stale_version_conflicts(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    first = ok(
        await graphql(
            UPDATE,
            {"input": {"id": offender["id"], "version": 1, "surname": "Renamed", "mappaLevel": 3}},
            token=token(),
        )
    )["updateOffender"]
    assert first == {
        "id": offender["id"], "version": 2, "forename": "Testy", "surname": "Renamed",
        "riskLevel": "MEDIUM", "mappaLevel": 3,
    }  # fmt: skip
    stale = await graphql(
        UPDATE, {"input": {"id": offender["id"], "version": 1, "riskLevel": "HIGH"}}, token=token()
    )
    assert error_code(stale) == "CONFLICT"
    assert stale["data"] is None
    again = ok(
        await graphql(
            UPDATE,
            {"input": {"id": offender["id"], "version": 2, "riskLevel": "HIGH"}},
            token=token(),
        )
    )
    assert again["updateOffender"]["version"] == 3
    assert again["updateOffender"]["riskLevel"] == "HIGH"


async def test_every_offender_write_bumps_the_version(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    data = ok(await graphql(ALIAS, {"id": offender["id"], "alias": "Tess Tee"}, token=token()))
    assert data["addAlias"] == {"version": 2, "aliases": ["Tess Tee"]}
    # A repeat changes nothing but is still a write.
    data = ok(await graphql(ALIAS, {"id": offender["id"], "alias": "Tess Tee"}, token=token()))
    assert data["addAlias"] == {"version": 3, "aliases": ["Tess Tee"]}
    stale = await graphql(
        UPDATE, {"input": {"id": offender["id"], "version": 1, "surname": "X"}}, token=token()
    )
    assert error_code(stale) == "CONFLICT"


async def test_an_alias_is_searchable_at_once(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    ok(await graphql(ALIAS, {"id": offender["id"], "alias": "Zebedee Ploughwright"}, token=token()))
    found = ok(
        await graphql(
            '{ searchOffenders(name: "Zebedee Plowright") { edges { nominal { ... on Offender { id } } } } }',
            token=token(),
        )
    )
    assert offender["id"] in [e["nominal"].get("id") for e in found["searchOffenders"]["edges"]]


async def test_roles_and_purpose(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    body = await graphql(CREATE, {"input": offender_input()}, token=token(OWNER, Role.ANALYST))
    assert error_code(body) == "FORBIDDEN"
    assert "OFFENDER_MANAGER or SUPERVISOR" in body["errors"][0]["message"]
    body = await graphql(CREATE, {"input": offender_input()}, token=token(purpose=None))
    assert error_code(body) == "BAD_USER_INPUT"
    assert "purpose" in body["errors"][0]["message"]
    supervisor = token(OWNER, Role.SUPERVISOR)
    ok(await graphql(CREATE, {"input": offender_input()}, token=supervisor))


async def test_unknown_offender_is_not_found(
    graphql: Callable[..., Any], token: Callable[..., str]
) -> None:
    body = await graphql(
        UPDATE, {"input": {"id": "off_" + "0" * 32, "version": 1, "surname": "X"}}, token=token()
    )
    assert error_code(body) == "NOT_FOUND"
