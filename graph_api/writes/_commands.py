"""One function per mutation: validate the input, then describe the write (a `Write`).

Nothing here touches the database; `execute` runs what these return.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neo4j.spatial import WGS84Point

from graph_api import access, marks, phonetic
from graph_api.domain import (
    AddressKind,
    AssociationType,
    Classification,
    Gender,
    HandlingCode,
    InformationGrade,
    MarkType,
    NominalType,
    RiskLevel,
    RiskTool,
    Role,
    ShareMode,
    Side,
    VehicleRole,
)
from graph_api.errors import ApiError, BadUserInput, Conflict, Forbidden, NotFound
from graph_api.writes import _rules as rules
from graph_api.writes._execute import Write

if TYPE_CHECKING:
    import datetime as dt

    from graph_api.identity import Principal


@dataclass(frozen=True)
class NewAddress:
    """An address a mutation records when the writer can see none with its line and postcode."""

    line1: str
    town: str
    postcode: str
    kind: AddressKind = AddressKind.HOUSEHOLD
    latitude: float | None = None
    longitude: float | None = None


@dataclass(frozen=True)
class NewAssociate:
    """A person created with the association that links them to an offender."""

    forename: str
    surname: str
    aliases: list[str] | None = None
    dob: dt.date | None = None
    gender: Gender = Gender.UNKNOWN


@dataclass(frozen=True)
class NewVehicle:
    """A vehicle a mutation records when the writer can see none with its plate."""

    vrm: str
    make: str
    model: str
    colour: str


def new_id(prefix: str) -> str:
    """A new node id: the label's prefix and 32 hex digits (docs/data-model.md)."""
    return f"{prefix}_{uuid.uuid4().hex}"


def _offender_write(
    principal: Principal,
    offender_id: str,
    today: dt.date,
    classification: Classification = Classification.OFFICIAL,
    **parameters: Any,
) -> dict[str, Any]:
    """Parameters of a statement that starts with the writer check (`_offender_writer.cypher`),
    once the writer's clearance admits the fact's classification."""
    rules.classification_within_clearance(principal, classification)
    return access.principal_parameters(principal, today) | {
        "offenderId": offender_id,
        "classification": classification.value,
        "expectedVersion": None,
        "userId": principal.user_id,
        "national": principal.has(Role.NATIONAL_SEARCH),
        **parameters,
    }


def _fact_change(**values: Any) -> dict[str, Any]:
    """The audit record's account of a change: the values written, enums as their names."""
    # `from_` is `from` (a Python keyword) in GraphQL and in the graph.
    return {key.rstrip("_"): getattr(value, "value", value) for key, value in values.items()}


# --- the offender itself ---------------------------------------------------------------------


def create_offender(
    principal: Principal,
    today: dt.date,
    *,
    forename: str,
    surname: str,
    dob: dt.date | None,
    gender: Gender,
    pnc_id: str,
    nominal_type: NominalType,
    mappa_category: int,
    mappa_level: int,
    risk_level: RiskLevel,
    aliases: list[str] | None = None,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "createOffender")
    offender_id = new_id("off")
    names = [rules.name(f"aliases[{i}]", alias) for i, alias in enumerate(aliases or [])]
    first, last = rules.name("forename", forename), rules.name("surname", surname)
    pnc = rules.pnc_id(pnc_id)
    offender: dict[str, Any] = {
        "id": offender_id,
        "forename": first,
        "surname": last,
        "aliases": names,
        "aliasText": " | ".join(names),
        "nameKeys": phonetic.name_keys(first, last, *names),
        "dob": rules.past_date("dob", dob, today) if dob else None,
        "gender": gender.value,
        "pncId": pnc,
        "nominalType": nominal_type.value,
        "mappaCategory": rules.in_range("mappaCategory", mappa_category, 1, 4),
        "mappaLevel": rules.in_range("mappaLevel", mappa_level, 1, 3),
        "riskLevel": risk_level.value,
    }
    parameters = access.principal_parameters(principal, today) | {
        "offender": offender,
        "userId": principal.user_id,
    }
    return Write(
        "createOffender",
        "create_offender",
        parameters,
        offender_id,
        _fact_change(**{k: v for k, v in offender.items() if k not in {"aliasText", "nameKeys"}}),
        refusals={"PNC_TAKEN": _pnc_taken(pnc)},
    )


