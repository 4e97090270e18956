"""Instant sharing (issue 15, docs/design.md §11): change events and their delivery.

Every write records its `ChangeEvent` in its own transaction (`graph_api.writes`); here each API
process tails those events (`ChangeFeed`) and delivers them to its subscribers, each event
checked against the receiving principal's policy at the moment of delivery and audited
(`deliveries`). `hub(database, settings)` is the one `EventHub` of a database handle.
"""

from __future__ import annotations

import weakref
from collections import Counter
from typing import TYPE_CHECKING

from graph_api.events._delivery import Dispatcher, Subscriber, deliveries
from graph_api.events._feed import ChangeFeed

if TYPE_CHECKING:
    from graph_api.db import Database
    from graph_api.settings import Settings

__all__ = ["ChangeFeed", "Dispatcher", "EventHub", "Subscriber", "deliveries", "hub"]


class EventHub:
    """What one API process shares among its subscriptions: the feed, the dispatcher, and
    how many sockets each user holds open."""

    def __init__(self, database: Database, settings: Settings) -> None:
        self.settings = settings
        self.feed = ChangeFeed(database, settings.graph_api_event_poll_seconds)
        self.dispatcher = Dispatcher(self.feed, database)
        self.connections: Counter[str] = Counter()

    def open_connection(self, user_id: str) -> bool:
        """Count a new socket of `user_id`; False (and not counted) past the per-user limit."""
        if self.connections[user_id] >= self.settings.graph_api_max_connections_per_user:
            return False
        self.connections[user_id] += 1
        return True

    def close_connection(self, user_id: str) -> None:
        self.connections[user_id] -= 1
        if self.connections[user_id] <= 0:
            del self.connections[user_id]


_hubs: weakref.WeakKeyDictionary[Database, EventHub] = weakref.WeakKeyDictionary()


def hub(database: Database, settings: Settings) -> EventHub:
    """The event hub of `database` (one per application), made on first use."""
    found = _hubs.get(database)
    if found is None:
        found = _hubs[database] = EventHub(database, settings)
    return found
