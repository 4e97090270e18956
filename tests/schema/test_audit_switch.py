"""GRAPH_API_AUDIT_ENABLED=false (benchmarks only) answers alike but writes no audit record."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from graph_api.app import create_app
from graph_api.db import RoundTripCounter

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

    from graph_api.settings import Settings

pytestmark = pytest.mark.usefixtures("tiny_graph")


async def test_audit_off_answers_without_a_record(
    settings: Settings, driver: neo4j.Driver, mint: Callable[..., Any]
) -> None:
    records, _, _ = driver.execute_query(
        "MATCH (o:Offender) RETURN o.id AS id, o.managingAgency AS agency ORDER BY o.id LIMIT 1"
    )
    offender = records[0].data()
    app = create_app(settings.model_copy(update={"graph_api_audit_enabled": False}))
    request_id = f"audit-off-{uuid.uuid4().hex}"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as http:
        response = await http.post(
            "/graphql",
            json={
                "query": "query($id: ID!) { offender(id: $id) { id } }",
                "variables": {"id": offender["id"]},
            },
            headers={
                "Authorization": f"Bearer {mint(offender['agency'])}",
                "X-Request-Id": request_id,
            },
        )
    await app.state.database.close()
    assert response.json() == {"data": {"offender": {"id": offender["id"]}}}
    written, _, _ = driver.execute_query(
        "MATCH (a:AuditRecord {correlationId: $rid}) RETURN count(a) AS n", rid=request_id
    )
    assert written[0]["n"] == 0


async def test_audit_off_applies_to_changes_too(
    settings: Settings, driver: neo4j.Driver, mint: Callable[..., Any]
) -> None:
    from writes.support import CREATE, delete_api_created, offender_input

    from graph_api.domain import Role

    app = create_app(settings.model_copy(update={"graph_api_audit_enabled": False}))
    request_id = f"audit-off-{uuid.uuid4().hex}"
    try:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://api"
        ) as http:
            response = await http.post(
                "/graphql",
                json={"query": CREATE, "variables": {"input": offender_input()}},
                headers={
                    "Authorization": f"Bearer {mint('MET', roles=(Role.OFFENDER_MANAGER,))}",
                    "X-Request-Id": request_id,
                },
            )
        assert "errors" not in response.json(), response.text
        written, _, _ = driver.execute_query(
            "MATCH (a:AuditRecord {correlationId: $rid}) RETURN count(a) AS n", rid=request_id
        )
        assert written[0]["n"] == 0
    finally:
        await app.state.database.close()
        delete_api_created(driver)


async def test_reads_can_be_kept_from_writing_their_own_record(
    settings: Settings, driver: neo4j.Driver, mint: Callable[..., Any]
) -> None:
    """GRAPH_API_AUDIT_IN_READ=0 (a cluster that keeps reads on its followers): a lone read
    is a read, and its record goes to the group commit after it."""
    records, _, _ = driver.execute_query(
        "MATCH (o:Offender) RETURN o.id AS id, o.managingAgency AS agency ORDER BY o.id LIMIT 1"
    )
    offender = records[0].data()
    app = create_app(settings.model_copy(update={"graph_api_audit_in_read": 0}))
    request_id = f"audit-in-read-off-{uuid.uuid4().hex}"
    token = mint(offender["agency"])
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://api"
    ) as http:
        ask = {"query": "{ agencies { code } }"}  # identity's agency list, then cached
        await http.post("/graphql", json=ask, headers={"Authorization": f"Bearer {token}"})
        with RoundTripCounter() as trips:
            response = await http.post(
                "/graphql",
                json={
                    "query": "query($id: ID!) { offender(id: $id) { id } }",
                    "variables": {"id": offender["id"]},
                },
                headers={"Authorization": f"Bearer {token}", "X-Request-Id": request_id},
            )
    await app.state.database.close()
    assert response.json() == {"data": {"offender": {"id": offender["id"]}}}
    assert (trips.reads, trips.writes) == (1, 1)
    written, _, _ = driver.execute_query(
        "MATCH (a:AuditRecord {correlationId: $rid}) RETURN a.offenderIds AS ids", rid=request_id
    )
    assert [r["ids"] for r in written] == [[offender["id"]]]
