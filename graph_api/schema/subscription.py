"""The Subscription root (issue 15, docs/design.md §11): change events pushed over WebSocket.

Served over `graphql-transport-ws` only, with the bearer token and purpose in the connection's
`connection_init` payload (`graph_api.websocket`). Each event is checked against the receiving
principal's policy when it is delivered, planned like a read (`planner.changes`), and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncGenerator
from typing import TYPE_CHECKING, Any

import strawberry
from strawberry.types import Info

from graph_api import events
from graph_api.errors import BadUserInput
from graph_api.planner import changes
from graph_api.planner.selection import root_selection
from graph_api.schema.context import RequestContext
from graph_api.schema.enums import Classification
from graph_api.schema.reference import Agency
from graph_api.schema.types import Nominal

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

Context = Info[RequestContext, None]

#: The most offenders one `offenderChanges` follows.
MAX_OFFENDERS = 100

_WHO = (
    "Delivered only while the principal may see the event (its offender in the agency's "
    "scope at that moment, the event's classification within the offender's ceiling; an "
    "access request also to the agency that made it); each delivery is audited like a read. "
    "Needs a purpose (in the connection_init payload or the token)."
)


@strawberry.type(
    description="A change to an offender, as the receiving principal may see it now: one per "
    "write (mutation), recorded in the write's own transaction."
)
class ChangeEvent:
    cursor: str = strawberry.field(
        description="Its place in the order of all changes: pass it as `after` to resume."
    )
    kind: str = strawberry.field(
        description="The mutation that made the change, e.g. `addIntelligence`."
    )
    at: dt.datetime = strawberry.field(description="When the change was committed.")
    offender_id: strawberry.ID
    offender: Nominal | None = strawberry.field(
        description="The offender as the principal sees it at delivery: in full when in scope, "
        "otherwise a RestrictedNominal (an access request of the principal's agency)."
    )
    agency: Agency | None = strawberry.field(description="The agency that made the change.")
    classification: Classification = strawberry.field(
        description="The changed fact's classification (OFFICIAL for the offender's own record, "
        "shares, management and access requests)."
    )
    ids: list[strawberry.ID] = strawberry.field(
        description="Ids of what changed: the fact, address, vehicle, person or request."
    )


def _position(after: str | None) -> int | None:
    if after is None:
        return None
    if not after.isdigit() or len(after) > 18:
        raise BadUserInput("`after` is not a `cursor` of a ChangeEvent")
    return int(after)


def _kinds(info: Context, kinds: list[str] | None) -> list[str] | None:
    """The kinds asked for: mutation names (so a new mutation is a new kind at once)."""
    if kinds is None:
        return None
    mutation = info._raw_info.schema.mutation_type
    known = sorted(mutation.fields) if mutation else []
    unknown = [kind for kind in kinds if kind not in known]
    if unknown:
        raise BadUserInput(
            f"`kinds` {unknown} are not kinds of change; each is a mutation's name: "
            + ", ".join(known)
        )
    return sorted(set(kinds))


async def _subscribe(
    info: Context, offender_ids: list[str] | None, kinds: list[str] | None, after: str | None
) -> AsyncIterator[Any]:
    """Plan the subscription (checking its arguments before the first event) and return the
    stream of its deliveries."""
    context = info.context
    principal = context.principal_with_purpose()
    plan = changes.plan_changes(
        root_selection(info._raw_info), principal, offender_ids, _kinds(info, kinds)
    )
    operation = info._raw_info.operation.name
    subscriber = events.Subscriber(
        principal=principal,
        field=info.field_name,
        operation=operation.value if operation else None,
        document=context.document,
        plan=plan,
        position=_position(after),
        expires_at=getattr(context, "expires_at", None),
    )
    hub = events.hub(context.database, context.settings)
    # Planned maps, and an `Unavailable` while the database is down: graphql-core reports an
    # exception given as a value as that message's error, and the subscription goes on.
    return events.deliveries(subscriber, hub.dispatcher, context.settings)


@strawberry.type(
    description="Changes pushed as they happen (graphql-transport-ws only, at /graphql; the "
    "bearer token and purpose go in the connection_init payload: "
    '`{"authorization": "Bearer <token>", "purpose": "..."}`).'
)
class Subscription:
    @strawberry.subscription(
        description="Changes to the given offenders (at most 100), from `after` (a cursor) or "
        "from now, in order, each once. " + _WHO
    )
    async def offender_changes(
        self,
        info: Context,
        offender_ids: list[strawberry.ID],
        kinds: list[str] | None = None,
        after: str | None = None,
    ) -> AsyncGenerator[ChangeEvent, None]:
        if not 1 <= len(offender_ids) <= MAX_OFFENDERS:
            raise BadUserInput(f"`offenderIds` must name 1 to {MAX_OFFENDERS} offenders")
        return await _subscribe(info, [str(i) for i in offender_ids], kinds, after)  # type: ignore[return-value]

    @strawberry.subscription(
        description="Changes to every offender your agency may see (managed or shared), and "
        "to the access requests it made, from `after` (a cursor) or from now, in order, each "
        "once. " + _WHO
    )
    async def my_agency_changes(
        self, info: Context, kinds: list[str] | None = None, after: str | None = None
    ) -> AsyncGenerator[ChangeEvent, None]:
        return await _subscribe(info, None, kinds, after)  # type: ignore[return-value]
