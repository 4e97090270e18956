"""ADMIN manages agencies; nobody else may. Only the owning agency's ADMIN touches others."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import Role

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

CREATE = """mutation($input: AgencyInput!) { createAgency(input: $input) { id code name kind region } }"""
UPDATE = """mutation($code: String!, $name: String) { updateAgency(code: $code, name: $name) { code name } }"""


@pytest.fixture
def code(driver: neo4j.Driver) -> Any:
    made = "T" + uuid.uuid4().hex[:8].upper()
    yield made
    driver.execute_query("MATCH (a:Agency {code: $code}) DETACH DELETE a", code=made)


async def test_admin_adds_and_renames_an_agency(
    graphql: Callable[..., Any], mint: Callable[..., str], code: str
) -> None:
    admin = mint("NCA", roles=(Role.ADMIN,))  # the register's owning agency (the default)
    created = await graphql(CREATE, {"input": {"code": code.lower(), "name": "Test Housing",
                                               "kind": "DUTY_TO_COOPERATE"}}, token=admin)  # fmt: skip
    assert created["data"]["createAgency"] == {
        "id": "agy_" + code.lower(), "code": code, "name": "Test Housing",
        "kind": "DUTY_TO_COOPERATE", "region": None,
    }  # fmt: skip
    again = await graphql(
        CREATE, {"input": {"code": code, "name": "X", "kind": "POLICE"}}, token=admin
    )
    assert again["errors"][0]["extensions"]["code"] == "CONFLICT"
    renamed = await graphql(UPDATE, {"code": code, "name": "Renamed"}, token=admin)
    assert renamed["data"]["updateAgency"] == {"code": code, "name": "Renamed"}
    missing = await graphql(UPDATE, {"code": "NOPE_" + code, "name": "x"}, token=admin)
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


@pytest.mark.parametrize("role", [Role.ANALYST, Role.SUPERVISOR, Role.NATIONAL_SEARCH])
async def test_only_admin_manages_agencies(
    graphql: Callable[..., Any], mint: Callable[..., str], code: str, role: Role
) -> None:
    body = await graphql(CREATE, {"input": {"code": code, "name": "X", "kind": "POLICE"}},
                         token=mint("MET", roles=(role,)))  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_bad_codes_are_refused(graphql: Callable[..., Any], mint: Callable[..., str]) -> None:
    body = await graphql(CREATE, {"input": {"code": "x; DROP", "name": "X", "kind": "POLICE"}},
                         token=mint("MET", roles=(Role.ADMIN,)))  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_an_admin_of_another_agency_keeps_to_its_own(
    graphql: Callable[..., Any], mint: Callable[..., str], code: str
) -> None:
    met_admin = mint("MET", roles=(Role.ADMIN,))
    body = await graphql(CREATE, {"input": {"code": code, "name": "X", "kind": "POLICE"}},
                         token=met_admin)  # fmt: skip
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    other = await graphql(UPDATE, {"code": "PS_NW", "name": "Renamed by MET"}, token=met_admin)
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    own = await graphql(UPDATE, {"code": "MET"}, token=met_admin)  # no change: name kept
    assert own["data"]["updateAgency"]["code"] == "MET"
