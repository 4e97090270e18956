"""Retention that loses nothing (issue 12, item 6): `graph-api audit archive`.

Audit records older than the retention are first written to an append-only, compressed JSON
Lines file (one per run, never rewritten), read back and checked, recorded with their SHA-256
in `MANIFEST.jsonl` beside it, and only then deleted from the database, by id, in batches.
Expired idempotency keys (older than `GRAPH_API_IDEMPOTENCY_HOURS`) are deleted too; a key
that has expired already counts as new when it is used again (`idempotency_claim.cypher`).
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import json
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from neo4j import Query

from graph_api import cypher_files

if TYPE_CHECKING:
    from collections.abc import Callable
    from pathlib import Path

    import neo4j

__all__ = ["ArchiveRun", "archive_audit"]

#: Records read, and deleted, per round trip.
BATCH = 10_000
#: Each archiving statement may take this long (a delete batch of a busy database).
_STATEMENT_SECONDS = 300


@dataclass(frozen=True)
class ArchiveRun:
    """What one run did: the file written (None when nothing was old enough), its checksum,
    how many records it holds and were deleted, and how many idempotency keys expired."""

    file: Path | None
    sha256: str | None
    records: int
    deleted: int
    expired_keys: int


def _plain(value: Any) -> Any:
    if hasattr(value, "iso_format"):  # neo4j temporal values
        return value.iso_format()
    raise TypeError(f"cannot archive a {type(value).__name__}")


def archive_audit(
    driver: neo4j.Driver,
    database: str,
    directory: Path,
    *,
    retention: dt.timedelta,
    idempotency_lifetime: dt.timedelta,
    say: Callable[[str], None] = print,
    now: dt.datetime | None = None,
) -> ArchiveRun:
    """Archive and delete the audit records older than `retention`; delete expired keys."""
    now = now or dt.datetime.now(dt.UTC)
    cutoff = now - retention
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"audit-before-{cutoff:%Y%m%dT%H%M%SZ}-{now:%Y%m%dT%H%M%S%fZ}.jsonl.gz"
    ids: list[str] = []
    digest = hashlib.sha256()
    first_at = last_at = None
    after: tuple[Any, str] | None = None
    with open(path, "xb") as raw, gzip.GzipFile(fileobj=raw, mode="wb") as out:
        while True:
            records, _, _ = driver.execute_query(
                Query(cypher_files.query("audit_archive_page"), timeout=_STATEMENT_SECONDS),
                cutoff=cutoff,
                afterAt=after[0] if after else None,
                afterId=after[1] if after else None,
                limit=BATCH,
                database_=database,
            )
            if not records:
                break
            for record in records:
                line = json.dumps(record["record"], default=_plain, sort_keys=True) + "\n"
                out.write(line.encode())
                ids.append(record["id"])
            after = (records[-1]["at"], records[-1]["id"])
            first_at = first_at or records[0]["at"]
            last_at = records[-1]["at"]
            say(f"exported {len(ids):,} audit records")
        out.flush()
        raw.flush()
        os.fsync(raw.fileno())
    if not ids:
        path.unlink()
        expired = _expire_keys(driver, database, now - idempotency_lifetime)
        return ArchiveRun(None, None, 0, 0, expired)
    digest.update(path.read_bytes())
    checksum = digest.hexdigest()
    _verify(path, ids)
    _append_manifest(
        directory / "MANIFEST.jsonl",
        {
            "file": path.name,
            "sha256": checksum,
            "records": len(ids),
            "firstAt": _plain(first_at),
            "lastAt": _plain(last_at),
            "cutoff": cutoff.isoformat(),
            "writtenAt": now.isoformat(),
        },
    )
    deleted = 0
    for start in range(0, len(ids), BATCH):
        [row], _, _ = driver.execute_query(
            Query(cypher_files.query("audit_archive_delete"), timeout=_STATEMENT_SECONDS),
            ids=ids[start : start + BATCH],
            cutoff=cutoff,
            database_=database,
        )
        deleted += int(row["deleted"])
        say(f"deleted {deleted:,} archived audit records")
    expired = _expire_keys(driver, database, now - idempotency_lifetime)
    return ArchiveRun(path, checksum, len(ids), deleted, expired)


def _verify(path: Path, ids: list[str]) -> None:
    """Read the file back: every exported record is there, in order, before any is deleted."""
    with gzip.open(path, "rt") as archived:
        found = [json.loads(line)["id"] for line in archived]
    if found != ids:
        raise RuntimeError(f"{path} does not hold the records exported; nothing was deleted")


def _append_manifest(manifest: Path, entry: dict[str, Any]) -> None:
    with manifest.open("a") as out:
        out.write(json.dumps(entry, sort_keys=True) + "\n")
        out.flush()
        os.fsync(out.fileno())


def _expire_keys(driver: neo4j.Driver, database: str, before: dt.datetime) -> int:
    total = 0
    while True:
        [row], _, _ = driver.execute_query(
            Query(cypher_files.query("idempotency_expire"), timeout=_STATEMENT_SECONDS),
            before=before,
            limit=BATCH,
            database_=database,
        )
        deleted = int(row["deleted"])
        total += deleted
        if deleted < BATCH:
            return total
