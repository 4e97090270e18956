"""Alerts and watch lists (issue 15, docs/design.md §11): the inbox of a user who is not
connected, fed by change events and by dates falling due; each user's own watch list.

`AlertQueries` is a mixin of `Query`, `AlertMutations` of `Mutation`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from graph_api import cypher_files, events, writes
from graph_api.errors import BadUserInput
from graph_api.planner import alerts
from graph_api.planner.projection import DEFAULT_PAGE
from graph_api.planner.selection import root_selection
from graph_api.schema.context import RequestContext
from graph_api.schema.links import PageInfo
from graph_api.schema.subscription import ChangeEvent
from graph_api.schema.types import Nominal, Offender

if TYPE_CHECKING:
    from graph_api.identity import Principal

Context = Info[RequestContext, None]

#: The most alerts one `markAlertsRead` marks.
MAX_MARKED = 100

_KINDS = "; ".join(
    [f"{alerts.CHANGE}: a change (`event`)"]
    + [f"{due.kind}: {due.description}" for due in alerts.DUE_ALERTS]
)


@strawberry.type(
    description="Something a user should know: a change to an offender it may see, or a date "
    "falling due. Shown only while the policy lets the user see it (rule 10)."
)
class Alert:
    id: strawberry.ID = strawberry.field(description="Stable: pass it to `markAlertsRead`.")
    kind: str = strawberry.field(description=_KINDS + ".")
    at: dt.datetime = strawberry.field(
        description="When the change was committed, or the start of the day it falls due."
    )
    due_on: dt.date | None = strawberry.field(description="The date falling due, if any.")
    subject_id: str | None = strawberry.field(
        description="What falls due: the assessment, intelligence or request id, or the "
        "receiving agency's code for a share."
    )
    read: bool
    offender: Nominal | None = strawberry.field(description="The offender, as you see it now.")
    event: ChangeEvent | None = strawberry.field(description="The change (kind CHANGE).")


@strawberry.type
class AlertEdge:
    cursor: str
    node: Alert


@strawberry.type
class AlertConnection:
    edges: list[AlertEdge]
    page_info: PageInfo


_ALERTS = (
    "Your alerts, newest first: changes of the last GRAPH_API_ALERT_DAYS days to offenders your "
    "agency may see (new intelligence, risk assessments, shares and transfers), any change to "
    "an offender on your watch list, decisions on your agency's access requests; and dates "
    "within GRAPH_API_ALERT_DAYS days either side of today: reviews due, shares lapsing, "
    "access requests waiting. Your own changes are not alerts. Reads offender data: needs a "
    "purpose; shown as the policy allows now."
)


@strawberry.type
class AlertQueries:
    """The inbox (a mixin of `Query`)."""

    @strawberry.field(description=_ALERTS)
    async def alerts(
        self,
        info: Context,
        unread_only: bool = False,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> AlertConnection:
        from graph_api.schema.query import _answer  # the Query root imports this mixin

        principal = info.context.principal_with_purpose()
        # Every change committed so far has its number (the alert's id) before the inbox is
        # read: a change made a moment ago, through any replica, is in it.
        await events.hub(info.context.database, info.context.settings).feed.read_head()
        plan = alerts.plan_alerts(
            root_selection(info._raw_info),
            principal,
            unread_only,
            first,
            after,
            info.context.settings.graph_api_alert_days,
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]


async def _watch(info: Context, offender_id: str, on: bool) -> Any:
    from graph_api.schema.mutation import _commit  # the Mutation root imports this mixin

    def build(principal: Principal, today: dt.date) -> writes.Write:
        return writes.watch(principal, today, offender_id=offender_id, on=on)

    return await _commit(info, build)


@strawberry.type
class AlertMutations:
    """Reading alerts and keeping a watch list (a mixin of `Mutation`)."""

    @strawberry.mutation(
        description=f"Mark your alerts read (at most {MAX_MARKED} ids from `alerts`); "
        "answers how many were given. Any authenticated principal."
    )
    async def mark_alerts_read(self, info: Context, ids: list[strawberry.ID]) -> int:
        principal = info.context.principal()
        if not 1 <= len(ids) <= MAX_MARKED or any(not 1 <= len(i) <= 200 for i in ids):
            raise BadUserInput(f"`ids` must hold 1 to {MAX_MARKED} alert ids from `alerts`")
        [record] = await info.context.database.write(
            cypher_files.query("mark_alerts_read"),
            {"userId": principal.user_id, "alertIds": sorted(set(ids))},
        )
        return int(record["marked"])

    @strawberry.mutation(
        description="Put an offender in your agency's scope on your own watch list: every "
        "change to it becomes an alert for you (`alerts`). NOT_FOUND when it is not in scope. "
        "Any role; needs a purpose. Answers the offender as you see it."
    )
    async def watch(self, info: Context, offender_id: strawberry.ID) -> Offender:
        return await _watch(info, offender_id, True)  # type: ignore[no-any-return]

    @strawberry.mutation(
        description="Take an offender off your watch list (no error if it was not on it). "
        "Any role; needs a purpose."
    )
    async def unwatch(self, info: Context, offender_id: strawberry.ID) -> Offender:
        return await _watch(info, offender_id, False)  # type: ignore[no-any-return]
