"""Trusted documents (issue 16): an app's documents taken by their SHA-256, optionally the only
ones run, and their statements planned before `/readyz` says ready."""

from __future__ import annotations

import asyncio
import datetime as dt
import hashlib
import json
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from events.support import AGENCY_CHANGES, receive, served, socket_to

from graph_api.app import create_app
from graph_api.settings import PROJECT_ROOT, Settings
from graph_api.trusted_documents import ManifestError, TrustedDocuments, document_id

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import neo4j

ME = "query Me { me { userId agency } }"
OFFENDERS = "query Page($first: Int!) { offenders(first: $first) { totalCount } }"
EXPLORER = PROJECT_ROOT / "web" / "dist" / "trusted-documents.json"


def manifest(directory: Path, *texts: str) -> Path:
    """A manifest as graphql-codegen writes it: bare hex SHA-256 keys."""
    path = directory / "trusted-documents.json"
    path.write_text(json.dumps({hashlib.sha256(t.encode()).hexdigest(): t for t in texts}))
    return path


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refusal(response: httpx.Response, status: int, code: str) -> str:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == code, error
    assert error["extensions"]["requestId"]
    return str(error["message"])


# --- the manifest -----------------------------------------------------------------------------


def test_a_manifest_entry_must_be_keyed_by_the_hash_of_its_text(tmp_path: Path) -> None:
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"0" * 64: ME}))
    with pytest.raises(ManifestError, match="not the SHA-256 of its text"):
        TrustedDocuments.from_settings(Settings(graph_api_trusted_documents=path))
    path.write_text("[1, 2]")
    with pytest.raises(ManifestError, match="not a JSON object"):
        TrustedDocuments.from_settings(Settings(graph_api_trusted_documents=path))
    path.write_text("{")
    with pytest.raises(ManifestError, match="cannot be read"):
        TrustedDocuments.from_settings(Settings(graph_api_trusted_documents=path))
    keyed = manifest(tmp_path, ME)
    trusted = TrustedDocuments.from_settings(Settings(graph_api_trusted_documents=keyed))
    assert dict(trusted.documents) == {document_id(ME): ME}


def test_only_trusted_documents_without_any_refuses_to_start(tmp_path: Path) -> None:
    missing = tmp_path / "none.json"
    own = Settings(graph_api_trusted_documents=missing, graph_api_trusted_documents_only=True)
    with pytest.raises(ManifestError, match="every request would be refused"):
        create_app(own)


# --- over HTTP --------------------------------------------------------------------------------


async def test_a_document_is_taken_by_its_id(
    serve: Callable[..., Any], mint: Callable[..., str], tmp_path: Path
) -> None:
    headers = bearer(mint("MET"))
    async with serve(graph_api_trusted_documents=manifest(tmp_path, ME, OFFENDERS)) as http:
        by_text = await http.post("/graphql", json={"query": ME}, headers=headers)
        by_id = await http.post("/graphql", json={"documentId": document_id(ME)}, headers=headers)
        page = await http.post(
            "/graphql",
            json={"documentId": document_id(OFFENDERS), "variables": {"first": 1}},
            headers=headers,
        )
        unknown = await http.post(
            "/graphql", json={"documentId": document_id(ME + " ")}, headers=headers
        )
        malformed = [
            await http.post("/graphql", json={"documentId": wrong}, headers=headers)
            for wrong in ("sha1:abc", "sha256:" + "A" * 64, 42, None)
        ]
        both = await http.post(
            "/graphql", json={"documentId": document_id(ME), "query": ME}, headers=headers
        )
        other = await http.post("/graphql", json={"query": "{ me { roles } }"}, headers=headers)
    assert by_id.status_code == 200
    assert by_id.json() == by_text.json() == {"data": {"me": {"userId": "tester", "agency": "MET"}}}
    assert page.json()["data"]["offenders"]["totalCount"] > 0
    assert "no trusted document has the id" in refusal(unknown, 400, "PERSISTED_DOCUMENT_NOT_FOUND")
    for response in malformed:
        assert "64 lower-case hex digits" in refusal(response, 400, "BAD_USER_INPUT")
    assert "not both" in refusal(both, 400, "BAD_USER_INPUT")
    assert other.json() == {"data": {"me": {"roles": ["ANALYST"]}}}  # texts still run


async def test_only_trusted_documents_run_when_so_configured(
    serve: Callable[..., Any], mint: Callable[..., str], tmp_path: Path
) -> None:
    headers = bearer(mint("MET"))
    only = {
        "graph_api_trusted_documents": manifest(tmp_path, ME),
        "graph_api_trusted_documents_only": True,
    }
    async with serve(**only) as http:
        by_id = await http.post("/graphql", json={"documentId": document_id(ME)}, headers=headers)
        as_text = await http.post("/graphql", json={"query": ME}, headers=headers)
        other = await http.post("/graphql", json={"query": "{ me { roles } }"}, headers=headers)
        unknown = await http.post(
            "/graphql", json={"documentId": document_id(OFFENDERS)}, headers=headers
        )
        nobody = await http.post("/graphql", json={"query": "{ me { roles } }"})
    assert by_id.json() == as_text.json() == {"data": {"me": {"userId": "tester", "agency": "MET"}}}
    assert "only its trusted documents" in refusal(other, 400, "PERSISTED_DOCUMENT_REQUIRED")
    assert "only its trusted documents" in refusal(unknown, 400, "PERSISTED_DOCUMENT_NOT_FOUND")
    refusal(nobody, 401, "UNAUTHENTICATED")  # identified first, as every request