def _pnc_taken(pnc: str) -> Conflict:
    return Conflict(f"`pncId` {pnc} is already on the register")


def update_offender(
    principal: Principal,
    today: dt.date,
    *,
    id: str,
    version: int,
    forename: str | None = None,
    surname: str | None = None,
    dob: dt.date | None = None,
    gender: Gender | None = None,
    nominal_type: NominalType | None = None,
    mappa_category: int | None = None,
    mappa_level: int | None = None,
    risk_level: RiskLevel | None = None,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "updateOffender")
    changes: dict[str, Any] = {}
    if forename is not None:
        changes["forename"] = rules.name("forename", forename)
    if surname is not None:
        changes["surname"] = rules.name("surname", surname)
    if dob is not None:
        changes["dob"] = rules.past_date("dob", dob, today)
    if gender is not None:
        changes["gender"] = gender.value
    if nominal_type is not None:
        changes["nominalType"] = nominal_type.value
    if mappa_category is not None:
        changes["mappaCategory"] = rules.in_range("mappaCategory", mappa_category, 1, 4)
    if mappa_level is not None:
        changes["mappaLevel"] = rules.in_range("mappaLevel", mappa_level, 1, 3)
    if risk_level is not None:
        changes["riskLevel"] = risk_level.value
    if not changes:
        raise BadUserInput("give at least one property to change besides `id` and `version`")
    parameters = _offender_write(principal, id, today)
    parameters |= {"expectedVersion": version, "changes": changes}
    return Write(
        "updateOffender",
        "update_offender",
        parameters,
        id,
        _fact_change(version=version, **changes),
        names_changed="forename" in changes or "surname" in changes,
    )


def add_alias(principal: Principal, today: dt.date, *, offender_id: str, alias: str) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "addAlias")
    cleaned = rules.name("alias", alias)
    parameters = _offender_write(principal, offender_id, today)
    parameters["alias"] = cleaned
    return Write(
        "addAlias", "add_alias", parameters, offender_id, {"alias": cleaned}, names_changed=True
    )


# --- facts -----------------------------------------------------------------------------------


def record_address(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    from_: dt.date,
    to: dt.date | None = None,
    main: bool = True,
    classification: Classification = Classification.OFFICIAL,
    address_id: str | None = None,
    address: NewAddress | None = None,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "recordAddress")
    rules.exactly_one("addressId", address_id, "address", address)
    rules.period(from_, to, today)
    new_address = None
    if address is not None:
        new_address = _new_address(address)
    parameters = _offender_write(
        principal, offender_id, today, classification,
        addressId=address_id, address=new_address, newAddressId=new_id("adr"), main=main,
        to=to, **{"from": from_},
    )  # fmt: skip
    return Write(
        "recordAddress",
        "record_address",
        parameters,
        offender_id,
        _fact_change(
            addressId=address_id,
            address=_plain(new_address),
            main=main,
            from_=from_,
            to=to,
            classification=classification,
        ),
        refusals={
            "ADDRESS_NOT_FOUND": NotFound(f"no address with id '{address_id}' is visible to you"),
            "NOT_AFTER_CURRENT": BadUserInput(
                "`from` must be after the start of the current main address; to record an "
                "earlier address give its `to` date"
            ),
        },
    )


def _new_address(address: NewAddress) -> dict[str, Any]:
    postcode = rules.postcode(address.postcode)
    values: dict[str, Any] = {
        "line1": rules.text("address.line1", address.line1, 200),
        "town": rules.text("address.town", address.town, 100),
        "postcode": postcode,
        "postcodeDistrict": postcode[:-4],
        "kind": address.kind.value,
    }
    latitude, longitude = address.latitude, address.longitude
    if (latitude is None) != (longitude is None):
        raise BadUserInput("give both `address.latitude` and `address.longitude`, or neither")
    if latitude is not None and longitude is not None:
        if not -90 <= latitude <= 90 or not -180 <= longitude <= 180:
            raise BadUserInput("`address.latitude` must be -90 to 90 and `longitude` -180 to 180")
        values["location"] = WGS84Point((longitude, latitude))
    return values


