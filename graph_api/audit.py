"""The section-62 audit trail (docs/design.md §6): what each request disclosed, written durably.

Root resolvers report what they return (`Disclosure.saw`); before the response leaves, the
`AuditTrail` extension writes one record per request that consulted offender data. If that
write fails, the client gets UNAVAILABLE and no data.

A request of one root field whose plan can name what it discloses in Cypher
(`planner.disclosed`) writes its record in the read's own statement instead
(`read_with_record`): one round trip and one commit, while few reads do so at once; past that,
records share group commits.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import uuid
import weakref
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graph_api import cypher_files, deadline
from graph_api.planner.disclosed import ids_of
from graph_api.planner.markers import ID_KEY, TYPE_KEY

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

    from graph_api.db import Database
    from graph_api.identity import Principal
    from graph_api.planner.roots import Plan


@dataclass(frozen=True)
class Recorded:
    """What the audit record written by a read's own statement names."""

    offender_ids: frozenset[str]
    restricted_ids: frozenset[str]


@dataclass
class Disclosure:
    """What one request consulted or changed: root fields, offender ids, changes."""

    fields: list[str] = field(default_factory=list)
    offender_ids: set[str] = field(default_factory=set)
    restricted_ids: set[str] = field(default_factory=set)
    changes: list[dict[str, Any]] = field(default_factory=list)
    #: Set when the request's one read wrote the request's record itself (`read_with_record`).
    recorded: Recorded | None = None

    @property
    def consulted(self) -> bool:
        return bool(self.fields)

    def unrecorded(self) -> tuple[Disclosure | None, int]:
        """Against the record the read wrote itself (`recorded`, which must be set): what this
        request disclosed that the record does not name (None when it names all), and how
        many ids it names that were not disclosed."""
        assert self.recorded is not None
        offenders = self.offender_ids - self.recorded.offender_ids
        restricted = self.restricted_ids - self.recorded.restricted_ids
        extra = len(self.recorded.offender_ids - self.offender_ids) + len(
            self.recorded.restricted_ids - self.restricted_ids
        )
        if not offenders and not restricted:
            return None, extra
        return Disclosure(list(self.fields), offenders, restricted), extra

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
    await _writer(database).write(record)
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
        #: Reads writing their own record right now (`read_with_record`).
        self.own_records = 0

    @contextlib.contextmanager
    def own_record(self, at_once: int) -> Iterator[bool]:
        """Whether a read may write its own record now, when `at_once` reads may do so at
        once (and counts it while it does); past the bound the others share group commits.
        Through `Database` alone a commit per read was faster alone or among few and slower
        among many (closed loops, depth-1 reads: 369 against 251 requests/s for 1 worker, 788
        against 685 for 8, 800 against 926 for 32); through the whole API, where the API
        process is the bottleneck, throughput at 8 and 32 clients was the same with a bound
        of 4 or 64 and p95 lower with 64 (a read waiting for a group commit waits for the
        batch ahead of it too), so the default bound is the driver's pool size."""
        if self.own_records >= at_once:
            yield False
            return
        self.own_records += 1
        try:
            yield True
        finally:
            self.own_records -= 1

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


def _writer(database: Database) -> GroupCommit:
    writer = _writers.get(database)
    if writer is None:
        writer = _writers[database] = GroupCommit(database)
    return writer


def audited_read(read: str, columns: tuple[str, ...], disclosed: str) -> str:
    """The statement that runs `read` (returning `columns`) and writes the request's audit
    record `$audit` in the same transaction, naming the offenders and restricted nominals
    among the maps `disclosed` (Cypher over `rows`, the read's rows as maps) finds. It
    returns one row: `rows`, and the ids it recorded."""
    row = ", ".join(f"`{column}`: `{column}`" for column in columns)
    return (
        f"CALL () {{ {read} }} WITH collect({{{row}}}) AS rows "
        f"WITH rows, {disclosed} AS seen, $audit AS base "
        f"WITH rows, base {{.*, offenderIds: {ids_of('seen', 'Offender')}, "
        f"restrictedIds: {ids_of('seen', 'RestrictedNominal')}}} AS r "
        f"{cypher_files.query_fragment('audit_record')} "
        "RETURN rows, r.offenderIds AS offenderIds, r.restrictedIds AS restrictedIds"
    )


async def read_with_record(
    database: Database,
    plan: Plan,
    record: Callable[[], dict[str, Any]] | None,
    at_once: int,
) -> tuple[list[dict[str, Any]], Recorded | None]:
    """Run a planned read; when `record` is given, the plan can name what it discloses and
    fewer than `at_once` reads are doing so already, with the request's audit record
    (`record()`, its ids left to the statement) written and committed by the same statement.
    Returns the read's records and what the record names (None when it was not written
    here)."""
    disclosed = plan.disclosed if record is not None else None
    with _writer(database).own_record(at_once if disclosed else 0) as own:
        if not own or disclosed is None or record is None:
            return await database.read(plan.cypher, plan.parameters), None
        [row] = await database.write(  # one row: the read's rows are collected
            audited_read(plan.cypher, plan.columns, disclosed),
            {**plan.parameters, "audit": record()},
        )
    recorded = Recorded(frozenset(row["offenderIds"]), frozenset(row["restrictedIds"]))
    return row["rows"], recorded
