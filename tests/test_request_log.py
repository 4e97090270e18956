"""What operators see (issue 12, item 4): Prometheus metrics behind a setting, and one JSON
access-log line per request carrying its request id, operation and outcome code."""

from __future__ import annotations

import json
import logging
from typing import TYPE_CHECKING, Any

from graph_api.request_log import JsonFormatter

if TYPE_CHECKING:
    from collections.abc import Callable

    import pytest


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_metrics_are_off_unless_enabled(serve: Callable[..., Any]) -> None:
    async with serve() as http:
        assert (await http.get("/metrics")).status_code == 404


async def test_metrics_count_requests_by_operation_and_code(
    serve: Callable[..., Any], mint: Callable[..., str]
) -> None:
    async with serve(graph_api_metrics_enabled=True) as http:
        await http.post(
            "/graphql", json={"query": "{ me { userId } }"}, headers=bearer(mint("MET"))
        )
        await http.post("/graphql", json={"query": "{ me { userId } }"})  # no token: not parsed
        await http.post(
            "/graphql",
            content=b"null",
            headers={"Content-Type": "application/json", **bearer(mint("MET"))},
        )
        text = (await http.get("/metrics")).text
    assert 'graph_api_requests_total{code="OK",operation="query:me",route="/graphql"}' in text
    assert 'graph_api_requests_total{code="UNAUTHENTICATED",operation="-",route="/graphql"}' in text
    assert 'graph_api_requests_total{code="HTTP_400",operation="-",route="/graphql"}' in text
    for name in (
        "graph_api_request_seconds_bucket",
        "graph_api_database_sessions_in_use",
        "graph_api_database_pool_size",
        "graph_api_audit_commit_seconds_bucket",
    ):
        assert name in text


async def test_each_request_is_one_json_line_with_its_request_id(
    serve: Callable[..., Any], mint: Callable[..., str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="graph_api.access")
    async with serve() as http:
        response = await http.post(
            "/graphql", json={"query": "{ nope }"}, headers=bearer(mint("MET"))
        )
    [error] = response.json()["errors"]
    [record] = [r for r in caplog.records if r.name == "graph_api.access"]
    line = json.loads(JsonFormatter().format(record))
    assert line["level"] == "INFO"
    assert line["requestId"] == error["extensions"]["requestId"]
    assert line["path"] == "/graphql"
    assert line["status"] == 200
    assert line["code"] == "BAD_USER_INPUT"
    assert isinstance(line["ms"], float)
