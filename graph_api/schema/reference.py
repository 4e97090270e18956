"""Reference data every authenticated principal may read: who they are, which agencies exist."""

from __future__ import annotations

import strawberry

from graph_api.schema.enums import AgencyKind, Classification, Role


@strawberry.type(description="An agency that manages, shares or records information.")
class Agency:
    id: strawberry.ID
    code: str
    name: str
    kind: AgencyKind
    region: str | None
    public_protection_contact: str | None = strawberry.field(
        description="Whom to call about its offenders: the public-protection unit's desk."
    )


@strawberry.type(description="The authenticated principal making this request.")
class Me:
    user_id: str
    agency: str
    roles: list[Role]
    clearance: Classification
    purpose: str | None