# --- over a WebSocket -------------------------------------------------------------------------


async def test_a_subscription_by_id_and_only_trusted_ones_over_a_socket(
    settings: Settings, mint: Callable[..., str], tmp_path: Path
) -> None:
    only = {
        "graph_api_trusted_documents": manifest(tmp_path, AGENCY_CHANGES),
        "graph_api_trusted_documents_only": True,
    }
    async with served(settings, **only) as url, socket_to(url, mint("MET")) as ws:
        other = AGENCY_CHANGES.replace("cursor kind", "kind")
        for message_id, payload in (
            ("1", {"query": other, "variables": {}}),
            ("2", {"documentId": document_id(other), "variables": {}}),
        ):
            await ws.send(json.dumps({"id": message_id, "type": "subscribe", "payload": payload}))
            answer = await receive(ws)
            assert answer["type"] == "error", answer
            assert answer["id"] == message_id
            [error] = answer["payload"]
            assert error["extensions"]["code"] in {
                "PERSISTED_DOCUMENT_REQUIRED",
                "PERSISTED_DOCUMENT_NOT_FOUND",
            }
        subscribe = {"documentId": document_id(AGENCY_CHANGES), "variables": {}}
        await ws.send(json.dumps({"id": "3", "type": "subscribe", "payload": subscribe}))
        await ws.send(json.dumps({"id": "3", "type": "complete"}))
        # The socket is still open and served: a ping is answered.
        await ws.send(json.dumps({"type": "ping"}))
        assert (await receive(ws))["type"] in {"pong", "complete"}


# --- planned before anyone asks ---------------------------------------------------------------


def _explorer_documents() -> dict[str, str]:
    """The built explorer's document ids (make test builds it first), by operation name."""
    if not EXPLORER.is_file():
        pytest.fail("the explorer is not built: run `make web` (make test does)")
    own = Settings(graph_api_trusted_documents=EXPLORER)
    return TrustedDocuments.from_settings(own).by_operation()


async def test_the_explorer_statements_are_planned_before_ready_and_are_those_it_sends(
    settings: Settings,
    driver: neo4j.Driver,
    tiny_graph: dict[str, Any],
    mint: Callable[..., str],
) -> None:
    """Each statement the explorer's views send was declared by the rehearsal of its documents
    and planned before /readyz said ready; the rehearsal wrote nothing."""
    ids = _explorer_documents()
    [[offender]] = driver.execute_query(
        "MATCH (o:Offender {managingAgency: 'MET'}) RETURN o.id ORDER BY o.id LIMIT 1"
    ).records
    audits = "MATCH (a:AuditRecord) RETURN count(a) AS n"
    audit_count = driver.execute_query(audits).records[0]["n"]
    own = Settings(
        graph_api_jwt_secret=settings.graph_api_jwt_secret,
        neo4j_query_timeout_seconds=settings.neo4j_query_timeout_seconds,
    )
    app = create_app(own)
    database = app.state.database
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://api") as http,
    ):
        for _ in range(600):
            if (await http.get("/readyz")).status_code == 200:
                break
            await asyncio.sleep(0.1)
        declared = {shape.cypher for shape in database.plans.most_used(1_000)}
        assert len(declared) >= 15
        assert all(database.plans.is_planned(cypher) for cypher in declared)
        assert driver.execute_query(audits).records[0]["n"] == audit_count  # rolled back

        headers = bearer(mint("MET"))
        lists = ("marks", "addresses", "associates", "vehicles", "intelligence", "riskAssessments")
        views: list[tuple[str, dict[str, Any]]] = [
            ("Profile", {"id": offender, "today": dt.date.today().isoformat()}),
            *(
                (
                    "ProfilePage",
                    {"id": offender, "first": 20, **{other: other == name for other in lists}},
                )
                for name in lists
            ),
            (
                "Network",
                {"offenderId": offender, "depth": 1, "addresses": True, "associates": True}
                | {"vehicles": True, "marks": True},
            ),
            ("SearchNames", {"name": "smith", "first": 20}),
            ("SearchPlates", {"vrm": "AB*", "first": 20}),
            ("AccessRequests", {"first": 20}),
        ]
        for name, variables in views:
            response = await http.post(
                "/graphql", json={"documentId": ids[name], "variables": variables}, headers=headers
            )
            assert "errors" not in response.json(), (name, response.json())
        sent = {shape.cypher for shape in database.plans.most_used(1_000) if shape.uses}
    assert sent, "the views sent no statement"
    assert sent <= declared, f"{len(sent - declared)} statements sent were not declared"
