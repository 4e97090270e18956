"""Registers the domain enumerations with Strawberry, once, so the schema can use them."""

from __future__ import annotations

import strawberry

from graph_api.domain import (
    AccessRequestState,
    AddressKind,
    AgencyKind,
    AssociationType,
    Classification,
    DueKind,
    Gender,
    HandlingCode,
    InformationGrade,
    LicenceConditionKind,
    LinkType,
    MarkType,
    NominalType,
    RiskLevel,
    RiskTool,
    Role,
    ShareMode,
    ShareState,
    Side,
    VehicleRole,
)

_VOCABULARIES = (
    AccessRequestState, AddressKind, AgencyKind, AssociationType, Classification, DueKind,
    Gender, HandlingCode, InformationGrade, LicenceConditionKind, LinkType, MarkType,
    NominalType, RiskLevel, RiskTool, Role, ShareMode, ShareState, Side, VehicleRole,
)  # fmt: skip
for _vocabulary in _VOCABULARIES:
    strawberry.enum(_vocabulary)

__all__ = [
    "AccessRequestState",
    "AddressKind",
    "AgencyKind",
    "AssociationType",
    "Classification",
    "DueKind",
    "Gender",
    "HandlingCode",
    "InformationGrade",
    "LicenceConditionKind",
    "LinkType",
    "MarkType",
    "NominalType",
    "RiskLevel",
    "RiskTool",
    "Role",
    "ShareMode",
    "ShareState",
    "Side",
    "VehicleRole",
]
