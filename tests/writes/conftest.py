"""Fixtures of the write API tests: writers' tokens, fresh offenders, cleanup.

Every test writes only to offenders it creates (ids `off_` + 32 hex, unlike the seeded
`off_0000042`), and each module deletes everything the API created when it ends, so the tiny
dataset other tests rely on stays exactly as generated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import Classification, Role

from .support import CREATE, OWNER, delete_api_created, offender_input

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    import neo4j


@pytest.fixture(scope="module", autouse=True)
def _leave_the_tiny_graph_as_generated(
    driver: neo4j.Driver, tiny_graph: dict[str, Any]
) -> Iterator[None]:
    del tiny_graph
    yield
    delete_api_created(driver)


@pytest.fixture(scope="session")
def token(mint: Callable[..., str]) -> Callable[..., str]:
    """token(agency=OWNER, *roles, clearance=SECRET, user=...): a writer's token."""

    def _token(
        agency: str = OWNER,
        *roles: Role,
        clearance: Classification = Classification.SECRET,
        user: str = "writer",
        purpose: str | None = "write test",
    ) -> str:
        return mint(
            agency,
            roles=roles or (Role.OFFENDER_MANAGER,),
            clearance=clearance,
            user=user,
            purpose=purpose,
        )

    return _token


@pytest.fixture
def fresh(graphql: Callable[..., Any], token: Callable[..., str]) -> Callable[..., Any]:
    """await fresh(agency=OWNER, **input) -> a new offender {id, version, ...} it manages."""

    async def _fresh(agency: str = OWNER, **overrides: Any) -> dict[str, Any]:
        body = await graphql(CREATE, {"input": offender_input(**overrides)}, token=token(agency))
        assert "errors" not in body, body
        created: dict[str, Any] = body["data"]["createOffender"]
        return created

    return _fresh