def _plain(values: dict[str, Any] | None) -> dict[str, Any] | None:
    """Values for the audit record: points as latitude and longitude."""
    if values is None:
        return None
    plain = dict(values)
    location = plain.pop("location", None)
    if location is not None:
        plain["latitude"], plain["longitude"] = location.latitude, location.longitude
    return plain


def end_address(
    principal: Principal, today: dt.date, *, offender_id: str, address_id: str, on: dt.date
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "endAddress")
    rules.past_date("on", on, today)
    parameters = _offender_write(principal, offender_id, today)
    parameters |= {"addressId": address_id, "on": on}
    return Write(
        "endAddress",
        "end_address",
        parameters,
        offender_id,
        _fact_change(addressId=address_id, to=on),
        refusals={
            "LINK_NOT_FOUND": NotFound(
                f"the offender has no current residence at '{address_id}' visible to you"
            ),
            "BEFORE_FROM": BadUserInput("`on` is before the residence began"),
        },
    )


def link_associate(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    type: AssociationType,
    from_: dt.date,
    to: dt.date | None = None,
    classification: Classification = Classification.OFFICIAL,
    person_id: str | None = None,
    associate: NewAssociate | None = None,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "linkAssociate")
    rules.exactly_one("personId", person_id, "associate", associate)
    if person_id == offender_id:
        raise BadUserInput("`personId` is the offender itself; an association needs two people")
    rules.period(from_, to, today)
    new_person = None
    if associate is not None:
        new_person = _new_associate(associate, today)
    parameters = _offender_write(
        principal, offender_id, today, classification,
        personId=person_id, associate=new_person, type=type.value, to=to,
        **{"from": from_},
    )  # fmt: skip
    return Write(
        "linkAssociate",
        "link_associate",
        parameters,
        offender_id,
        _fact_change(
            personId=person_id,
            associate=new_person,
            type=type,
            from_=from_,
            to=to,
            classification=classification,
        ),
        refusals={
            "PERSON_NOT_FOUND": NotFound(f"no person with id '{person_id}' is visible to you"),
        },
    )


def _new_associate(associate: NewAssociate, today: dt.date) -> dict[str, Any]:
    first = rules.name("associate.forename", associate.forename)
    last = rules.name("associate.surname", associate.surname)
    aliases = [
        rules.name(f"associate.aliases[{i}]", alias)
        for i, alias in enumerate(associate.aliases or [])
    ]
    dob, gender = associate.dob, associate.gender
    return {
        "id": new_id("asc"),
        "forename": first,
        "surname": last,
        "aliases": aliases,
        "aliasText": " | ".join(aliases),
        "nameKeys": phonetic.name_keys(first, last, *aliases),
        "dob": rules.past_date("associate.dob", dob, today) if dob else None,
        "gender": gender.value,
    }


def end_association(
    principal: Principal, today: dt.date, *, offender_id: str, person_id: str, on: dt.date
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "endAssociation")
    rules.past_date("on", on, today)
    parameters = _offender_write(principal, offender_id, today)
    parameters |= {"personId": person_id, "on": on}
    return Write(
        "endAssociation",
        "end_association",
        parameters,
        offender_id,
        _fact_change(personId=person_id, to=on),
        refusals={
            "LINK_NOT_FOUND": NotFound(
                f"the offender has no current association with '{person_id}' visible to you"
            ),
            "BEFORE_FROM": BadUserInput("`on` is before the association began"),
        },
    )


