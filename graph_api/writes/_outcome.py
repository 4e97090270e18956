"""Learns whether a write committed when the answer to its COMMIT was lost.

The write's audit record is created in the write's own transaction under an id chosen before
it ran; `cypher/writes/commit_outcome.cypher` looks that id up under its unique index, waiting
while the write's transaction is still open on the server, and fences the id when the record is
absent, so a transaction that has not committed by then never will. The answer is therefore
final: committed, or not (and never to be).
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from graph_api import cypher_files, deadline
from graph_api.db import DatabaseUnavailable
from graph_api.metrics import WRITE_OUTCOME_CHECKS

if TYPE_CHECKING:
    from graph_api.db import Database

__all__ = ["committed"]

log = logging.getLogger("graph_api.writes")

#: Pause between attempts while the database does not answer.
_RETRY_PAUSE_SECONDS = 0.25


async def committed(
    database: Database, audit_id: str, request_id: str, within: float
) -> bool | None:
    """Whether the transaction that wrote audit record `audit_id` committed: True, False (it
    did not and now cannot), or None when the database did not answer within `within` seconds.
    """
    with deadline.request_deadline(within):
        while True:
            try:
                [record] = await database.write(
                    cypher_files.write("commit_outcome"),
                    {"auditId": audit_id, "requestId": request_id},
                )
                WRITE_OUTCOME_CHECKS.labels(
                    "committed" if record["committed"] else "not_committed"
                ).inc()
                return bool(record["committed"])
            except DatabaseUnavailable as error:
                left = deadline.remaining()
                if isinstance(error.__cause__, deadline.DeadlineExceeded) or (
                    left is not None and left <= _RETRY_PAUSE_SECONDS
                ):
                    log.warning(
                        "request %s: the outcome of its write is unknown after %g s",
                        request_id,
                        within,
                    )
                    WRITE_OUTCOME_CHECKS.labels("unknown").inc()
                    return None
                await asyncio.sleep(_RETRY_PAUSE_SECONDS)
