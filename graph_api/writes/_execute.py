"""Runs one write: its statement, the status it returns, the read-back, the idempotency key,
the audit record and the change event, all in one transaction, so a refused or failed write
changes nothing and no change stands without its event (docs/design.md §11)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from neo4j.exceptions import ConstraintError

from graph_api import cypher_files, phonetic
from graph_api.db import CommitOutcomeUnknown
from graph_api.errors import (
    ApiError,
    BadUserInput,
    Conflict,
    Forbidden,
    NotFound,
    OutcomeUnknown,
    Unavailable,
)
from graph_api.writes._outcome import committed

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from graph_api.db import Database, Transaction
    from graph_api.identity import Principal
    from graph_api.planner.roots import Plan


@dataclass(frozen=True)
class Write:
    """One mutation ready to run: the statement (`cypher/writes/<statement>.cypher`), its
    parameters, and what it means for the audit record and the client."""

    mutation: str
    statement: str
    parameters: dict[str, Any]
    offender_id: str
    #: What changed, for the audit record (JSON-friendly).
    change: dict[str, Any]
    #: Client errors for the statement's own statuses (beyond the writer statuses).
    refusals: Mapping[str, ApiError] = field(default_factory=dict)
    #: The offender's names changed: recompute their search keys in the same transaction.
    names_changed: bool = False
    #: The write changes an offender's record, so it leaves a change event (`change_event`);
    #: false only for a user's own bookkeeping (a watch list) that changes no offender.
    emits_event: bool = True


#: A node id the system made or was given (`off_...`, `adr_...`: docs/data-model.md), as
#: opposed to other values whose names end in `Id` (a PNC id).
_NODE_ID = re.compile(r"[a-z]{3}_[0-9A-Za-z_]+")
#: Parameters naming ids that are not what changed: the writer, the offender itself, and ids
#: made in advance that the statement may not use (`newAddressId`: it says which it used).
_NOT_CHANGED = {"offenderId", "userId"}


def change_event(write: Write, record: Mapping[str, Any]) -> dict[str, Any]:
    """The change event of `write`, derived from the write and what its statement returned, so
    any new `Write` has its event with no code of its own (docs/design.md §11):

    - `kind`: the mutation (`addIntelligence`, `decideAccessRequest` ...);
    - `offenderId`: the statement's `offenderId` if it returns one, else the write's;
    - `ids`: the ids of what changed: the `id` of each node the parameters create (a map with
      an `id`), each parameter or returned value named `...Id` that holds a node id (the
      address matched or made, the access request decided), never `new...Id` candidates;
    - `classification`: the fact's (`$classification`), OFFICIAL for changes to the offender
      itself (its properties, shares, management, access requests);
    - `agency` and `userId`: the writer; `requesterAgency`: the agency that asked, for an
      access request (its `requesterAgency` when the statement returns one), so the asking
      side hears of the decision even while the offender is out of its scope.
    """
    ids: set[str] = set()
    for source in (write.parameters, record):
        for key, value in source.items():
            if isinstance(value, dict) and isinstance(value.get("id"), str):
                ids.add(value["id"])
            elif (
                key.endswith("Id")
                and key not in _NOT_CHANGED
                and not key.startswith("new")
                and isinstance(value, str)
                and _NODE_ID.fullmatch(value)
            ):
                ids.add(value)
    requester = record.get("requesterAgency")
    return {
        "kind": write.mutation,
        "offenderId": record.get("offenderId") or write.offender_id,
        "agency": write.parameters.get("agency"),
        "userId": write.parameters.get("userId"),
        "ids": sorted(ids),
        "classification": write.parameters.get("classification") or "OFFICIAL",
        "requesterAgency": requester if isinstance(requester, str) else None,
    }


@dataclass(frozen=True)
class Idempotency:
    """A client's `Idempotency-Key` for one root field: where it is stored, and what was asked."""

    scope: str
    fingerprint: str
    #: Hours after which a key has expired and counts as new (GRAPH_API_IDEMPOTENCY_HOURS).
    lifetime_hours: float = 24.0

    @classmethod
    def of_request(
        cls,
        key: str,
        principal: Principal,
        field: str,
        asked: object,
        lifetime_hours: float,
    ) -> Idempotency:
        """A client's `Idempotency-Key` header, scoped to the user and the root field's
        response key (`field`), with a fingerprint of what was `asked` (the document and its
        variables, as JSON-able values)."""
        if not _IDEMPOTENCY_KEY.fullmatch(key):
            raise BadUserInput(
                "the `Idempotency-Key` header must be 1 to 200 visible ASCII characters"
            )
        scope = json.dumps([principal.agency, principal.user_id, key, field])
        fingerprint = json.dumps([asked, field], sort_keys=True, default=str)
        return cls(
            scope=hashlib.sha256(scope.encode()).hexdigest(),
            fingerprint=hashlib.sha256(fingerprint.encode()).hexdigest(),
            lifetime_hours=lifetime_hours,
        )


_IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,200}")


@dataclass(frozen=True)
class Outcome:
    """The answer of a write, and whether it was replayed from an idempotency key."""

    value: Any
    replayed: bool
    record: dict[str, Any]


_OUTCOME_UNKNOWN = (
    "the answer to this change's commit was lost and the database could not say in time "
    "whether it was written; send the same request again with the same `Idempotency-Key` "
    "(it is answered once, never written twice), or read the offender before writing again"
)


def _writer_refusal(write: Write, status: str) -> ApiError:
    if status == "NOT_FOUND":
        return NotFound(f"no offender with id '{write.offender_id}' is in your agency's scope")
    if status == "READ_ONLY":
        return Forbidden(
            "your agency holds only a READ share of this offender; writing needs the managing "
            "agency or a CONTRIBUTE share valid today"
        )
    if status == "ABOVE_CEILING":
        return Forbidden(
            f"`classification` {write.parameters.get('classification')} is above the ceiling "
            "of your agency's CONTRIBUTE share of this offender"
        )
    if status == "CONFLICT":
        return Conflict(
            f"offender '{write.offender_id}' has changed since version "
            f"{write.parameters.get('expectedVersion')} was read; read it again and retry"
        )
    if status == "NOT_MANAGING":
        return Forbidden(f"{write.mutation} is for the agency that manages the offender")
    raise AssertionError(f"{write.statement} returned the unknown status {status}")


def encode_answer(value: Any) -> str:
    """JSON of an answer, keeping dates and datetimes as such (see `decode_answer`)."""

    def tagged(item: Any) -> Any:
        if hasattr(item, "to_native"):  # neo4j temporal values
            item = item.to_native()
        if isinstance(item, dt.datetime):
            return {"$datetime": item.isoformat()}
        if isinstance(item, dt.date):
            return {"$date": item.isoformat()}
        raise TypeError(f"cannot store a {type(item).__name__} in an idempotency key")

    return json.dumps(value, default=tagged, separators=(",", ":"))


def decode_answer(text: str) -> Any:
    def untagged(item: dict[str, Any]) -> Any:
        if item.keys() == {"$date"}:
            return dt.date.fromisoformat(item["$date"])
        if item.keys() == {"$datetime"}:
            return dt.datetime.fromisoformat(item["$datetime"])
        return item

    return json.loads(text, object_hook=untagged)


@functools.cache
def _bookkeeping(audited: bool, event: bool) -> str:
    """The statement writing a change's audit record, its change event, or both."""
    if not event:
        return cypher_files.query("audit_records")
    if not audited:
        return cypher_files.write("change_event")
    return (
        f"CALL () {{ {cypher_files.write('change_event')} }} {cypher_files.query('audit_records')}"
    )


async def _refresh_name_keys(tx: Transaction, offender_id: str) -> None:
    [names] = await tx.run(cypher_files.write("offender_names"), {"offenderId": offender_id})
    aliases = list(names["aliases"])
    await tx.run(
        cypher_files.write("offender_name_keys"),
        {
            "offenderId": offender_id,
            "aliasText": " | ".join(aliases),
            "nameKeys": phonetic.name_keys(names["forename"], names["surname"], *aliases),
        },
    )


