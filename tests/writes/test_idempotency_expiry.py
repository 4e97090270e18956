"""Idempotency keys expire (issue 12, item 6): after GRAPH_API_IDEMPOTENCY_HOURS a key counts
as new, so the same key may name a new change; before that it answers the first result."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .support import ok

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

ADD_ALIAS = """
mutation ($id: ID!, $alias: String!) { addAlias(offenderId: $id, alias: $alias) { version aliases } }
"""


async def test_an_expired_key_counts_as_new(
    graphql: Callable[..., Any],
    fresh: Callable[..., Any],
    token: Callable[..., str],
    driver: neo4j.Driver,
) -> None:
    offender = await fresh()
    values = {"id": offender["id"], "alias": "Kept Once"}
    key = {"Idempotency-Key": "expiry-test-key"}
    first = ok(await graphql(ADD_ALIAS, values, token=token(), headers=key))["addAlias"]
    retried = ok(await graphql(ADD_ALIAS, values, token=token(), headers=key))["addAlias"]
    assert first == retried == {"version": 2, "aliases": ["Kept Once"]}
    driver.execute_query(
        "MATCH (k:IdempotencyKey {offenderId: $id}) SET k.createdAt = datetime() - duration('PT25H')",
        id=offender["id"],
    )
    later = ok(await graphql(ADD_ALIAS, values, token=token(), headers=key))["addAlias"]
    assert later["version"] == 3  # written again: the key had expired