def record_vehicle_use(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    role: VehicleRole,
    from_: dt.date,
    to: dt.date | None = None,
    classification: Classification = Classification.OFFICIAL,
    vehicle_id: str | None = None,
    vehicle: NewVehicle | None = None,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "recordVehicleUse")
    rules.exactly_one("vehicleId", vehicle_id, "vehicle", vehicle)
    rules.period(from_, to, today)
    new_vehicle = None
    if vehicle is not None:
        new_vehicle = {
            "vrm": rules.vrm(vehicle.vrm),
            "make": rules.text("vehicle.make", vehicle.make, 60),
            "model": rules.text("vehicle.model", vehicle.model, 60),
            "colour": rules.text("vehicle.colour", vehicle.colour, 40),
        }
    parameters = _offender_write(
        principal, offender_id, today, classification,
        vehicleId=vehicle_id, vehicle=new_vehicle, newVehicleId=new_id("veh"), role=role.value,
        to=to,
        **{"from": from_},
    )  # fmt: skip
    return Write(
        "recordVehicleUse",
        "record_vehicle_use",
        parameters,
        offender_id,
        _fact_change(
            vehicleId=vehicle_id,
            vehicle=new_vehicle,
            role=role,
            from_=from_,
            to=to,
            classification=classification,
        ),
        refusals={
            "VEHICLE_NOT_FOUND": NotFound(f"no vehicle with id '{vehicle_id}' is visible to you"),
        },
    )


def add_mark(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    type: MarkType,
    body_part: str,
    description: str,
    from_: dt.date,
    side: Side | None = None,
    orientation: str | None = None,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "addMark")
    rules.past_date("from", from_, today)
    # Stored as the vocabulary names it, so searches find it: "left forearms" is the forearm,
    # LEFT side (a side given explicitly wins).
    part, named_side = marks.normalise_body_part(rules.body_part(body_part))
    mark = {
        "id": new_id("mrk"),
        "type": type.value,
        "bodyPart": part,
        "side": side.value if side else named_side,
        "orientation": rules.text("orientation", orientation, 40, required=False),
        "description": rules.text("description", description, 1_000),
    }
    parameters = _offender_write(
        principal, offender_id, today, classification, mark=mark, **{"from": from_}
    )
    return Write(
        "addMark",
        "add_mark",
        parameters,
        offender_id,
        _fact_change(mark=mark, from_=from_, classification=classification),
    )


