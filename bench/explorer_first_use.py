"""The explorer's views on a database that has planned nothing (issue 16): what their first user
waits, with the trusted documents' statements planned before `/readyz` says ready and without.

`graph-api bench --explorer-first-use` runs two rounds. Each empties Neo4j's plan cache
(`db.clearQueryCaches()`: a restarted database, on a warm JVM), starts `graph-api serve`
(production mode, audit on) and times how long `/readyz` takes to say ready; then it opens the
explorer's views one request at a time, by `documentId` as the explorer does (a profile, each of
its six lists, the network, a name search, a plate search, the access requests), each once
(first use) and again (warm). The first round has the built explorer's trusted documents
(`GRAPH_API_TRUSTED_DOCUMENTS`, planned at start) and sends them by `documentId`, as the
explorer does; the second has none and sends the same texts.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from bench.http_client import LeanClient
from bench.targets import api_server, write_result
from graph_api.db import open_sync_driver
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token
from graph_api.settings import PROJECT_ROOT, Settings
from graph_api.trusted_documents import TrustedDocuments

if TYPE_CHECKING:
    from collections.abc import Callable


MANIFEST = PROJECT_ROOT / "web" / "dist" / "trusted-documents.json"
_LISTS = ("marks", "addresses", "associates", "vehicles", "intelligence", "riskAssessments")


def _views(offender: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(label, operation, variables) of each view, as the explorer sends them."""
    today = dt.date.today().isoformat()
    return [
        ("profile", "Profile", {"id": offender, "today": today}),
        *(
            (f"profile: {name}", "ProfilePage",
             {"id": offender, "first": 20, **{other: other == name for other in _LISTS}})
            for name in _LISTS
        ),
        ("network", "Network", {"offenderId": offender, "depth": 1, "addresses": True,
                                "associates": True, "vehicles": True, "marks": True}),
        ("name search", "SearchNames", {"name": "smith", "first": 20}),
        ("plate search", "SearchPlates", {"vrm": "AB1*", "first": 20}),
        ("access requests", "AccessRequests", {"first": 20}),
    ]  # fmt: skip


def _operations() -> dict[str, tuple[str, str]]:
    """The explorer's documents (id and text) by operation name."""
    if not MANIFEST.is_file():
        raise RuntimeError("the explorer is not built: run `make web`")
    trusted = TrustedDocuments.from_settings(Settings(graph_api_trusted_documents=MANIFEST))
    return {name: (key, trusted.documents[key]) for name, key in trusted.by_operation().items()}


def _clear_plans(settings: Settings) -> None:
    driver, target = open_sync_driver(settings)
    with driver:
        driver.execute_query("CALL db.clearQueryCaches()", database_=target.database)


async def _round(
    settings: Settings, output: str, token: str, offender: str, declared: bool
) -> dict[str, float]:
    ids = _operations()
    _clear_plans(settings)
    environment = {} if declared else {"GRAPH_API_TRUSTED_DOCUMENTS": "/nonexistent"}
    server = api_server(settings, output, **environment)
    started = time.perf_counter()
    await server.start()
    timings = {"ready after start": (time.perf_counter() - started) * 1000}
    http = LeanClient(server.base_url, 1)
    headers = {"Authorization": f"Bearer {token}"}
    try:
        for label, operation, variables in _views(offender):
            for when in ("first use", "again"):
                began = time.perf_counter()
                key, text = ids[operation]
                document = {"documentId": key} if declared else {"query": text}
                status, body = await http.post_json(
                    "/graphql", {**document, "variables": variables}, headers
                )
                timings[f"{label}, {when}"] = (time.perf_counter() - began) * 1000
                if status != 200 or body.get("errors"):
                    raise RuntimeError(f"{label} failed: {status} {str(body)[:300]}")
    finally:
        await http.aclose()
        server.stop()
    return timings


async def run_explorer_first_use(
    settings: Settings, agency: str, offender: str, *, output: str, say: Callable[[str], None]
) -> dict[str, Any]:
    """Both rounds; the table has a row per view and a column per round."""
    token = mint_token(
        settings, user="bench-analyst", agency=agency, roles=[Role.ANALYST],
        clearance=Classification.SECRET, purpose="explorer first-use benchmark", ttl_seconds=3600,
    )  # fmt: skip
    say("round 1: trusted documents planned at start")
    declared = await _round(settings, output, token, offender, declared=True)
    say("round 2: no trusted documents")
    plain = await _round(settings, output, token, offender, declared=False)
    rows = {
        label: {"declared_ms": round(declared[label], 1), "plain_ms": round(plain[label], 1)}
        for label in declared
    }
    first = [label for label in declared if label.endswith("first use")]
    rows["every view, first use, sum"] = {
        "declared_ms": round(sum(declared[label] for label in first), 1),
        "plain_ms": round(sum(plain[label] for label in first), 1),
    }
    return write_result(
        output,
        "The explorer's views on an empty plan cache",
        [
            "Neo4j's plan cache emptied (`db.clearQueryCaches()`), then `graph-api serve` "
            "started; each view sent once by `documentId` (first use) and again, one request "
            "at a time. Columns: with the explorer's trusted documents planned before /readyz "
            "said ready, and with none"
        ],
        "",
        {"declared_ms": "planned at start, ms", "plain_ms": "not declared, ms"},
        rows,
        agency=agency,
    )
