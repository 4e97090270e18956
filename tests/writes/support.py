"""Shared by the write API tests: agencies, inputs, the subgraph hash, response checks."""

from __future__ import annotations

import hashlib
import json
import uuid
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import neo4j

#: The managing agency of the offenders the tests create, a second agency the tests share
#: them with, and a third that never gets a share.
OWNER, PARTNER, OUTSIDER = "MET", "GMP", "WMP"

#: Nodes the API created: a label prefix and 32 hex digits (seeded ids have 7 digits).
API_CREATED = "^[a-z]{3}_[0-9a-f]{32}$"

CREATE = """
mutation ($input: CreateOffenderInput!) {
  createOffender(input: $input) { id version surname managingAgency { code } }
}
"""


def rows(driver: neo4j.Driver, cypher: str, **params: Any) -> list[dict[str, Any]]:
    records, _, _ = driver.execute_query(cypher, params)
    return [r.data() for r in records]


def delete_api_created(driver: neo4j.Driver) -> None:
    """Everything the write API created, except audit records (which are never deleted)."""
    driver.execute_query(
        "MATCH (n) WHERE n.id =~ $pattern AND NOT n:AuditRecord DETACH DELETE n",
        pattern=API_CREATED,
    )
    driver.execute_query("MATCH (k:IdempotencyKey) DELETE k")


def subgraph_hash(driver: neo4j.Driver, offender_id: str) -> str:
    """A hash of an offender, every link it has and every node at their far ends, and the
    idempotency keys and API-created nodes in the database: what a write may change."""
    [offender] = rows(
        driver,
        "MATCH (o:Offender {id: $id}) "
        "OPTIONAL MATCH (o)-[r]-(x) "
        "WITH o, r, x ORDER BY type(r), x.id, elementId(r) "
        "RETURN properties(o) AS o, collect([type(r), properties(r), labels(x), properties(x)]) AS links, "
        "COUNT { MATCH (n) WHERE n.id =~ $pattern AND NOT n:AuditRecord } AS created, "
        "COUNT { MATCH (k:IdempotencyKey) } AS keys",
        id=offender_id,
        pattern=API_CREATED,
    )
    return hashlib.sha256(json.dumps(offender, sort_keys=True, default=str).encode()).hexdigest()


def new_pnc() -> str:
    digits = str(uuid.uuid4().int)
    return f"{digits[:2]}/{digits[2:9]}{'ABCDEFGHJKLMNPQRSTUVWXYZ'[int(digits[9:12]) % 24]}"


def offender_input(**overrides: Any) -> dict[str, Any]:
    return {
        "forename": "Testy",
        "surname": "McTestface",
        "dob": "1980-05-17",
        "gender": "MALE",
        "pncId": new_pnc(),
        "nominalType": "VIOLENT",
        "mappaCategory": 2,
        "mappaLevel": 1,
        "riskLevel": "MEDIUM",
        **overrides,
    }


def error_code(body: dict[str, Any]) -> str:
    """The code of a response's one error (and no data for its field)."""
    assert body.get("errors"), body
    [error] = body["errors"]
    code: str = error["extensions"]["code"]
    return code


def ok(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body
    data: dict[str, Any] = body["data"]
    return data
