"""Writes are all or nothing, retried safely, and audited.

- Idempotency: a retried mutation with the same `Idempotency-Key` answers the first answer and
  writes once; the same key for a different document is a CONFLICT.
- Atomicity: a mutation that fails half-way, for real, in the database, leaves the affected
  subgraph exactly as it was (compared by a hash read with plain Cypher).
- Audit: every change leaves a record of what changed.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from typing import TYPE_CHECKING, Any

from neo4j.exceptions import ServiceUnavailable

from graph_api.db import Transaction
from graph_api.domain import Role
from graph_api.schema import mutation
from graph_api.writes import _commands

from .support import OWNER, error_code, ok, rows, subgraph_hash

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j
    import pytest

RECORD_ADDRESS = """
mutation Move($input: RecordAddressInput!) {
  recordAddress(input: $input) { id version addresses { totalCount edges { from address { id postcode } } } }
}
"""
LINK = """
mutation ($input: LinkAssociateInput!) {
  linkAssociate(input: $input) { version associates { totalCount } }
}
"""


def move(offender_id: str, postcode: str = "LS1 4AP", on: str = "2024-09-09") -> dict[str, Any]:
    return {"input": {"offenderId": offender_id, "from": on,
                      "address": {"line1": "7 Retry Row", "town": "Leeds", "postcode": postcode}}}  # fmt: skip


def residences(driver: neo4j.Driver, offender_id: str) -> int:
    [count] = rows(
        driver,
        "MATCH (:Offender {id: $id})-[r:RESIDES_AT]->() RETURN count(r) AS n",
        id=offender_id,
    )
    return int(count["n"])


async def test_an_idempotent_retry_writes_once(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:  # fmt: skip
    offender = await fresh()
    key = {"Idempotency-Key": "move-" + uuid.uuid4().hex}
    first = ok(await graphql(RECORD_ADDRESS, move(offender["id"]), token=token(), headers=key))
    retry = ok(await graphql(RECORD_ADDRESS, move(offender["id"]), token=token(), headers=key))
    assert retry == first
    assert first["recordAddress"]["version"] == 2
    assert residences(driver, offender["id"]) == 1
    # Concurrent retries of a new key: still one write, one answer.
    key = {"Idempotency-Key": "race-" + uuid.uuid4().hex}
    other = move(offender["id"], "LS2 7EY", on="2024-10-10")
    answers = await asyncio.gather(
        *(graphql(RECORD_ADDRESS, other, token=token(), headers=key) for _ in range(4))
    )
    assert all(answer == answers[0] for answer in answers), answers
    assert residences(driver, offender["id"]) == 2


async def test_the_same_key_for_another_document_conflicts(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any],
    driver: neo4j.Driver,
) -> None:  # fmt: skip
    offender = await fresh()
    key = {"Idempotency-Key": "k-" + uuid.uuid4().hex}
    ok(await graphql(RECORD_ADDRESS, move(offender["id"]), token=token(), headers=key))
    body = await graphql(RECORD_ADDRESS, move(offender["id"], "M1 1AE"), token=token(), headers=key)
    assert error_code(body) == "CONFLICT"
    assert "Idempotency-Key" in body["errors"][0]["message"]
    # Keys belong to their user: another user's same key is a new request.
    later = move(offender["id"], "M1 1AE", on="2024-10-10")
    ok(await graphql(RECORD_ADDRESS, later, token=token(user="colleague"), headers=key))
    assert residences(driver, offender["id"]) == 2
    bad = await graphql(
        RECORD_ADDRESS, move(offender["id"]), token=token(), headers={"Idempotency-Key": "x" * 201}
    )
    assert error_code(bad) == "BAD_USER_INPUT"


async def test_a_write_failing_half_way_in_the_database_changes_nothing(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any],
    driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    offender = await fresh()
    [existing] = rows(driver, "MATCH (p:Associate) RETURN p.id AS id ORDER BY p.id LIMIT 1")
    before = subgraph_hash(driver, offender["id"])
    # The new associate gets the id of one already on the register: the statement has bumped
    # the offender's version (and the transaction has claimed the idempotency key) when its
    # CREATE meets the unique constraint on Person.id.
    real_new_id = _commands.new_id
    monkeypatch.setattr(
        _commands,
        "new_id",
        lambda prefix: existing["id"] if prefix == "asc" else real_new_id(prefix),
    )
    values = {"input": {"offenderId": offender["id"], "type": "FRIEND", "from": "2024-01-01",
                        "associate": {"forename": "Clash", "surname": "Ing"}}}  # fmt: skip
    body = await graphql(LINK, values, token=token(), headers={"Idempotency-Key": uuid.uuid4().hex})
    assert error_code(body) == "CONFLICT"
    assert body["data"] is None
    assert subgraph_hash(driver, offender["id"]) == before
    monkeypatch.undo()
    assert ok(await graphql(LINK, values, token=token()))["linkAssociate"] == {
        "version": 2,
        "associates": {"totalCount": 1},
    }


async def test_losing_the_database_mid_mutation_is_unavailable_and_changes_nothing(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any],
    driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    offender = await fresh()
    before = subgraph_hash(driver, offender["id"])
    real_run = Transaction.run
    statements: list[str] = []

    async def dropped_after_the_write(
        self: Transaction, cypher: str, parameters: Any = None
    ) -> Any:
        statements.append(cypher)
        if len(statements) == 3:  # claim, write: then the connection goes
            raise ServiceUnavailable("connection lost")
        return await real_run(self, cypher, parameters)

    monkeypatch.setattr(Transaction, "run", dropped_after_the_write)
    body = await graphql(
        RECORD_ADDRESS,
        move(offender["id"]),
        token=token(),
        headers={"Idempotency-Key": uuid.uuid4().hex},
    )
    assert error_code(body) == "UNAVAILABLE"
    assert body["data"] is None
    assert len(statements) == 3
    assert "RESIDES_AT" in statements[1]
    assert subgraph_hash(driver, offender["id"]) == before


async def test_a_change_whose_audit_record_fails_does_not_stand(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any],
    driver: neo4j.Driver, monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    offender = await fresh()
    before = subgraph_hash(driver, offender["id"])
    real_record = mutation.audit_record  # type: ignore[attr-defined]  # patched below

    def unwritable(*args: Any) -> dict[str, Any]:
        # A map inside a list is no property value: Neo4j refuses the record, for real.
        return real_record(*args) | {"roles": [{"not": "storable"}]}

    monkeypatch.setattr(mutation, "audit_record", unwritable)
    body = await graphql(RECORD_ADDRESS, move(offender["id"]), token=token())
    assert body["data"] is None
    assert body["errors"]
    assert subgraph_hash(driver, offender["id"]) == before  # the move was rolled back with it


async def test_every_change_is_audited(
    graphql: Callable[..., Any], token: Callable[..., str], fresh: Callable[..., Any]
) -> None:
    offender = await fresh()
    request_id = "write-" + uuid.uuid4().hex
    ok(await graphql(RECORD_ADDRESS, move(offender["id"]), token=token(user="mover"),
                     headers={"X-Request-Id": request_id}))  # fmt: skip
    trail = """query ($id: ID!) { auditTrail(offenderId: $id) { edges { node {
        correlationId requestId userId agency operation fields changes offenderIds } } } }"""
    data = ok(await graphql(trail, {"id": offender["id"]}, token=token(OWNER, Role.SUPERVISOR)))
    records = {e["node"]["correlationId"]: e["node"] for e in data["auditTrail"]["edges"]}
    record = records[request_id]
    assert len(record["requestId"]) == 32  # the server's own id
    assert record["requestId"] != request_id
    assert record["userId"] == "mover"
    assert record["agency"] == OWNER
    assert record["operation"] == "Move"
    assert record["fields"] == ["recordAddress"]
    assert record["offenderIds"] == [offender["id"]]
    [change] = json.loads(record["changes"])
    assert change["field"] == "recordAddress"
    assert change["offenderId"] == offender["id"]
    assert change["address"]["postcode"] == "LS1 4AP"
    assert change["from"] == "2024-09-09"
    assert len(records) == 2  # createOffender and recordAddress (this read is recorded after)