async def execute(
    database: Database,
    write: Write,
    read_back: Callable[[dict[str, Any]], Plan] | None = None,
    idempotency: Idempotency | None = None,
    audit: Callable[[Any, dict[str, Any]], dict[str, Any]] | None = None,
    outcome_check_seconds: float = 12.0,
) -> Outcome:
    """Run `write` in one transaction and return the changed object.

    `read_back` plans, from the statement's record, the read of the changed object as the
    client selected it; it runs in the same transaction (so it sees the change). Without it
    the statement's record is the answer. With `idempotency`, a key already answered returns
    that answer (CONFLICT if it was for another document), and a new one stores this answer.
    With `audit`, the audit record of the change (built from the answer and the statement's
    record) is written in the
    same transaction: no change stands without its record (docs/design.md §6).

    When the answer to the COMMIT is lost, that record tells whether the change committed
    (`_outcome.committed`, waiting up to `outcome_check_seconds` for the database): the client
    gets the real answer, UNAVAILABLE when nothing was written, or OUTCOME_UNKNOWN when the
    database could not say in time.
    """
    #: The audit record of the latest attempt (a deadlock victim is run again).
    written: list[dict[str, Any]] = []

    async def work(tx: Transaction) -> Outcome:
        if idempotency is not None:
            [claim] = await tx.run(
                cypher_files.write("idempotency_claim"),
                {
                    "scope": idempotency.scope,
                    "fingerprint": idempotency.fingerprint,
                    "userId": write.parameters.get("userId"),
                    "agency": write.parameters.get("agency"),
                    "lifetimeHours": idempotency.lifetime_hours,
                },
            )
            if claim["fingerprint"] != idempotency.fingerprint:
                raise Conflict(
                    "this Idempotency-Key was already used for a different request; "
                    "use a new key for a new change"
                )
            if claim["response"] is not None:
                return Outcome(decode_answer(claim["response"]), replayed=True, record={})
        records = await tx.run(cypher_files.write(write.statement), write.parameters)
        record = records[0] if records else {"status": "NOT_FOUND"}
        status = record["status"]
        if status != "OK":
            refusal = write.refusals.get(status) or _writer_refusal(write, status)
            raise refusal
        if write.names_changed:
            await _refresh_name_keys(tx, write.offender_id)
        value: Any = record
        if read_back is not None:
            plan = read_back(record)
            value = plan.shape(await tx.run(plan.cypher, plan.parameters))
        if idempotency is not None:
            await tx.run(
                cypher_files.write("idempotency_answer"),
                {
                    "scope": idempotency.scope,
                    "response": encode_answer(value),
                    "field": write.mutation,
                    "offenderId": write.offender_id,
                },
            )
        # The audit record and the change event travel in one statement (one round trip).
        bookkeeping: dict[str, Any] = {}
        if audit is not None:
            written[:] = [audit(value, record)]
            bookkeeping["records"] = written
        if write.emits_event:
            bookkeeping["event"] = change_event(write, record)
        if bookkeeping:
            await tx.run(_bookkeeping(audit is not None, write.emits_event), bookkeeping)
        return Outcome(value, replayed=False, record=record)

    try:
        return await database.transaction(work)
    except CommitOutcomeUnknown as unknown:
        outcome = unknown.value
        if isinstance(outcome, Outcome) and outcome.replayed:  # a replay wrote nothing
            return outcome
        if not written or not isinstance(outcome, Outcome):
            raise OutcomeUnknown(_OUTCOME_UNKNOWN) from unknown
        audit_record = written[0]
        settled = await committed(
            database, audit_record["id"], audit_record["requestId"], outcome_check_seconds
        )
        if settled is None:
            raise OutcomeUnknown(_OUTCOME_UNKNOWN) from unknown
        if not settled:
            raise Unavailable(
                "the database did not confirm the change and it was not committed; nothing "
                "was written, try again"
            ) from unknown
        return outcome
    except ConstraintError:
        raise Conflict(
            f"{write.mutation} conflicts with a record already on the register; nothing was changed"
        ) from None
