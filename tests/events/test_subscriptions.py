"""Subscriptions (issue 15): events delivered over graphql-transport-ws as the policy allows."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from writes.support import CREATE, OWNER, PARTNER, delete_api_created, offender_input

from graph_api.domain import Classification, Role

from .support import CHANGES, INTELLIGENCE, intelligence, receive, served, socket_to, subscribe

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

    from graph_api.settings import Settings


async def test_an_event_reaches_a_subscriber_of_its_offender(
    settings: Settings,
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    driver: neo4j.Driver,
    tiny_graph: dict[str, Any],
) -> None:
    writer = mint(OWNER, roles=(Role.OFFENDER_MANAGER,))
    created = await graphql(CREATE, {"input": offender_input()}, token=writer)
    offender = created["data"]["createOffender"]["id"]
    try:
        async with served(settings) as url, socket_to(url, mint(OWNER)) as ws:
            await subscribe(ws, CHANGES, {"ids": [offender]})
            await _settle()
            body = await graphql(INTELLIGENCE, {"input": intelligence(offender)}, token=writer)
            assert "errors" not in body, body
            message = await receive(ws)
            assert message["type"] == "next", message
            event = message["payload"]["data"]["offenderChanges"]
            assert event["kind"] == "addIntelligence"
            assert event["offenderId"] == offender
            assert event["agency"] == {"code": OWNER}
            assert event["offender"]["__typename"] == "Offender"
            texts = [e["intelligence"]["text"] for e in event["offender"]["intelligence"]["edges"]]
            assert "seen at the docks" in texts
            [changed] = event["ids"]
            assert changed.startswith("int_")
    finally:
        delete_api_created(driver)


async def _settle() -> None:
    import asyncio

    await asyncio.sleep(0.3)


_ = (PARTNER, Classification)
