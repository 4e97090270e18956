"""The register's GraphQL types (docs/design.md §5).

Objects here are shaped by the planner: each root field runs one Cypher statement that returns
nested maps keyed by the client's response keys, and every field below a root reads its value
from that map (see `planned_field`). So the classes declare the contract (names, types,
arguments, descriptions); they hold no per-object queries.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Annotated

import strawberry

from graph_api.planner.projection import DEFAULT_PAGE
from graph_api.schema.enums import (
    AccessRequestState,
    AddressKind,
    AssociationType,
    Classification,
    Gender,
    HandlingCode,
    InformationGrade,
    LinkType,
    MarkType,
    NominalType,
    RiskLevel,
    RiskTool,
    ShareMode,
    Side,
    VehicleRole,
)
from graph_api.schema.links import (
    After,
    AsOf,
    Connection,
    FactLink,
    First,
    Node,
    PageInfo,
)
from graph_api.schema.mappa_types import OffenderMappaLinks
from graph_api.schema.reference import Agency

# --- building blocks ------------------------------------------------------------------------


@strawberry.type(description="A WGS-84 point.")
class Location:
    latitude: float
    longitude: float


@strawberry.type(description="Metadata of a photograph; the bytes are served by GET /photos/{id}.")
class Photo(Node):
    id: strawberry.ID
    sha256: str
    media_type: str
    width: int
    height: int
    taken_on: dt.date | None
    url: str = strawberry.field(
        description="The image, at a short-lived URL signed for the user asking (for an <img> "
        "tag, which sends no bearer token): it expires in minutes, answers 404 to anyone "
        "else, and each use is audited."
    )
    thumbnail_url: str = strawberry.field(
        description="The 256-pixel thumbnail, at a signed URL like `url`."
    )


@strawberry.type
class MarkFacts:
    """What a mark is, declared once for the register's `Mark` and a card's `CardMark`."""

    id: strawberry.ID
    type: MarkType
    body_part: str
    side: Side | None
    orientation: str | None
    description: str


@strawberry.type(description="An OFFICIAL mark on an identification card.")
class CardMark(MarkFacts):
    from_: dt.date = strawberry.field(name="from")
    to: dt.date | None
    photos: list[Photo] = strawberry.field(description="Its OFFICIAL photographs, newest first.")


@strawberry.type(description="An OFFICIAL vehicle link on an identification card.")
class CardVehicle:
    id: strawberry.ID
    vrm: str
    make: str
    model: str
    colour: str
    role: VehicleRole
    from_: dt.date = strawberry.field(name="from")
    to: dt.date | None


@strawberry.type(
    description="What a NATIONAL_SEARCH principal may see of an offender outside its scope, to "
    "identify a person (rule 4): names, date of birth, gender, and the photographs, marks and "
    "vehicle links classified OFFICIAL. Never addresses, associates, intelligence, risk, "
    "anything above OFFICIAL or onward links."
)
class IdentificationCard:
    forename: str
    surname: str
    aliases: list[str]
    dob: dt.date | None
    gender: Gender
    photos: list[Photo] = strawberry.field(description="OFFICIAL face photographs, newest first.")
    marks: list[CardMark] = strawberry.field(description="OFFICIAL marks, newest first.")
    vehicles: list[CardVehicle] = strawberry.field(
        description="OFFICIAL vehicle links, newest first."
    )


@strawberry.type(
    description="A request for a share of an offender, from an agency that met it as a "
    "RestrictedNominal to the agency that manages it (rule 8). Both sides see it."
)
class AccessRequest(Node):
    id: strawberry.ID
    offender: Nominal = strawberry.field(description="The offender, as the principal sees it now.")
    requester_agency: Agency
    requester_user_id: str
    managing_agency: Agency = strawberry.field(description="The agency asked (at the time).")
    purpose: str | None
    justification: str
    mode: ShareMode
    ceiling: Classification = strawberry.field(description="The highest classification asked for.")
    state: AccessRequestState
    requested_at: dt.datetime
    decided_at: dt.datetime | None
    decided_by: str | None = strawberry.field(description="User who decided or withdrew it.")
    reason: str | None = strawberry.field(description="Why it was refused (or a note on approval).")
    granted_ceiling: Classification | None
    granted_until: dt.date | None


@strawberry.type(
    description="An offender outside the principal's scope: its id and managing agency (with "
    "the agency's public-protection contact), so an analyst knows whom to ask; and, for "
    "NATIONAL_SEARCH only, its identification card."
)
class RestrictedNominal(Node):
    id: strawberry.ID
    managing_agency: Agency
    card: IdentificationCard | None = strawberry.field(
        description="The identification card. Requires NATIONAL_SEARCH; null otherwise."
    )
    access_request: AccessRequest | None = strawberry.field(
        description="Your agency's latest request for a share of it, if any (`requestAccess`)."
    )


# --- people ---------------------------------------------------------------------------------


@strawberry.type
class PersonLinks:
    """The link lists every person has (offenders add their own), declared once, on the
    `Person` interface: one fragment on `Person` serves offenders and associates alike."""

    @strawberry.field(description="Where the person lives or has lived.")
    def addresses(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> AddressLinkConnection:
        raise NotImplementedError  # never called: answered from the planned record

    @strawberry.field(description="People the person is associated with.")
    def associates(
        self,
        as_of: AsOf = None,
        types: list[AssociationType] | None = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> AssociateLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="Vehicles the person keeps, drives or travels in.")
    def vehicles(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> VehicleLinkConnection:
        raise NotImplementedError


@strawberry.interface(description="A person: an offender on the register or an associate.")
class Person(Node, PersonLinks):
    id: strawberry.ID
    forename: str
    surname: str
    aliases: list[str]
    dob: dt.date | None
    gender: Gender


@strawberry.type(description="A nominal on the register, within the principal's scope.")
class Offender(Person, OffenderMappaLinks):
    pnc_id: str
    nominal_type: NominalType
    mappa_category: int
    mappa_level: int
    risk_level: RiskLevel
    version: int = strawberry.field(description="Increases with every change (for updates).")
    managing_agency: Agency
    photos: list[Photo] = strawberry.field(
        description="Photographs of the offender, newest first; bytes at GET /photos/{id}."
    )
    photos_withheld: bool = strawberry.field(
        description="True when photographs of the offender exist that the principal may not see."
    )

    @strawberry.field(description="Scars, tattoos and other distinguishing marks.")
    def marks(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> MarkLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="Intelligence about the offender, graded 3x5x2.")
    def intelligence(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> IntelligenceLinkConnection:
        raise NotImplementedError

    @strawberry.field(description="Risk assessments, most recent first.")
    def risk_assessments(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> RiskAssessmentLinkConnection:
        raise NotImplementedError


@strawberry.type(description="A person linked to offenders who is not a nominal.")
class Associate(Person):
    pass


Nominal = Annotated[
    Offender | RestrictedNominal,
    strawberry.union(
        "Nominal", description="An offender: in full when in scope, else a RestrictedNominal."
    ),
]
LinkedPerson = Annotated[
    Offender | Associate | RestrictedNominal,
    strawberry.union("LinkedPerson", description="The person at the other end of a link."),
]


# --- places, vehicles, marks, intelligence --------------------------------------------------


@strawberry.type
class IntelligenceLinks:
    """The intelligence list of an address or a vehicle, declared once."""

    @strawberry.field(description="Intelligence about it, within the cap it was reached with.")
    def intelligence(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> IntelligenceLinkConnection:
        raise NotImplementedError


@strawberry.type(description="A place where people live or stay.")
class Address(Node, IntelligenceLinks):
    id: strawberry.ID
    line1: str
    town: str
    postcode: str
    postcode_district: str
    location: Location | None
    kind: AddressKind

    @strawberry.field(description="Visible people who live or lived here.")
    def residents(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> ResidentLinkConnection:
        raise NotImplementedError


@strawberry.type(description="A vehicle, by its registration mark (stored without spaces).")
class Vehicle(Node, IntelligenceLinks):
    id: strawberry.ID
    vrm: str
    make: str
    model: str
    colour: str

    @strawberry.field(description="Visible people who keep, drive or travel in it.")
    def users(
        self,
        as_of: AsOf = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> VehicleUserLinkConnection:
        raise NotImplementedError


@strawberry.type(description="A distinguishing mark: scar, tattoo, piercing ...")
class Mark(MarkFacts, Node):
    id: strawberry.ID
    photos: list[Photo] = strawberry.field(
        description="Photographs of the mark, newest first; bytes at GET /photos/{id}."
    )
    photos_withheld: bool = strawberry.field(
        description="True when photographs of the mark exist that the principal may not see."
    )


@strawberry.type(description="A piece of intelligence, graded 3x5x2.")
class Intelligence(Node):
    id: strawberry.ID
    text: str
    source: int = strawberry.field(description="Source evaluation, 1 (reliable) to 3.")
    information: InformationGrade = strawberry.field(description="Information evaluation, A to E.")
    handling: HandlingCode = strawberry.field(
        description="P (lawful sharing permitted) or C (conditions)."
    )
    conditions: str | None
    review_on: dt.date | None
    recorded_on: dt.date | None


@strawberry.type(description="A structured risk assessment.")
class RiskAssessment(Node):
    id: strawberry.ID
    tool: RiskTool
    level: RiskLevel
    assessed_on: dt.date
    next_review_on: dt.date | None


# --- links (edges) and their connections ----------------------------------------------------


@strawberry.type(description="A person's residence at an address.")
class AddressLink(FactLink):
    main: bool
    address: Address


@strawberry.type(description="A resident of an address.")
class ResidentLink(FactLink):
    main: bool
    person: LinkedPerson


@strawberry.type(description="An association between two people.")
class AssociateLink(FactLink):
    type: AssociationType
    person: LinkedPerson


@strawberry.type(description="A person's use of a vehicle.")
class VehicleLink(FactLink):
    role: VehicleRole
    vehicle: Vehicle


@strawberry.type(description="A user of a vehicle.")
class VehicleUserLink(FactLink):
    role: VehicleRole
    person: LinkedPerson


@strawberry.type(description="A mark a person bears.")
class MarkLink(FactLink):
    mark: Mark


@strawberry.type(description="Intelligence recorded about a subject.")
class IntelligenceLink(FactLink):
    intelligence: Intelligence


@strawberry.type(description="A risk assessment of an offender.")
class RiskAssessmentLink(FactLink):
    assessment: RiskAssessment


AddressLinkConnection = Connection[AddressLink]
ResidentLinkConnection = Connection[ResidentLink]
AssociateLinkConnection = Connection[AssociateLink]
VehicleLinkConnection = Connection[VehicleLink]
VehicleUserLinkConnection = Connection[VehicleUserLink]
MarkLinkConnection = Connection[MarkLink]
IntelligenceLinkConnection = Connection[IntelligenceLink]
RiskAssessmentLinkConnection = Connection[RiskAssessmentLink]


# --- root results ---------------------------------------------------------------------------


@strawberry.type
class OffenderEdge:
    cursor: str
    node: Offender


@strawberry.type
class OffenderConnection:
    edges: list[OffenderEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many match in all (a name search counts at most its 1,000 candidates)."
    )


@strawberry.type(description="A name-search match with its relevance score.")
class SearchHit:
    cursor: str
    score: float
    nominal: Nominal


@strawberry.type
class SearchHitConnection:
    edges: list[SearchHit]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many match in all (a name search counts at most its 1,000 candidates)."
    )


@strawberry.type(
    description="A mark-search match: the mark and the offender bearing it, in full when in "
    "scope, else (NATIONAL_SEARCH, OFFICIAL marks only) a RestrictedNominal with its card."
)
class MarkHit:
    cursor: str
    score: float
    mark: Mark
    bearer: Nominal


@strawberry.type
class MarkHitConnection:
    edges: list[MarkHit]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many match in all (a name search counts at most its 1,000 candidates)."
    )


@strawberry.type
class VehicleEdge:
    cursor: str
    node: Vehicle = strawberry.field(
        description="The vehicle. Found only through an identification card, it has no "
        "onward links (its lists are empty and `withheld`)."
    )
    nominals: list[Nominal] = strawberry.field(
        description="Offenders who use it as the principal may see them: in scope in full, "
        "and for NATIONAL_SEARCH out-of-scope users with an OFFICIAL link, as RestrictedNominal."
    )


@strawberry.enum(description="What a photograph of the gallery shows.")
class PhotoSubject(Enum):
    FACE = "FACE"
    MARK = "MARK"


@strawberry.type(
    description="A photograph of a matching mark, or of its bearer's face, with the bearer: in "
    "full when in scope, else (NATIONAL_SEARCH, OFFICIAL only) a RestrictedNominal."
)
class PhotoHit:
    score: float
    subject: PhotoSubject
    photo: Photo
    mark: Mark | None = strawberry.field(description="The mark shown; null for a face.")
    nominal: Nominal


@strawberry.type(description="A candidate of a witness enquiry, with why it matched.")
class IdentifyCandidate:
    score: float = strawberry.field(description="The sum of what the clues matched; higher first.")
    reasons: list[str] = strawberry.field(
        description="What matched, in words: \"tattoo, left forearm: 'serpent' ~ 'snake'\"."
    )
    nominal: Nominal


@strawberry.input(description="A mark the witness saw; every given part must hold.")
class MarkClue:
    type: MarkType | None = None
    body_part: str | None = strawberry.field(
        default=None, description="Words of `markVocabulary`: 'arm' also finds 'forearm'."
    )
    side: Side | None = None
    words: str | None = strawberry.field(
        default=None, description="What it shows: matched by stem, synonym and one typo."
    )


@strawberry.input(description="A vehicle the witness saw; every given part must hold.")
class VehicleClue:
    vrm: str | None = strawberry.field(
        default=None, description="Plate pattern: `?` one unknown character, `*` any run."
    )
    make: str | None = None
    model: str | None = None
    colour: str | None = None


@strawberry.input(
    description="A place: a postcode, or a point and radius (at most 50 km, default 1 km), "
    "against current and past addresses (those valid on `on`, when given)."
)
class PlaceClue:
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_metres: float | None = None
    on: dt.date | None = None


@strawberry.type(description="A body part of the mark vocabulary and the parts it covers.")
class BodyPartTerm:
    name: str
    sided: bool = strawberry.field(description="Whether a mark there is LEFT or RIGHT.")
    parts: list[str] = strawberry.field(description="Narrower parts a search for it also finds.")
    synonyms: list[str]


@strawberry.type(description="The words mark searches understand, for client pickers.")
class MarkVocabulary:
    types: list[MarkType]
    sides: list[Side]
    body_parts: list[BodyPartTerm]
    synonyms: list[list[str]] = strawberry.field(
        description="Groups of description words that find one another (e.g. snake, serpent)."
    )


@strawberry.type
class VehicleConnection:
    edges: list[VehicleEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many match in all (a name search counts at most its 1,000 candidates)."
    )


@strawberry.type
class AddressEdge:
    cursor: str
    node: Address


@strawberry.type
class AddressConnection:
    edges: list[AddressEdge]
    page_info: PageInfo
    total_count: int = strawberry.field(
        description="How many match in all (a name search counts at most its 1,000 candidates)."
    )


@strawberry.type(description="An in-scope offender whose current address is near a point.")
class NearbyOffender:
    distance_metres: float
    offender: Offender
    address: Address


NetworkNode = Annotated[
    Offender | Associate | Address | Vehicle | Mark | RestrictedNominal,
    strawberry.union("NetworkNode", description="A node of a network or path."),
]


@strawberry.type(description="A visible link between two nodes of a network or path.")
class NetworkEdge:
    source: strawberry.ID
    target: strawberry.ID
    type: LinkType
    from_: dt.date | None = strawberry.field(name="from")
    to: dt.date | None
    agency: str | None
    classification: Classification | None


@strawberry.type(description="A person's visible network, for drawing.")
class Network:
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


@strawberry.type(description="A shortest visible path between two people.")
class Path:
    length: int
    nodes: list[NetworkNode]
    edges: list[NetworkEdge]


@strawberry.input(description="Filters for `offenders`; every given filter must hold.")
class OffenderFilter:
    nominal_types: list[NominalType] | None = None
    mappa_categories: list[int] | None = None
    mappa_levels: list[int] | None = None
    risk_levels: list[RiskLevel] | None = None
    managing_agency: str | None = strawberry.field(default=None, description="Agency code.")
    postcode_district: str | None = strawberry.field(
        default=None, description="Outward code of the current main address, e.g. SW1A."
    )


@strawberry.enum(description="Orderings of `offenders`.")
class OffenderOrder(Enum):
    SURNAME = "SURNAME"
    DATE_OF_BIRTH = "DATE_OF_BIRTH"
    RISK_LEVEL = "RISK_LEVEL"


@strawberry.type(description="One audited request that disclosed or changed an offender's data.")
class AuditRecord:
    id: strawberry.ID
    at: dt.datetime
    request_id: str = strawberry.field(description="The id the server gave the request.")
    correlation_id: str | None = strawberry.field(
        description="The client's own `X-Request-Id`, if it sent a plain one (8-64 characters)."
    )
    user_id: str
    agency: str
    roles: list[str]
    purpose: str | None
    operation: str | None = strawberry.field(description="The GraphQL operation name, if any.")
    document_hash: str = strawberry.field(description="SHA-256 of the GraphQL document.")
    fields: list[str] = strawberry.field(description="Root fields the request ran.")
    offender_ids: list[str] = strawberry.field(description="Offenders disclosed in full.")
    restricted_ids: list[str] = strawberry.field(description="Offenders shown only as stubs.")
    changes: str | None = strawberry.field(description="What a mutation changed, as JSON.")
    disclosure: str = strawberry.field(description="FULL or RESTRICTED, for this offender.")


@strawberry.type
class AuditRecordEdge:
    cursor: str
    node: AuditRecord


@strawberry.type
class AuditRecordConnection:
    edges: list[AuditRecordEdge]
    page_info: PageInfo
