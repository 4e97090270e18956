"""The register's vocabulary: the enumerations stored in the graph and exposed in the schema."""

from __future__ import annotations

from enum import StrEnum


class Classification(StrEnum):
    """Government security classification of a fact, lowest first."""

    OFFICIAL = "OFFICIAL"
    OFFICIAL_SENSITIVE = "OFFICIAL_SENSITIVE"
    SECRET = "SECRET"  # noqa: S105 - a classification, not a password

    @property
    def rank(self) -> int:
        """1 for OFFICIAL up to 3 for SECRET; 0 is reserved for 'sees nothing'."""
        return CLASSIFICATION_RANK[self.value]


#: Rank of each classification; also sent to Cypher as a parameter map.
CLASSIFICATION_RANK: dict[str, int] = {"OFFICIAL": 1, "OFFICIAL_SENSITIVE": 2, "SECRET": 3}


class Role(StrEnum):
    """What a user may do, granted by their agency."""

    ANALYST = "ANALYST"
    OFFENDER_MANAGER = "OFFENDER_MANAGER"
    MAPPA_COORDINATOR = "MAPPA_COORDINATOR"
    SUPERVISOR = "SUPERVISOR"
    NATIONAL_SEARCH = "NATIONAL_SEARCH"
    ADMIN = "ADMIN"


class NominalType(StrEnum):
    RSO = "RSO"
    VIOLENT = "VIOLENT"
    TERRORIST = "TERRORIST"
    PDP = "PDP"


class RiskLevel(StrEnum):
    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    VERY_HIGH = "VERY_HIGH"


class Gender(StrEnum):
    MALE = "MALE"
    FEMALE = "FEMALE"
    OTHER = "OTHER"
    UNKNOWN = "UNKNOWN"


class AddressKind(StrEnum):
    HOUSEHOLD = "HOUSEHOLD"
    HOSTEL = "HOSTEL"
    APPROVED_PREMISES = "APPROVED_PREMISES"
    HMO = "HMO"
    NO_FIXED_ABODE = "NO_FIXED_ABODE"


class AssociationType(StrEnum):
    FAMILY = "FAMILY"
    PARTNER = "PARTNER"
    CO_OFFENDER = "CO_OFFENDER"
    FRIEND = "FRIEND"
    EMPLOYER = "EMPLOYER"
    OTHER = "OTHER"


class VehicleRole(StrEnum):
    KEEPER = "KEEPER"
    DRIVER = "DRIVER"
    PASSENGER = "PASSENGER"


class MarkType(StrEnum):
    SCAR = "SCAR"
    TATTOO = "TATTOO"
    MARK = "MARK"
    PIERCING = "PIERCING"
    BIRTHMARK = "BIRTHMARK"
    DEFORMITY = "DEFORMITY"


class Side(StrEnum):
    LEFT = "LEFT"
    RIGHT = "RIGHT"
    CENTRE = "CENTRE"


class AgencyKind(StrEnum):
    POLICE = "POLICE"
    PROBATION = "PROBATION"
    PRISON = "PRISON"
    NCA = "NCA"
    DUTY_TO_COOPERATE = "DUTY_TO_COOPERATE"


class ShareMode(StrEnum):
    READ = "READ"
    CONTRIBUTE = "CONTRIBUTE"


class AccessRequestState(StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REFUSED = "REFUSED"
    WITHDRAWN = "WITHDRAWN"


class RiskTool(StrEnum):
    RM2000 = "RM2000"
    ARMS = "ARMS"
    OASYS = "OASYS"


class InformationGrade(StrEnum):
    """3x5x2 information evaluation: A (known directly) to E (suspected false)."""

    A = "A"
    B = "B"
    C = "C"
    D = "D"
    E = "E"


class HandlingCode(StrEnum):
    """3x5x2 handling: P (lawful sharing permitted) or C (sharing only under conditions)."""

    P = "P"
    C = "C"


class LinkType(StrEnum):
    """Relationship types an analysis (network, shortest path) may walk."""

    RESIDES_AT = "RESIDES_AT"
    ASSOCIATED_WITH = "ASSOCIATED_WITH"
    USES = "USES"
    HAS_MARK = "HAS_MARK"


class LicenceConditionKind(StrEnum):
    """What a licence or order condition restricts (docs/design.md §3, `LicenceCondition`)."""

    EXCLUSION_ZONE = "EXCLUSION_ZONE"
    CURFEW = "CURFEW"
    NO_CONTACT = "NO_CONTACT"
    RESIDENCE = "RESIDENCE"
    OTHER = "OTHER"


class DueKind(StrEnum):
    """What falls due for a managed offender (`mappaDue`)."""

    RISK_REVIEW = "RISK_REVIEW"
    NOTIFICATION = "NOTIFICATION"
    LICENCE_END = "LICENCE_END"
    RELEASE = "RELEASE"
    ACTION = "ACTION"


class ShareState(StrEnum):
    """Where a share stands today: valid, ended, or agreed and not yet begun."""

    CURRENT = "CURRENT"
    LAPSED = "LAPSED"
    FUTURE = "FUTURE"
