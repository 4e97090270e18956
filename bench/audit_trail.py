"""`auditTrail` for one offender with a long trail (issue 12, item 6).

`graph-api bench --audit-trail N` gives one offender of the benchmark's agency N audit records
(synthetic, spread over the last six years, tagged with their own purpose so they can be told
apart), then starts `graph-api serve` (production mode, audit on) and reads that offender's
trail as a SUPERVISOR of the managing agency, one request at a time: the first page, a page
after a cursor, and the last 30 days (`since`). Latencies go to
`bench/results/<output>.md` and `.json`.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import TYPE_CHECKING, Any

from rich.progress import Progress

from bench.targets import percentile, served, write_result
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

    from graph_api.settings import Settings

#: The purpose the benchmark's own records carry.
PURPOSE = "audit-trail benchmark (synthetic)"
BATCH = 10_000
SIX_YEARS_SECONDS = 6 * 365 * 24 * 3600

_COUNT = """
MATCH (:AuditRecord)-[c:CONCERNS]->() WHERE c.offenderId = $id RETURN count(c) AS n
"""

# Records `from` .. `to` (exclusive) of the benchmark, `at` spread evenly back over six years.
_CREATE = """
MATCH (o:Offender {id: $id})
UNWIND range($from, $to - 1) AS n
WITH o, n, datetime() - duration({seconds: toInteger(n * $step)}) AS at
CREATE (a:AuditRecord {
  id: 'aud_bench_' + $id + '_' + toString(n), at: at, requestId: 'bench-' + toString(n),
  userId: 'bench-reader', agency: o.managingAgency, roles: ['ANALYST'], purpose: $purpose,
  operation: 'BenchRead', documentHash: '', fields: ['offender'], offenderIds: [$id],
  restrictedIds: []
})
CREATE (a)-[:CONCERNS {disclosure: 'FULL', at: at, offenderId: $id}]->(o)
"""

_TRAIL = """
query Trail($id: ID!, $since: DateTime, $after: String) {
  auditTrail(offenderId: $id, since: $since, first: 20, after: $after) {
    edges { node { id at userId operation fields } }
    pageInfo { hasNextPage endCursor }
  }
}"""


def top_up(
    driver: neo4j.Driver, database: str, offender_id: str, wanted: int, say: Callable[[str], None]
) -> int:
    """Give the offender at least `wanted` records that concern it; returns how many it has."""
    records, _, _ = driver.execute_query(_COUNT, id=offender_id, database_=database)
    have = int(records[0]["n"])
    if have >= wanted:
        say(f"{offender_id} has {have:,} audit records already")
        return have
    step = SIX_YEARS_SECONDS / wanted
    with Progress() as progress:
        task = progress.add_task(f"audit records for {offender_id}", total=wanted, completed=have)
        for start in range(have, wanted, BATCH):
            parameters = {"id": offender_id, "purpose": PURPOSE, "step": step, "from": start,
                          "to": min(wanted, start + BATCH)}  # fmt: skip
            driver.execute_query(_CREATE, parameters, database_=database)
            progress.update(task, completed=min(wanted, start + BATCH))
    return wanted


def _summary(latencies: list[float]) -> dict[str, float]:
    return {
        "requests": len(latencies),
        **{f"p{q}_ms": percentile(latencies, q / 100) for q in (50, 95, 99)},
    }


async def run_audit_trail(
    settings: Settings,
    agency: str,
    offender_id: str,
    records: int,
    *,
    requests: int,
    output: str,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Time the three kinds of trail read, `requests` each, one at a time."""
    token = mint_token(
        settings, user="bench-supervisor", agency=agency, roles=[Role.SUPERVISOR],
        clearance=Classification.SECRET, purpose="audit-trail benchmark", ttl_seconds=3600,
    )  # fmt: skip
    month_ago = (dt.datetime.now(dt.UTC) - dt.timedelta(days=30)).isoformat()
    rows: dict[str, dict[str, float]] = {}
    async with served(settings, output, token) as (http, headers):

        async def trail(variables: dict[str, Any]) -> dict[str, Any]:
            status, body = await http.post_json(
                "/graphql", {"query": _TRAIL, "variables": {"id": offender_id, **variables}},
                headers,
            )  # fmt: skip
            if status != 200 or body.get("errors"):
                raise RuntimeError(f"auditTrail failed: {status} {str(body)[:300]}")
            return body["data"]["auditTrail"]  # type: ignore[no-any-return]

        first = await trail({})
        cursor = first["pageInfo"]["endCursor"]
        kinds = {
            "first page of 20": {},
            "page after a cursor": {"after": cursor},
            "last 30 days (since)": {"since": month_ago},
        }
        for name, variables in kinds.items():
            for _ in range(20):  # warm-up
                await trail(variables)
            latencies = []
            for _ in range(requests):
                started = time.perf_counter()
                await trail(variables)
                latencies.append((time.perf_counter() - started) * 1000)
            rows[name] = _summary(latencies)
            say(f"{name}: {rows[name]}")
    return write_result(
        output,
        "auditTrail for an offender with a long trail",
        [
            f"offender: {offender_id}, {records:,} audit records concerning it",
            "through `graph-api serve` (production mode, audit on: each read is itself "
            "audited), one request at a time, as a SUPERVISOR of the managing agency",
        ],
        "read",
        {"requests": "requests", "p50_ms": "p50 ms", "p95_ms": "p95 ms", "p99_ms": "p99 ms"},
        rows,
        offender=offender_id,
        records=records,
    )
