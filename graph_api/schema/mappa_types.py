"""MAPPA's GraphQL types (docs/design.md §3 and §12, issue 14): convictions, notification
requirements, licence conditions, custody, meetings and their actions, each reached over a
fact link like any other (agency, classification, validity, `withheld`); the sharing view of
an offender for its managing agency; and what falls due.

Like `types`, the classes declare the contract only: the planner answers every field.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated

import strawberry

from graph_api.planner.projection import DEFAULT_PAGE
from graph_api.schema.enums import (
    Classification,
    DueKind,
    LicenceConditionKind,
    ShareMode,
    ShareState,
)
from graph_api.schema.links import After, AsOf, Connection, FactLink, First, PageInfo
from graph_api.schema.reference import Agency

if TYPE_CHECKING:
    from graph_api.schema.types import AccessRequest, Offender

_TYPES = "graph_api.schema.types"


# --- the records ------------------------------------------------------------------------------


@strawberry.type(
    description="A conviction: the offence (Home Office code and title), court, date and "
    "sentence; `isIndexOffence` marks the one the offender is managed for."
)
class Conviction:
    id: strawberry.ID
    offence_code: str = strawberry.field(description="Home Office offence code, NNN/NN.")
    offence_title: str
    court: str
    convicted_on: dt.date
    sentence: str
    is_index_offence: bool


@strawberry.type(
    description="A sex offender's notification requirement (Sexual Offences Act 2003, Part 2): "
    "the period (`until`, or `indefinite`), when the offender last notified and when the next "
    "notification is due, and where."
)
class NotificationRequirement:
    id: strawberry.ID
    until: dt.date | None = strawberry.field(description="End of the period; null if indefinite.")
    indefinite: bool
    last_notified_on: dt.date | None
    next_due_on: dt.date | None = strawberry.field(
        description="When the next notification is due; null once the period has ended."
    )
    notified_at: str | None = strawberry.field(description="Where the offender notifies.")


@strawberry.type(
    description="A licence or order condition; its link's `from` and `to` are when it applies."
)
class LicenceCondition:
    id: strawberry.ID
    kind: LicenceConditionKind
    text: str
    set_by: str = strawberry.field(description="Who set it: the Parole Board, a court ...")


@strawberry.type(
    description="A prison episode; its link's `from` is the reception, `to` the actual release."
)
class Custody:
    id: strawberry.ID
    establishment: str
    release_on: dt.date | None = strawberry.field(description="Expected release date.")
    released_on: dt.date | None = strawberry.field(description="Actual release; null if held.")


@strawberry.type(
    description="An action a MAPPA meeting agreed: what, which agency owns it, when it is due "
    "and when the owner marked it done."
)
class Action:
    id: strawberry.ID
    text: str
    owner_agency: str = strawberry.field(description="Code of the agency that owns it.")
    due_on: dt.date
    done_on: dt.date | None
    done_by: str | None = strawberry.field(description="The user who marked it done.")


@strawberry.type(
    description="A MAPPA meeting about one offender (rule 11): when, at which level, who chairs "
    "it, the agencies attending and the READ share each was given (`shareCeiling`, from "
    "`shareFrom` to `shareUntil`), the decisions and the actions."
)
class MappaMeeting:
    id: strawberry.ID
    held_on: dt.date
    level: int = strawberry.field(description="MAPPA level 1 to 3.")
    chair_agency: str = strawberry.field(description="The managing agency, which chairs.")
    chair_user_id: str = strawberry.field(description="The MAPPA_COORDINATOR who scheduled it.")
    attending_agencies: list[str] = strawberry.field(description="Codes of the other agencies.")
    share_ceiling: Classification = strawberry.field(
        description="The ceiling of the READ share each attending agency was given."
    )
    share_from: dt.date
    share_until: dt.date
    decisions: list[str]
    scheduled_on: dt.date | None

    @strawberry.field(description="The actions it agreed, newest first.")
    def actions(
        self, as_of: AsOf = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> ActionLinkConnection:
        raise NotImplementedError  # never called: answered from the planned record


# --- their links ------------------------------------------------------------------------------


@strawberry.type(description="A conviction of an offender.")
class ConvictionLink(FactLink):
    conviction: Conviction


@strawberry.type(description="A notification requirement of an offender.")
class NotificationRequirementLink(FactLink):
    requirement: NotificationRequirement


@strawberry.type(description="A licence condition an offender is subject to.")
class LicenceConditionLink(FactLink):
    condition: LicenceCondition


@strawberry.type(description="A custody episode of an offender.")
class CustodyLink(FactLink):
    custody: Custody


@strawberry.type(description="A MAPPA meeting that reviews the offender; `from` is `heldOn`.")
class MappaMeetingLink(FactLink):
    meeting: MappaMeeting


@strawberry.type(description="An action a meeting agreed.")
class ActionLink(FactLink):
    action: Action


ConvictionLinkConnection = Connection[ConvictionLink]
NotificationRequirementLinkConnection = Connection[NotificationRequirementLink]
LicenceConditionLinkConnection = Connection[LicenceConditionLink]
CustodyLinkConnection = Connection[CustodyLink]
MappaMeetingLinkConnection = Connection[MappaMeetingLink]
ActionLinkConnection = Connection[ActionLink]


# --- who holds what -----------------------------------------------------------------------------


@strawberry.type(description="A share of the offender with an agency, as it stands today.")
class ShareGrant:
    agency: Agency
    mode: ShareMode
    ceiling: Classification
    from_: dt.date = strawberry.field(name="from")
    to: dt.date | None
    state: ShareState
    justification: str | None
    granted_by: str | None = strawberry.field(description="The user who granted it, if known.")
    meeting_id: strawberry.ID | None = strawberry.field(
        description="The MAPPA meeting that gave it (rule 11), if any."
    )


@strawberry.type(description="How many visible facts of one kind an agency recorded.")
class FactCount:
    agency: str
    kind: str = strawberry.field(description="The link list: addresses, convictions, photos ...")
    count: int


@strawberry.type(
    description="Who holds what about an offender, for its managing agency: every share "
    "(current, lapsed or to come), every pending access request, and which agencies recorded "
    "the facts the reader may see."
)
class OffenderSharing:
    shares: list[ShareGrant] = strawberry.field(description="Newest first.")
    pending_requests: list[Annotated["AccessRequest", strawberry.lazy(_TYPES)]] = strawberry.field(
        description="Access requests waiting for a decision, oldest first."
    )
    recorded_by: list[FactCount] = strawberry.field(
        description="Visible facts by recording agency and kind."
    )
    facts_withheld: bool = strawberry.field(
        description="True when facts exist above the reader's clearance (never how many)."
    )


@strawberry.type
class OffenderMappaLinks:
    """The MAPPA lists of an offender, declared once (the `Offender` type inherits them)."""

    @strawberry.field(description="Convictions, most recent first.")
    def convictions(
        self, as_of: AsOf = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> ConvictionLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="Sex-offender notification requirements, most recent first.")
    def notification_requirements(
        self, as_of: AsOf = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> NotificationRequirementLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="Licence and order conditions, most recent first.")
    def licence_conditions(
        self, as_of: AsOf = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> LicenceConditionLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="Custody episodes, most recent first.")
    def custody(
        self, as_of: AsOf = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> CustodyLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="MAPPA meetings about the offender, latest first.")
    def mappa_meetings(
        self, as_of: AsOf = None, first: First = DEFAULT_PAGE, after: After = None
    ) -> MappaMeetingLinkConnection:
        raise NotImplementedError

    @strawberry.field(
        description="Who holds what (shares, pending requests, recorders). For the managing "
        "agency only: null for anyone else."
    )
    def sharing(self) -> OffenderSharing | None:
        raise NotImplementedError


# --- what falls due ----------------------------------------------------------------------------


@strawberry.type(
    description="A date falling due for an offender the principal's agency manages: a risk "
    "review, a notification, the end of a licence condition, a release, or a MAPPA action."
)
class DueItem:
    kind: DueKind
    due_on: dt.date
    overdue: bool = strawberry.field(description="Due before today and still open.")
    subject_id: strawberry.ID = strawberry.field(
        description="The assessment, requirement, condition, custody episode or action."
    )
    summary: str = strawberry.field(description="What is due, in words.")
    classification: Classification
    offender: Annotated["Offender", strawberry.lazy(_TYPES)]


@strawberry.type
class DueItemEdge:
    cursor: str
    node: DueItem


@strawberry.type
class DueItemConnection:
    edges: list[DueItemEdge]
    page_info: PageInfo
    total_count: int
