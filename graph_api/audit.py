"""The section-62 audit trail (docs/design.md §6): what each request disclosed, written durably.

Root resolvers report what they return (`Disclosure.saw`); before the response leaves, the
`AuditTrail` extension writes one record per request that consulted offender data. If that
write fails, the client gets UNAVAILABLE and no data.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import uuid
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_api import cypher_files, deadline
from graph_api.planner.markers import ID_KEY, TYPE_KEY

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
        """Note a root field's planned value: the planner marks every offender and restricted
        nominal it put there (`TYPE_KEY`, `ID_KEY`), whatever the client selected or aliased."""
        self.fields.append(root_field)
        self._disclosed(value)

    def _disclosed(self, value: Any) -> None:
        stack = [value]
        while stack:
            item = stack.pop()
            if isinstance(item, dict):
                kind = item.get(TYPE_KEY)
                if kind == "Offender":
                    self.offender_ids.add(item[ID_KEY])
                elif kind == "RestrictedNominal":
                    self.restricted_ids.add(item[ID_KEY])
                stack.extend(item.values())
            elif isinstance(item, list):
                stack.extend(item)

    def changed(
        self,
        root_field: str,
        offender_id: str,
        change: dict[str, Any],
        value: Any = None,
        *,
        restricted: bool = False,
    ) -> None:
        """Note a change made by a mutation (what changed, for the record), and the changed
        object it answers with (`value`, shaped like a root field's value). `restricted`: the
        writer sees the offender only as a RestrictedNominal (an access request)."""
        self.fields.append(root_field)
        (self.restricted_ids if restricted else self.offender_ids).add(offender_id)
        self.changes.append({"field": root_field, "offenderId": offender_id, **change})
        self._disclosed(value)


def document_hash(document: str | None) -> str:
    """SHA-256 of the GraphQL document as sent."""
    return hashlib.sha256((document or "").encode()).hexdigest()


def audit_record(
    principal: Principal,
    request_id: str,
    operation_name: str | None,
    document: str | None,
    disclosure: Disclosure,
    correlation_id: str | None = None,
) -> dict[str, Any]:
    """The audit record of what `disclosure` saw or changed, as `audit_records.cypher` takes it.

    `request_id` is the server's; `correlation_id` the client's own, checked, id if it sent one.
    """
    return {
        "id": "aud_" + uuid.uuid4().hex,
        "requestId": request_id,
        "correlationId": correlation_id,
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
    }


async def write_audit_record(
    database: Database,
    principal: Principal,
    request_id: str,
    operation_name: str | None,
    document: str | None,
    disclosure: Disclosure,
    correlation_id: str | None = None,
) -> str:
    """Write the record; returns once it is committed (durable) in the database."""
    record = audit_record(
        principal, request_id, operation_name, document, disclosure, correlation_id
    )
    writer = _writers.get(database)
    if writer is None:
        writer = _writers[database] = GroupCommit(database)
    await writer.write(record)
    return str(record["id"])


class GroupCommit:
    """Writes the audit records of concurrent requests in one transaction (group commit).

    Each request still waits until the transaction holding its record has committed, so the
    record is durable before the response leaves; requests that arrive while a commit is in
    flight share the next one, so under load one commit serves many requests.
    """

    def __init__(self, database: Database) -> None:
        self.database = database
        self._pending: list[tuple[dict[str, Any], asyncio.Future[None]]] = []
        self._flushing: asyncio.Task[None] | None = None

    async def write(self, record: dict[str, Any]) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((record, done))
        if self._flushing is None or self._flushing.done():
            self._flushing = asyncio.create_task(self._flush())
        async with deadline.bounded():  # this request's deadline, not the batch's
            await asyncio.shield(done)

    async def _flush(self) -> None:
        while self._pending:
            batch, self._pending = self._pending, []
            try:
                # Each batch has its own deadline (the statement timeout), whichever request
                # started the flushing task.
                with deadline.request_deadline(self.database.timeout):
                    await self.database.write(
                        cypher_files.query("audit_records"), {"records": [r for r, _ in batch]}
                    )
            except Exception as error:  # every waiting request learns its record failed
                for _, done in batch:
                    if not done.done():
                        done.set_exception(error)
                        done.exception()  # retrieved: a request past its deadline left it
            else:
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)


#: One group-commit writer per database handle (one per application).
_writers: weakref.WeakKeyDictionary[Database, GroupCommit] = weakref.WeakKeyDictionary()
