"""MAPPA's root fields (issue 14, docs/design.md §12): the mutations that record what a meeting
reviews, schedule meetings (rule 11) and record their outcome, and `mappaDue`.

`MappaMutations` and `MappaQueries` are mixins the `Mutation` and `Query` roots inherit. Every
mutation is a `Write` run by the same path as the others (`_commit`: one transaction with its
audit record and idempotency key), answering the offender as the writer now sees it.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from graph_api import writes
from graph_api.planner import mappa as mappa_planner
from graph_api.planner.projection import DEFAULT_PAGE
from graph_api.planner.selection import root_selection
from graph_api.schema.context import RequestContext
from graph_api.schema.enums import Classification, DueKind, LicenceConditionKind
from graph_api.schema.mappa_types import DueItemConnection
from graph_api.schema.types import Offender
from graph_api.writes import mappa as mappa_writes

if TYPE_CHECKING:
    from collections.abc import Callable

    from graph_api.identity import Principal

Context = Info[RequestContext, None]

_FACTS = (
    f"Needs {writes.role_names(writes.FACT_WRITERS)}, of the managing agency or of an agency "
    "holding a CONTRIBUTE share valid today; the classification may not exceed the writer's "
    "clearance (nor the share's ceiling)."
)
_CHAIR = (
    f"Needs {writes.role_names(mappa_writes.MAPPA_CHAIRS)}, of the agency that manages the "
    "offender."
)


async def _commit(info: Context, build: Callable[[Principal, dt.date], writes.Write]) -> Any:
    """The one write path of every mutation (`schema/mutation.py`)."""
    from graph_api.schema import mutation  # the Mutation root inherits this module's mixin

    return await mutation._commit(info, build)


# --- inputs ---------------------------------------------------------------------------------


@strawberry.input(description="A conviction of the offender.")
class AddConvictionInput:
    offender_id: strawberry.ID
    offence_code: str = strawberry.field(description="Home Office offence code, NNN/NN.")
    offence_title: str
    court: str
    convicted_on: dt.date = strawberry.field(description="Not in the future.")
    sentence: str
    is_index_offence: bool = False
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A sex offender's notification requirement (SOA 2003, Part 2).")
class NotificationRequirementInput:
    offender_id: strawberry.ID
    from_: dt.date = strawberry.field(name="from", description="Not in the future.")
    until: dt.date | None = strawberry.field(default=None, description="Omit for indefinite.")
    last_notified_on: dt.date | None = None
    next_due_on: dt.date
    notified_at: str | None = strawberry.field(default=None, description="Where it notifies.")
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A licence or order condition.")
class LicenceConditionInput:
    offender_id: strawberry.ID
    kind: LicenceConditionKind
    text: str
    from_: dt.date = strawberry.field(name="from", description="When it applies from.")
    to: dt.date | None = strawberry.field(default=None, description="When the licence ends.")
    set_by: str = strawberry.field(description="The Parole Board, a court ...")
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A prison episode.")
class CustodyInput:
    offender_id: strawberry.ID
    establishment: str
    from_: dt.date = strawberry.field(name="from", description="Reception; not in the future.")
    release_on: dt.date | None = strawberry.field(default=None, description="Expected release.")
    released_on: dt.date | None = strawberry.field(default=None, description="Actual release.")
    classification: Classification = Classification.OFFICIAL


@strawberry.input(
    description="A MAPPA meeting to schedule, and what the attending agencies may see (rule 11)."
)
class ScheduleMappaMeetingInput:
    offender_id: strawberry.ID
    held_on: dt.date = strawberry.field(description="Today or later.")
    attending_agencies: list[str] = strawberry.field(
        description="Codes of the agencies attending besides the chair (1 to 20)."
    )
    share_ceiling: Classification = strawberry.field(
        description="The ceiling of the READ share each attending agency gets; at most the "
        "chair's clearance."
    )
    share_until: dt.date | None = strawberry.field(
        default=None,
        description=f"When the shares end; default {mappa_writes.DEFAULT_SHARE_DAYS} days after "
        "the meeting, never before it.",
    )
    level: int | None = strawberry.field(
        default=None, description="MAPPA level 1 to 3; default the offender's."
    )
    classification: Classification = strawberry.field(
        default=Classification.OFFICIAL,
        description="Of the meeting record (its decisions and actions too).",
    )


@strawberry.input(description="An action a MAPPA meeting agreed.")
class MappaActionInput:
    text: str
    owner_agency: str = strawberry.field(description="The chair or an attending agency.")
    due_on: dt.date = strawberry.field(description="On or after the meeting, not in the past.")


@strawberry.input(description="What a MAPPA meeting decided and agreed.")
class RecordMappaDecisionsInput:
    offender_id: strawberry.ID
    meeting_id: strawberry.ID
    decisions: list[str] = strawberry.field(default_factory=list)
    actions: list[MappaActionInput] = strawberry.field(default_factory=list)


# --- mutations ------------------------------------------------------------------------------


@strawberry.type
class MappaMutations:
    """Issue 14: the records a meeting reviews, meetings, decisions and actions."""

    @strawberry.mutation(description="Record a conviction. " + _FACTS)
    async def add_conviction(self, info: Context, input: AddConvictionInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.add_conviction(
                principal, today,
                offender_id=input.offender_id, offence_code=input.offence_code,
                offence_title=input.offence_title, court=input.court,
                convicted_on=input.convicted_on, sentence=input.sentence,
                is_index_offence=input.is_index_offence, classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(description="Record a notification requirement. " + _FACTS)
    async def record_notification_requirement(
        self, info: Context, input: NotificationRequirementInput
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.record_notification_requirement(
                principal, today,
                offender_id=input.offender_id, from_=input.from_, until=input.until,
                next_due_on=input.next_due_on, last_notified_on=input.last_notified_on,
                notified_at=input.notified_at, classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(description="Record a licence or order condition. " + _FACTS)
    async def add_licence_condition(self, info: Context, input: LicenceConditionInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.add_licence_condition(
                principal, today,
                offender_id=input.offender_id, kind=input.kind, text=input.text,
                from_=input.from_, to=input.to, set_by=input.set_by,
                classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(description="Record a prison episode. " + _FACTS)
    async def record_custody(self, info: Context, input: CustodyInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.record_custody(
                principal, today,
                offender_id=input.offender_id, establishment=input.establishment,
                from_=input.from_, release_on=input.release_on, released_on=input.released_on,
                classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Schedule a MAPPA meeting about the offender (rule 11): each attending "
        "agency gets a READ share from today until `shareUntil` at `shareCeiling`, and the "
        "sharing view names the meeting. " + _CHAIR
    )
    async def schedule_mappa_meeting(
        self, info: Context, input: ScheduleMappaMeetingInput
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.schedule_mappa_meeting(
                principal, today,
                offender_id=input.offender_id, held_on=input.held_on,
                attending_agencies=list(input.attending_agencies),
                share_ceiling=input.share_ceiling, share_until=input.share_until,
                level=input.level, classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Record a meeting's decisions and the actions it agreed (owner agency, due "
        "date). " + _CHAIR
    )
    async def record_mappa_decisions(
        self, info: Context, input: RecordMappaDecisionsInput
    ) -> Offender:
        actions = [
            mappa_writes.NewAction(
                text=action.text, owner_agency=action.owner_agency, due_on=action.due_on
            )
            for action in input.actions
        ]
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.record_mappa_decisions(
                principal, today,
                offender_id=input.offender_id, meeting_id=input.meeting_id,
                decisions=list(input.decisions), actions=actions,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Mark a MAPPA action done (`on`, default today). Needs "
        f"{writes.role_names(mappa_writes.ACTION_OWNERS)} of the agency that owns the action, "
        "which sees the offender (a READ share is enough)."
    )
    async def mark_action_done(
        self,
        info: Context,
        offender_id: strawberry.ID,
        action_id: strawberry.ID,
        on: dt.date | None = None,
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: mappa_writes.mark_action_done(
                principal, today, offender_id=offender_id, action_id=action_id, on=on
            ),
        )


# --- queries --------------------------------------------------------------------------------


@strawberry.type
class MappaQueries:
    """Issue 14: what falls due for the agency's offenders."""

    @strawberry.field(
        description="Risk reviews, notifications, licence ends, releases and MAPPA actions "
        "falling due for the offenders your agency manages, earliest first: from `from` "
        "(default today) to `until` (default 30 days on, at most 366), or with `overdue` those "
        "due before today and still open. Reads offender data: needs a purpose. Any role."
    )
    async def mappa_due(
        self,
        info: Context,
        kinds: list[DueKind] | None = None,
        from_: Annotated[dt.date | None, strawberry.argument(name="from")] = None,
        until: dt.date | None = None,
        overdue: bool = False,
        first: int = DEFAULT_PAGE,
        after: str | None = None,
    ) -> DueItemConnection:
        from graph_api.schema.query import _answer  # the Query root inherits this mixin

        principal = info.context.principal_with_purpose()
        plan = mappa_planner.plan_due(
            root_selection(info._raw_info), principal,
            kinds=kinds, from_=from_, until=until, overdue=overdue, first=first, after=after,
        )  # fmt: skip
        return await _answer(info, plan)  # type: ignore[no-any-return]
