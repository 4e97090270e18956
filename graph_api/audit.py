"""The section-62 audit trail (DESIGN.md §6): what each request disclosed, written durably.

Root resolvers report what they return (`Disclosure.saw`); before the response leaves, the
`AuditTrail` extension writes one record per request that consulted offender data. If that
write fails, the client gets UNAVAILABLE and no data.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_api import cypher_files

if TYPE_CHECKING:
    from graph_api.db import Database
    from graph_api.identity import Principal


@dataclass
class Disclosure:
    """What one request consulted or changed: root fields, offender ids, changes."""

    fields: list[str] = field(default_factory=list)
    offender_ids: set[str] = field(default_factory=set)
    restricted_ids: set[str] = field(default_factory=set)
    changes: list[dict[str, Any]] = field(default_factory=list)

    @property
    def consulted(self) -> bool:
        return bool(self.fields)

    def saw(self, root_field: str, value: Any) -> None:
        """Note a root field's shaped value: every offender map in it carries `__id`."""
        self.fields.append(root_field)
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                kind = item.get("__typename")
                if kind == "Offender":
                    self.offender_ids.add(item["__id"])
                elif kind == "RestrictedNominal":
                    self.restricted_ids.add(item["__id"])
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    def changed(self, root_field: str, offender_id: str, change: dict[str, Any]) -> None:
        """Note a change made by a mutation (what changed, for the record)."""
        self.fields.append(root_field)
        self.offender_ids.add(offender_id)
        self.changes.append({"field": root_field, "offenderId": offender_id, **change})


def document_hash(document: str | None) -> str:
    """SHA-256 of the GraphQL document as sent."""
    return hashlib.sha256((document or "").encode()).hexdigest()


async def write_audit_record(
    database: Database,
    principal: Principal,
    request_id: str,
    operation_name: str | None,
    document: str | None,
    disclosure: Disclosure,
) -> str:
    """Write the record in its own transaction; returns once it is committed (durable)."""
    record_id = "aud_" + uuid.uuid4().hex
    await database.write(
        cypher_files.query("audit_record"),
        {
            "id": record_id,
            "requestId": request_id,
            "userId": principal.user_id,
            "agency": principal.agency,
            "roles": sorted(role.value for role in principal.roles),
            "purpose": principal.purpose,
            "operation": operation_name,
            "documentHash": document_hash(document),
            "fields": disclosure.fields,
            "offenderIds": sorted(disclosure.offender_ids),
            "restrictedIds": sorted(disclosure.restricted_ids),
            "changes": json.dumps(disclosure.changes, default=str) if disclosure.changes else None,
        },
    )
    return record_id
