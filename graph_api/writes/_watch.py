"""A user's watch list (issue 15): watch an offender in scope to be alerted of every change.

A `Write` like the others (one transaction, audited, idempotent), which changes no offender and
so leaves no change event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from graph_api import access
from graph_api.writes._execute import Write

if TYPE_CHECKING:
    import datetime as dt

    from graph_api.identity import Principal


def watch(principal: Principal, today: dt.date, *, offender_id: str, on: bool) -> Write:
    """Add the offender to the principal's own watch list (`on`), or take it off."""
    parameters = access.principal_parameters(principal, today) | {
        "offenderId": offender_id,
        "userId": principal.user_id,
        "watch": on,
    }
    return Write(
        "watch" if on else "unwatch",
        "watch",
        parameters,
        offender_id,
        {"watch": on},
        emits_event=False,
    )
