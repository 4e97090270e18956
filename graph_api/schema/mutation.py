"""The Mutation root (issue 5): each field validates its input, runs one write transaction and
answers with the changed object, read back as the client selected it.

Writes follow docs/design.md §4 rule 6 (docs/access-policy.md, "Writes"): the statement of each
field (`cypher/writes/`) checks the writer's scope itself. Every change is audited; a request
with an `Idempotency-Key` header answers a retry with the first answer instead of writing twice.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import TYPE_CHECKING, Any

import strawberry
from graphql import print_ast
from strawberry.types import Info

from graph_api import events, writes
from graph_api.audit import Disclosure, audit_record
from graph_api.domain import Role
from graph_api.photo_urls import sign_photo_paths
from graph_api.planner import access_requests, roots
from graph_api.planner.selection import by_response_key, root_selection
from graph_api.schema.alerts import AlertMutations
from graph_api.schema.context import RequestContext
from graph_api.schema.enums import (
    AddressKind,
    AgencyKind,
    AssociationType,
    Classification,
    Gender,
    HandlingCode,
    InformationGrade,
    MarkType,
    NominalType,
    RiskLevel,
    RiskTool,
    ShareMode,
    Side,
    VehicleRole,
)
from graph_api.schema.mappa import MappaMutations
from graph_api.schema.reference import Agency
from graph_api.schema.types import AccessRequest, Nominal, Offender

if TYPE_CHECKING:
    from collections.abc import Callable

    from graph_api.identity import Principal
    from graph_api.planner.roots import Plan

Context = Info[RequestContext, None]


def _facts(roles: frozenset[Role] = writes.FACT_WRITERS) -> str:
    """Who may record a fact: the role set the write checks (`writes.FACT_WRITERS` ...)."""
    return (
        f"Needs {writes.role_names(roles)}, of the managing agency or of an agency holding a "
        "CONTRIBUTE share valid today; the classification may not exceed the writer's "
        "clearance (nor the share's ceiling)."
    )


_FACTS = _facts()
_SHARING = f"Needs {writes.role_names(writes.SHARE_WRITERS)}, of the managing agency."


# --- inputs ---------------------------------------------------------------------------------


@strawberry.input(description="A new offender, managed by the writer's agency from today.")
class CreateOffenderInput:
    forename: str
    surname: str
    aliases: list[str] | None = None
    dob: dt.date | None = strawberry.field(default=None, description="Not in the future.")
    gender: Gender = Gender.UNKNOWN
    pnc_id: str = strawberry.field(description="YY/NNNNNNNL, e.g. 19/0123456A; unique.")
    nominal_type: NominalType
    mappa_category: int = strawberry.field(description="1 to 4.")
    mappa_level: int = strawberry.field(description="1 to 3.")
    risk_level: RiskLevel


@strawberry.input(description="Changes to an offender's own properties; omitted ones stay.")
class UpdateOffenderInput:
    id: strawberry.ID
    version: int = strawberry.field(
        description="The `version` the client read; CONFLICT if the offender changed since."
    )
    forename: str | None = None
    surname: str | None = None
    dob: dt.date | None = None
    gender: Gender | None = None
    nominal_type: NominalType | None = None
    mappa_category: int | None = None
    mappa_level: int | None = None
    risk_level: RiskLevel | None = None


@strawberry.input(
    description="An address to record. One with the same first line and postcode that the "
    "writer can already see is reused as it is; otherwise a new address is recorded (one that "
    "only another agency can see is never matched, so a write reveals nothing of it)."
)
class AddressInput:
    line1: str
    town: str
    postcode: str = strawberry.field(description="A UK postcode; stored normalised (SW1A 1AA).")
    kind: AddressKind = AddressKind.HOUSEHOLD
    latitude: float | None = None
    longitude: float | None = None

    def command(self) -> writes.NewAddress:
        return writes.NewAddress(
            line1=self.line1, town=self.town, postcode=self.postcode, kind=self.kind,
            latitude=self.latitude, longitude=self.longitude,
        )  # fmt: skip


@strawberry.input(description="Where an offender lives or stays: `addressId` or `address`.")
class RecordAddressInput:
    offender_id: strawberry.ID
    address_id: strawberry.ID | None = strawberry.field(
        default=None, description="An address on the register visible to the writer."
    )
    address: AddressInput | None = None
    main: bool = strawberry.field(
        default=True,
        description="The main address. A current one (no `to`) ends the previous current main "
        "address the day before `from`.",
    )
    from_: dt.date = strawberry.field(name="from", description="Not in the future.")
    to: dt.date | None = strawberry.field(default=None, description="Not before `from`.")
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A new associate, created with the association.")
class NewAssociateInput:
    forename: str
    surname: str
    aliases: list[str] | None = None
    dob: dt.date | None = None
    gender: Gender = Gender.UNKNOWN

    def command(self) -> writes.NewAssociate:
        return writes.NewAssociate(
            forename=self.forename, surname=self.surname, aliases=self.aliases, dob=self.dob,
            gender=self.gender,
        )  # fmt: skip


@strawberry.input(description="An association with a person: `personId` or `associate`.")
class LinkAssociateInput:
    offender_id: strawberry.ID
    person_id: strawberry.ID | None = strawberry.field(
        default=None,
        description="An associate visible to the writer, or an offender in the writer's scope "
        "(any offender with NATIONAL_SEARCH).",
    )
    associate: NewAssociateInput | None = None
    type: AssociationType
    from_: dt.date = strawberry.field(name="from", description="Not in the future.")
    to: dt.date | None = None
    classification: Classification = Classification.OFFICIAL


@strawberry.input(
    description="A vehicle to record. One with the same plate that the writer can already see "
    "is reused as it is; otherwise a new vehicle is recorded (one that only another agency can "
    "see is never matched)."
)
class VehicleInput:
    vrm: str = strawberry.field(description="A UK number plate; stored normalised (AB12CDE).")
    make: str
    model: str
    colour: str

    def command(self) -> writes.NewVehicle:
        return writes.NewVehicle(vrm=self.vrm, make=self.make, model=self.model, colour=self.colour)


@strawberry.input(description="An offender's use of a vehicle: `vehicleId` or `vehicle`.")
class RecordVehicleUseInput:
    offender_id: strawberry.ID
    vehicle_id: strawberry.ID | None = strawberry.field(
        default=None, description="A vehicle on the register visible to the writer."
    )
    vehicle: VehicleInput | None = None
    role: VehicleRole
    from_: dt.date = strawberry.field(name="from", description="Not in the future.")
    to: dt.date | None = None
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A distinguishing mark the offender bears.")
class AddMarkInput:
    offender_id: strawberry.ID
    type: MarkType
    body_part: str = strawberry.field(description="A body part word, e.g. forearm.")
    side: Side | None = None
    orientation: str | None = None
    description: str
    from_: dt.date = strawberry.field(name="from", description="Noted on; not in the future.")
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A piece of intelligence, graded 3x5x2.")
class AddIntelligenceInput:
    offender_id: strawberry.ID
    text: str
    source: int = strawberry.field(description="Source evaluation, 1 (reliable) to 3.")
    information: InformationGrade
    handling: HandlingCode
    conditions: str | None = strawberry.field(
        default=None, description="Handling conditions: required for C, refused for P."
    )
    review_on: dt.date = strawberry.field(description="When to review it: today or later.")
    classification: Classification = Classification.OFFICIAL


@strawberry.input(description="A structured risk assessment.")
class AddRiskAssessmentInput:
    offender_id: strawberry.ID
    tool: RiskTool
    level: RiskLevel = strawberry.field(
        description="Becomes the offender's riskLevel unless a later assessment is on record."
    )
    assessed_on: dt.date = strawberry.field(description="Not in the future.")
    next_review_on: dt.date = strawberry.field(description="After `assessedOn`.")
    classification: Classification = Classification.OFFICIAL


# --- running a write ------------------------------------------------------------------------


def _idempotency(info: Context, principal: Principal) -> writes.Idempotency | None:
    """The request's `Idempotency-Key` for this root field, with what was asked (the document,
    its fragments and its variables)."""
    request = info.context.request
    key = request.headers.get("idempotency-key") if request is not None else None
    if key is None:
        return None
    raw = info._raw_info
    document = [
        print_ast(raw.operation),
        *(print_ast(raw.fragments[name]) for name in sorted(raw.fragments)),
    ]
    return writes.Idempotency.of_request(
        key, principal, str(info.path.key), [document, raw.variable_values],
        info.context.settings.graph_api_idempotency_hours,
    )  # fmt: skip


async def _commit(
    info: Context,
    build: Callable[[Principal, dt.date], writes.Write],
    read_back: Callable[[Principal, writes.Write], Plan] | None = None,
) -> Any:
    """Validate (`build`), write, read the changed object back, and note it for the audit."""
    context = info.context
    principal = context.principal_with_purpose()
    write = build(principal, dt.date.today())
    selection = root_selection(info._raw_info)

    def plan(_: dict[str, Any]) -> Plan:
        if read_back is not None:
            return read_back(principal, write)
        return roots.plan_offender(selection, principal, write.offender_id)

    def audit(value: Any, record: dict[str, Any]) -> dict[str, Any]:
        change = Disclosure()
        offender_id = record.get("offenderId") or write.offender_id
        restricted = record.get("inScope") is False  # an access request's requester
        change.changed(info.field_name, offender_id, write.change, value, restricted=restricted)
        operation = info._raw_info.operation.name
        return audit_record(
            principal, context.request_id, operation.value if operation else None,
            context.document, change, context.correlation_id,
        )  # fmt: skip

    idempotency = _idempotency(info, principal)
    # Off only to measure what auditing costs (GRAPH_API_AUDIT_ENABLED, the benchmark), for
    # changes as for reads and photos.
    audited = audit if context.settings.graph_api_audit_enabled else None
    async with context.statement_slot:
        outcome = await writes.execute(
            context.database, write, plan, idempotency, audited,
            outcome_check_seconds=context.settings.graph_api_outcome_check_seconds,
        )  # fmt: skip
    if outcome.replayed:  # a replayed answer discloses data again: the request's record says so
        context.disclosure.saw(info.field_name, outcome.value)
    else:  # its change event is committed: this process's subscribers hear of it at once
        events.hub(context.database, context.settings).feed.poke()
    # Photo URLs are stored and replayed as bare paths: signed here, for whoever asked now.
    sign_photo_paths(context.settings, principal, outcome.value)
    return outcome.value


@strawberry.input(description="An agency of the register (police force, probation region ...).")
class AgencyInput:
    code: str = strawberry.field(description="Upper case, 2-20 of A-Z, 0-9 and _, e.g. MET.")
    name: str
    kind: AgencyKind
    region: str | None = None


async def _save_agency(info: Context, change: writes.AgencyChange, *, create: bool) -> Any:
    saved = await writes.save_agency(
        info.context.database, info.context.principal(),
        info.context.settings.graph_api_owning_agency, change, create=create,
    )  # fmt: skip
    return by_response_key(saved, root_selection(info._raw_info))


_ACCESS = "Reads offender data: needs a purpose."


@strawberry.type
class AccessRequestMutations:
    """Rule 8: ask the managing agency of a restricted nominal for a share, and decide."""

    @strawberry.mutation(
        description="Ask the agency that manages an offender outside your scope for a share "
        "(`mode`, up to `ceiling`, at most your clearance), with a justification; the token's "
        "purpose is recorded. Any role. CONFLICT when it is in scope already or your agency "
        "has a PENDING request for it; NOT_FOUND for an unknown offender. " + _ACCESS
    )
    async def request_access(
        self,
        info: Context,
        offender_id: strawberry.ID,
        justification: str,
        mode: ShareMode = ShareMode.READ,
        ceiling: Classification = Classification.OFFICIAL,
    ) -> AccessRequest:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.request_access(
                principal,
                today,
                offender_id=offender_id,
                justification=justification,
                mode=mode,
                ceiling=ceiling,
            ),
            read_back=access_requests.read_back(root_selection(info._raw_info)),
        )

    @strawberry.mutation(
        description="Approve a PENDING request (a share from today until `until`, at `ceiling`, "
        "at most your clearance, in the mode asked for) or refuse it with a `reason`. Needs "
        "OFFENDER_MANAGER or SUPERVISOR of the agency that manages the offender (FORBIDDEN for "
        "the requesting side, NOT_FOUND for anyone else); CONFLICT once decided. " + _ACCESS
    )
    async def decide_access_request(
        self,
        info: Context,
        id: strawberry.ID,
        approve: bool,
        ceiling: Classification | None = None,
        until: dt.date | None = None,
        reason: str | None = None,
    ) -> AccessRequest:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.decide_access_request(
                principal,
                today,
                request_id=id,
                approve=approve,
                ceiling=ceiling,
                until=until,
                reason=reason,
            ),
            read_back=access_requests.read_back(root_selection(info._raw_info)),
        )

    @strawberry.mutation(
        description="Withdraw a PENDING request of your agency: the user who asked, or a "
        "SUPERVISOR of the agency. " + _ACCESS
    )
    async def withdraw_access_request(self, info: Context, id: strawberry.ID) -> AccessRequest:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.withdraw_access_request(
                principal, today, request_id=id
            ),
            read_back=access_requests.read_back(root_selection(info._raw_info)),
        )


_OUTCOMES = (
    "Changes to the register. Each field is one transaction, all or nothing, with its audit "
    "record. What an error code says was written: BAD_USER_INPUT, FORBIDDEN, NOT_FOUND, "
    "CONFLICT, LIMIT_EXCEEDED and UNAVAILABLE mean nothing was written. OUTCOME_UNKNOWN means "
    "the change may or may not have been written (its commit was sent, its answer lost, and "
    "the database could not say in time): send the same request again with the same "
    "Idempotency-Key, which answers the first result if it was written and writes it once if "
    "it was not. A lost commit answer the API could settle is answered as usual."
)


@strawberry.type(description=_OUTCOMES)
class Mutation(AccessRequestMutations, MappaMutations, AlertMutations):
    @strawberry.mutation(
        description="Add an agency to the register. Requires ADMIN, of the register's owning "
        "agency."
    )
    async def create_agency(self, info: Context, input: AgencyInput) -> Agency:
        change = writes.AgencyChange(
            code=input.code, name=input.name, kind=input.kind, region=input.region
        )
        return await _save_agency(info, change, create=True)  # type: ignore[no-any-return]

    @strawberry.mutation(
        description="Rename an agency or change its region; its code and kind stay. Requires "
        "ADMIN: of that agency, or of the register's owning agency."
    )
    async def update_agency(
        self, info: Context, code: str, name: str | None = None, region: str | None = None
    ) -> Agency:
        change = writes.AgencyChange(code=code, name=name, region=region)
        return await _save_agency(info, change, create=False)  # type: ignore[no-any-return]

    @strawberry.mutation(description="Put a new offender on the register. " + _FACTS)
    async def create_offender(self, info: Context, input: CreateOffenderInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.create_offender(
                principal, today, forename=input.forename, surname=input.surname,
                aliases=input.aliases, dob=input.dob, gender=input.gender, pnc_id=input.pnc_id,
                nominal_type=input.nominal_type, mappa_category=input.mappa_category,
                mappa_level=input.mappa_level, risk_level=input.risk_level,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Change an offender's own properties, given the `version` read (CONFLICT "
        "if it moved). " + _FACTS
    )
    async def update_offender(self, info: Context, input: UpdateOffenderInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.update_offender(
                principal, today, id=input.id, version=input.version,
                forename=input.forename, surname=input.surname, dob=input.dob,
                gender=input.gender, nominal_type=input.nominal_type,
                mappa_category=input.mappa_category, mappa_level=input.mappa_level,
                risk_level=input.risk_level,
            ),
        )  # fmt: skip

    @strawberry.mutation(description="Add a name the offender is known by. " + _FACTS)
    async def add_alias(self, info: Context, offender_id: strawberry.ID, alias: str) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.add_alias(
                principal, today, offender_id=offender_id, alias=alias
            ),
        )

    @strawberry.mutation(description="Record where the offender lives or stays. " + _FACTS)
    async def record_address(self, info: Context, input: RecordAddressInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.record_address(
                principal, today, offender_id=input.offender_id, address_id=input.address_id,
                address=input.address.command() if input.address else None, main=input.main,
                from_=input.from_, to=input.to, classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="End the offender's current residence at an address on a date. " + _FACTS
    )
    async def end_address(
        self, info: Context, offender_id: strawberry.ID, address_id: strawberry.ID, on: dt.date
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.end_address(
                principal, today, offender_id=offender_id, address_id=address_id, on=on
            ),
        )

    @strawberry.mutation(
        description="Associate the offender with a person on the register or a new associate. "
        + _FACTS
    )
    async def link_associate(self, info: Context, input: LinkAssociateInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.link_associate(
                principal, today, offender_id=input.offender_id, person_id=input.person_id,
                associate=input.associate.command() if input.associate else None,
                type=input.type, from_=input.from_, to=input.to,
                classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="End the offender's current association with a person on a date. " + _FACTS
    )
    async def end_association(
        self, info: Context, offender_id: strawberry.ID, person_id: strawberry.ID, on: dt.date
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.end_association(
                principal, today, offender_id=offender_id, person_id=person_id, on=on
            ),
        )

    @strawberry.mutation(description="Record the offender's use of a vehicle. " + _FACTS)
    async def record_vehicle_use(self, info: Context, input: RecordVehicleUseInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.record_vehicle_use(
                principal, today, offender_id=input.offender_id, vehicle_id=input.vehicle_id,
                vehicle=input.vehicle.command() if input.vehicle else None, role=input.role,
                from_=input.from_, to=input.to, classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(description="Record a distinguishing mark. " + _FACTS)
    async def add_mark(self, info: Context, input: AddMarkInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.add_mark(
                principal, today, offender_id=input.offender_id, type=input.type,
                body_part=input.body_part, side=input.side, orientation=input.orientation,
                description=input.description, from_=input.from_,
                classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Record graded intelligence about the offender. "
        + _facts(writes.INTELLIGENCE_WRITERS)
    )
    async def add_intelligence(self, info: Context, input: AddIntelligenceInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.add_intelligence(
                principal, today, offender_id=input.offender_id, text=input.text,
                source=input.source, information=input.information, handling=input.handling,
                conditions=input.conditions, review_on=input.review_on,
                classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Record a risk assessment; its level becomes the offender's current risk "
        "level unless a later assessment is on record. " + _FACTS
    )
    async def add_risk_assessment(self, info: Context, input: AddRiskAssessmentInput) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.add_risk_assessment(
                principal, today, offender_id=input.offender_id, tool=input.tool,
                level=input.level, assessed_on=input.assessed_on,
                next_review_on=input.next_review_on, classification=input.classification,
            ),
        )  # fmt: skip

    @strawberry.mutation(
        description="Share the offender with another agency from today, up to `ceiling` (at "
        "most the writer's clearance), to READ or CONTRIBUTE, until a date or open-ended; "
        "replaces the terms of a current share with that agency. " + _SHARING
    )
    async def share_offender(
        self,
        info: Context,
        offender_id: strawberry.ID,
        agency: str,
        ceiling: Classification,
        mode: ShareMode,
        justification: str,
        until: dt.date | None = None,
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.share_offender(
                principal,
                today,
                offender_id=offender_id,
                agency=agency,
                ceiling=ceiling,
                mode=mode,
                until=until,
                justification=justification,
            ),
        )

    @strawberry.mutation(
        description="End the current shares of the offender with an agency (from today). "
        + _SHARING
    )
    async def revoke_share(
        self, info: Context, offender_id: strawberry.ID, agency: str
    ) -> Offender:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.revoke_share(
                principal, today, offender_id=offender_id, agency=agency
            ),
        )

    @strawberry.mutation(
        description="Hand the offender's management to another agency from today. Answers "
        "with the offender as the writer now sees it: a RestrictedNominal naming the new "
        "managing agency unless a share keeps it in scope. " + _SHARING
    )
    async def transfer_management(
        self, info: Context, offender_id: strawberry.ID, agency: str
    ) -> Nominal:
        return await _commit(  # type: ignore[no-any-return]
            info,
            lambda principal, today: writes.transfer_management(
                principal, today, offender_id=offender_id, agency=agency
            ),
            read_back=_as_nominal(root_selection(info._raw_info)),
        )


def _as_nominal(selection: Any) -> Callable[[Principal, writes.Write], Plan]:
    """The read-back of `transferManagement`: `node(id)` as a NATIONAL_SEARCH principal sees
    it, so a writer who lost scope still learns which agency now manages the offender."""

    def plan(principal: Principal, write: writes.Write) -> Plan:
        with_stub = dataclasses.replace(principal, roles=principal.roles | {Role.NATIONAL_SEARCH})
        found = roots.plan_node(selection, with_stub, write.offender_id)
        assert found is not None  # an offender id always has a plan
        return found

    return plan
