"""MAPPA's write commands (issue 14): `_mappa`, exported for the schema."""

from __future__ import annotations

from graph_api.writes._mappa import (
    ACTION_OWNERS,
    DEFAULT_SHARE_DAYS,
    MAPPA_CHAIRS,
    NewAction,
    add_conviction,
    add_licence_condition,
    mark_action_done,
    record_custody,
    record_mappa_decisions,
    record_notification_requirement,
    schedule_mappa_meeting,
)

__all__ = [
    "ACTION_OWNERS",
    "DEFAULT_SHARE_DAYS",
    "MAPPA_CHAIRS",
    "NewAction",
    "add_conviction",
    "add_licence_condition",
    "mark_action_done",
    "record_custody",
    "record_mappa_decisions",
    "record_notification_requirement",
    "schedule_mappa_meeting",
]