def add_intelligence(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    text: str,
    source: int,
    information: InformationGrade,
    handling: HandlingCode,
    review_on: dt.date,
    conditions: str | None = None,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    rules.require_role(principal, rules.INTELLIGENCE_WRITERS, "addIntelligence")
    cleaned_conditions = rules.text("conditions", conditions, 1_000, required=False)
    if handling is HandlingCode.C and cleaned_conditions is None:
        raise BadUserInput("`conditions` are required when `handling` is C")
    if handling is HandlingCode.P and cleaned_conditions is not None:
        raise BadUserInput("`conditions` apply only when `handling` is C")
    intelligence = {
        "id": new_id("int"),
        "text": rules.text("text", text),
        "source": rules.in_range("source", source, 1, 3),
        "information": information.value,
        "handling": handling.value,
        "conditions": cleaned_conditions,
        "reviewOn": rules.coming_date("reviewOn", review_on, today),
    }
    parameters = _offender_write(
        principal, offender_id, today, classification,
        intelligence=intelligence,
    )  # fmt: skip
    return Write(
        "addIntelligence",
        "add_intelligence",
        parameters,
        offender_id,
        _fact_change(intelligence=intelligence, classification=classification),
    )


def add_risk_assessment(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    tool: RiskTool,
    level: RiskLevel,
    assessed_on: dt.date,
    next_review_on: dt.date,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    rules.require_role(principal, rules.FACT_WRITERS, "addRiskAssessment")
    rules.past_date("assessedOn", assessed_on, today)
    if next_review_on <= assessed_on:
        raise BadUserInput("`nextReviewOn` must be after `assessedOn`")
    assessment = {
        "id": new_id("ras"),
        "tool": tool.value,
        "level": level.value,
        "assessedOn": assessed_on,
        "nextReviewOn": next_review_on,
    }
    parameters = _offender_write(
        principal, offender_id, today,
        classification, assessment=assessment,
    )  # fmt: skip
    return Write(
        "addRiskAssessment",
        "add_risk_assessment",
        parameters,
        offender_id,
        _fact_change(assessment=assessment, classification=classification),
    )


# --- sharing and management ------------------------------------------------------------------


def _agency_not_found(code: str) -> NotFound:
    return NotFound(f"no agency with code '{code}'")


def share_offender(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    agency: str,
    ceiling: Classification,
    mode: ShareMode,
    until: dt.date | None,
    justification: str,
) -> Write:
    rules.require_role(principal, rules.SHARE_WRITERS, "shareOffender")
    target = rules.agency_code("agency", agency)
    if ceiling.rank > principal.clearance.rank:
        raise Forbidden(f"`ceiling` {ceiling.value} is above your clearance")
    if until is not None:
        rules.coming_date("until", until, today)
    reason = rules.text("justification", justification, 1_000)
    parameters = _offender_write(
        principal, offender_id, today,
        target=target, ceiling=ceiling.value, mode=mode.value, until=until, justification=reason,
    )  # fmt: skip
    return Write(
        "shareOffender",
        "share_offender",
        parameters,
        offender_id,
        _fact_change(agency=target, ceiling=ceiling, mode=mode, until=until, justification=reason),
        refusals=_agency_refusals(target),
    )


def revoke_share(principal: Principal, today: dt.date, *, offender_id: str, agency: str) -> Write:
    rules.require_role(principal, rules.SHARE_WRITERS, "revokeShare")
    target = rules.agency_code("agency", agency)
    parameters = _offender_write(principal, offender_id, today, target=target)
    return Write(
        "revokeShare",
        "revoke_share",
        parameters,
        offender_id,
        {"agency": target},
        refusals={
            "SHARE_NOT_FOUND": NotFound(f"the offender has no current share with {target}"),
        },
    )


def _agency_refusals(target: str) -> dict[str, ApiError]:
    """How a share or transfer naming agency `target` is refused, once the offender is known
    to be the writer's (an unknown offender is NOT_FOUND first, whatever the agency)."""
    return {
        "AGENCY_NOT_FOUND": _agency_not_found(target),
        "OWN_AGENCY": BadUserInput("`agency` is your own agency, which manages the offender"),
    }


def transfer_management(
    principal: Principal, today: dt.date, *, offender_id: str, agency: str
) -> Write:
    rules.require_role(principal, rules.SHARE_WRITERS, "transferManagement")
    target = rules.agency_code("agency", agency)
    parameters = _offender_write(principal, offender_id, today, target=target)
    return Write(
        "transferManagement",
        "transfer_management",
        parameters,
        offender_id,
        {"from": principal.agency, "to": target},
        refusals=_agency_refusals(target),
    )


# --- photos ----------------------------------------------------------------------------------


def add_photo(
    principal: Principal,
    today: dt.date,
    *,
    offender_id: str,
    mark_id: str | None,
    photo: dict[str, Any],
    taken_on: dt.date,
    classification: Classification = Classification.OFFICIAL,
) -> Write:
    """`photo` holds sha256, mediaType, width and height of the stored image."""
    rules.require_role(principal, rules.FACT_WRITERS, "uploadPhoto")
    rules.past_date("takenOn", taken_on, today)
    values = {"id": new_id("pho"), "takenOn": taken_on, **photo}
    parameters = _offender_write(
        principal, offender_id, today, classification,
        markId=mark_id, photo=values, **{"from": taken_on},
    )  # fmt: skip
    return Write(
        "uploadPhoto",
        "add_photo",
        parameters,
        offender_id,
        _fact_change(
            markId=mark_id, sha256=photo["sha256"], takenOn=taken_on, classification=classification
        ),
        refusals={"MARK_NOT_FOUND": NotFound(f"no mark with id '{mark_id}' is visible to you")},
    )
