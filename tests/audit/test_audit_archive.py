"""Retention that loses nothing (issue 12, item 6): `graph-api audit archive` writes old audit
records to a checked, compressed JSON Lines file with its checksum in the manifest, then deletes
them; expired idempotency keys go too, and an expired key counts as new."""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
from typing import TYPE_CHECKING, Any

from graph_api.audit_archive import archive_audit

if TYPE_CHECKING:
    from pathlib import Path

    import neo4j

OLD = "2001-02-03T04:05:06Z"


def count(driver: neo4j.Driver, cypher: str, **parameters: Any) -> int:
    records, _, _ = driver.execute_query(cypher, parameters)
    return int(records[0]["n"])


def test_old_records_are_archived_checked_and_deleted(
    driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any], tmp_path: Path
) -> None:
    del tiny_graph
    driver.execute_query(
        """
        MATCH (o:Offender) WITH o ORDER BY o.id LIMIT 1
        UNWIND range(1, 25) AS i
        CREATE (a:AuditRecord {id: 'aud_archive_test_' + i, at: datetime($old) + duration({seconds: i}),
          requestId: 'r' + i, userId: 'u', agency: o.managingAgency, roles: ['ANALYST'],
          purpose: 'archive test', operation: 'archive-test', fields: ['offender'],
          offenderIds: [o.id], restrictedIds: []})
        CREATE (a)-[:CONCERNS {disclosure: 'FULL', at: a.at, offenderId: o.id}]->(o)
        """,
        old=OLD,
    )
    driver.execute_query(
        "CREATE (:IdempotencyKey {scope: 'archive-test-old', createdAt: datetime($old)}), "
        "(:IdempotencyKey {scope: 'archive-test-new', createdAt: datetime()})",
        old=OLD,
    )
    recent = count(
        driver,
        "MATCH (a:AuditRecord) WHERE a.at > datetime($old) + duration('P1Y') RETURN count(a) AS n",
        old=OLD,
    )

    run = archive_audit(
        driver, database, tmp_path, retention=dt.timedelta(days=365),
        idempotency_lifetime=dt.timedelta(hours=24), say=lambda _: None,
    )  # fmt: skip

    assert run.file is not None
    assert run.records == run.deleted == 25
    with gzip.open(run.file, "rt") as archived:
        lines = [json.loads(line) for line in archived]
    assert [line["id"] for line in lines] == [f"aud_archive_test_{i}" for i in range(1, 26)]
    assert lines[0]["purpose"] == "archive test"
    assert lines[0]["concerns"][0]["disclosure"] == "FULL"
    [entry] = [json.loads(line) for line in (tmp_path / "MANIFEST.jsonl").read_text().splitlines()]
    assert entry["file"] == run.file.name
    assert entry["records"] == 25
    assert entry["sha256"] == hashlib.sha256(run.file.read_bytes()).hexdigest()
    assert (
        count(driver, "MATCH (a:AuditRecord {operation: 'archive-test'}) RETURN count(a) AS n") == 0
    )
    assert (
        count(
            driver,
            "MATCH (a:AuditRecord) WHERE a.at > datetime($old) + duration('P1Y') RETURN count(a) AS n",
            old=OLD,
        )
        == recent
    )
    assert run.expired_keys >= 1
    scopes = count(
        driver,
        "MATCH (k:IdempotencyKey) WHERE k.scope STARTS WITH 'archive-test' RETURN count(k) AS n",
    )
    assert scopes == 1  # the fresh key stays
    driver.execute_query("MATCH (k:IdempotencyKey {scope: 'archive-test-new'}) DELETE k")

    again = archive_audit(
        driver, database, tmp_path, retention=dt.timedelta(days=365),
        idempotency_lifetime=dt.timedelta(hours=24), say=lambda _: None,
    )  # fmt: skip
    assert again.file is None
    assert len((tmp_path / "MANIFEST.jsonl").read_text().splitlines()) == 1
