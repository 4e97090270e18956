"""Adding and changing agencies: reference data, not offender data, so no audit record.

An ADMIN of the register's owning agency (GRAPH_API_OWNING_AGENCY) adds agencies and changes
any; any other ADMIN changes its own agency only (docs/security.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from graph_api import cypher_files
from graph_api.db import CommitOutcomeUnknown
from graph_api.domain import AgencyKind, Role
from graph_api.errors import Conflict, Forbidden, NotFound, OutcomeUnknown
from graph_api.writes import _rules as rules

if TYPE_CHECKING:
    from graph_api.db import Database, Transaction
    from graph_api.identity import Principal


@dataclass(frozen=True)
class AgencyChange:
    """A new agency (every field but `region` given), or changes to one (None keeps)."""

    code: str
    name: str | None = None
    kind: AgencyKind | None = None
    region: str | None = None


async def save_agency(
    database: Database,
    principal: Principal,
    owning_agency: str,
    change: AgencyChange,
    *,
    create: bool,
) -> dict[str, Any]:
    """Create or update an agency; answers the agency as stored."""
    if not principal.has(Role.ADMIN):
        raise Forbidden("managing agencies needs the ADMIN role")
    code = rules.agency_code("code", change.code)
    if principal.agency != owning_agency and (create or code != principal.agency):
        raise Forbidden(
            f"only an ADMIN of the register's owning agency ({owning_agency}) creates agencies "
            "or changes another agency's record"
        )
    parameters = {
        "create": create,
        "code": code,
        "id": "agy_" + code.lower(),
        # A name given must not be blank; a new agency must have one.
        "name": rules.text("name", change.name, 200, required=create or change.name is not None),
        "region": rules.text("region", change.region, 200, required=change.region is not None),
        "kind": change.kind.value if change.kind is not None else None,
    }

    async def save(tx: Transaction) -> list[dict[str, Any]]:
        return await tx.run(cypher_files.write("save_agency"), parameters)

    try:  # an explicit commit: a lost answer is known to be one (no audit record to settle it)
        [record] = await database.transaction(save)
    except CommitOutcomeUnknown:
        raise OutcomeUnknown(
            "the answer to this change's commit was lost; read the agency (or send the same "
            "request again: creating an agency that exists answers CONFLICT)"
        ) from None
    if record["status"] == "EXISTS":
        raise Conflict(f"an agency with code {code} already exists")
    if record["status"] == "NOT_FOUND":
        raise NotFound(f"no agency has code {code}")
    agency: dict[str, Any] = record["agency"]
    return agency
