"""Fixtures of the instant-sharing tests: every module deletes what the API created when it
ends, so the tiny dataset other tests rely on stays exactly as generated (change events and
audit records stay: the API never deletes them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest
from writes.support import delete_api_created

if TYPE_CHECKING:
    from collections.abc import Iterator

    import neo4j


@pytest.fixture(scope="module", autouse=True)
def _leave_the_tiny_graph_as_generated(
    driver: neo4j.Driver, tiny_graph: dict[str, Any]
) -> Iterator[None]:
    del tiny_graph
    yield
    delete_api_created(driver)
