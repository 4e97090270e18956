"""Runs one write: its statement, the status it returns, the read-back and the idempotency key,
all in one transaction, so a refused or failed write changes nothing."""

from __future__ import annotations

import datetime as dt
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
        if audit is not None:
            written[:] = [audit(value, record)]
            await tx.run(cypher_files.query("audit_records"), {"records": written})
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
