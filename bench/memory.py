"""The server's memory and latency over time (issue 12, items 7 and 9).

`graph-api bench --memory N` starts `graph-api serve` (production mode, audit on) and sends it
N requests, each a document never sent before with its own variable values, from 99
principals; `--soak SECONDS` sends the benchmark's ordinary mix (a few documents, many ids) for
that long. Both sample the server's resident memory (RSS, from /proc) and the latency of the
requests in each interval, and write them to `bench/results/<output>.md` and `.json`.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx

from bench.targets import api_server
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from graph_api.settings import Settings

RESULTS = Path(__file__).resolve().parent / "results"

#: Principals the requests come from (users of the chosen agency).
PRINCIPALS = 99

#: Fields an offender document may ask, chosen per document by the bits of its number.
_FIELDS = (
    "forename", "surname", "dob", "gender", "pncId", "nominalType", "mappaCategory",
    "mappaLevel", "riskLevel", "version", "aliases", "managingAgency { code name }",
)  # fmt: skip
_LINKS = (
    "addresses(first: $first, asOf: $asOf) { totalCount edges { from main address { town } } }",
    "associates(first: $first) { totalCount edges { type person { __typename } } }",
    "vehicles(first: $first) { edges { role vehicle { vrm make } } }",
    "marks(first: $first) { edges { mark { type bodyPart } } }",
)


#: Selection shapes the documents share. Each distinct shape is a distinct Cypher statement,
#: which Neo4j plans once (up to seconds each): the documents differ in text, not in shape, so
#: the run measures the API's caches rather than Neo4j's planner.
SHAPES = 16


def distinct_document(number: int, rng: random.Random) -> str:
    """A document no other number gives (its name and padding), of one of SHAPES shapes."""
    shape = number % SHAPES
    fields = [name for bit, name in enumerate(_FIELDS[:4]) if shape >> bit & 1] or ["id"]
    links = [link for bit, link in enumerate(_LINKS) if shape >> bit & 1]
    padding = "#" + "x" * rng.randrange(0, 2_000)  # documents of varied sizes
    declared = "$id: ID!" + (", $first: Int!" if links else "")
    declared += ", $asOf: Date" if any("$asOf" in link for link in links) else ""
    return (
        f"query Q{number}({declared}) {{\n{padding}\n"
        f"  offender(id: $id) {{ id {' '.join(fields)} {' '.join(links)} }}\n}}"
    )


SOAK_DOCUMENT = distinct_document(SHAPES - 1, random.Random(0)).replace("#", "# soak ")


@dataclass
class Interval:
    """One sampling interval: requests sent, their latencies, errors, and RSS at its end."""

    at_request: int
    seconds: float
    rss_mb: float
    latencies_ms: list[float] = field(default_factory=list)
    errors: int = 0

    def summary(self) -> dict[str, Any]:
        ordered = sorted(self.latencies_ms) or [0.0]
        return {
            "requests": self.at_request,
            "seconds": round(self.seconds, 1),
            "rss_mb": round(self.rss_mb, 1),
            "p50_ms": round(ordered[len(ordered) // 2], 1),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))], 1),
            "errors": self.errors,
        }


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB (Linux)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


async def run_memory(
    settings: Settings,
    agency: str,
    offender_ids: list[str],
    *,
    requests: int | None,
    seconds: float | None,
    concurrency: int,
    output: str,
    say: Callable[[str], None],
    port: int | None = None,
) -> list[dict[str, Any]]:
    """Send the requests, sampling RSS about every 2% of them (or every 10 s in a soak)."""
    server = api_server(settings, output)
    if port is not None:
        server.port = port
    tokens = [
        mint_token(
            settings, user=f"analyst-{n}", agency=agency, roles=[Role.ANALYST],
            clearance=Classification.SECRET, purpose="memory benchmark", ttl_seconds=24 * 3600,
        )
        for n in range(PRINCIPALS)
    ]  # fmt: skip
    await server.start()
    assert server.process is not None
    pid = server.process.pid
    rng = random.Random(12)
    started = time.monotonic()
    sent = 0
    samples: list[Interval] = [Interval(0, 0.0, rss_mb(pid))]
    current = Interval(0, 0.0, 0.0)
    every = max(1, (requests or 0) // 50)
    say(f"server pid {pid}, RSS {samples[0].rss_mb:.0f} MB before the first request")

    def more() -> bool:
        if requests is not None:
            return sent < requests
        return time.monotonic() - started < (seconds or 0)

    done = 0

    async def worker(http: httpx.AsyncClient) -> None:
        nonlocal sent, done, current
        while more():
            number = sent
            sent += 1
            document = SOAK_DOCUMENT if seconds is not None else distinct_document(number, rng)
            variables: dict[str, Any] = {"id": rng.choice(offender_ids)}
            if "$first" in document:
                variables["first"] = 1 + number % 50
            if "$asOf" in document:
                day = dt.date(2020, 1, 1) + dt.timedelta(days=number % 2_000)
                variables["asOf"] = day.isoformat()
            begun = time.perf_counter()
            try:
                response = await http.post(
                    "/graphql",
                    json={"query": document, "variables": variables},
                    headers={"Authorization": f"Bearer {tokens[number % PRINCIPALS]}"},
                )
                if response.status_code != 200 or "errors" in response.json():
                    current.errors += 1
            except httpx.HTTPError:
                current.errors += 1
            current.latencies_ms.append((time.perf_counter() - begun) * 1000)
            done += 1
            due = (
                done % every == 0
                if requests is not None
                else time.monotonic() - started >= len(samples) * 10
            )
            if due:
                current.at_request, current.seconds = done, time.monotonic() - started
                current.rss_mb = rss_mb(pid)
                samples.append(current)
                say(f"{done:>7} requests, {current.seconds:6.0f} s: RSS {current.rss_mb:6.0f} MB")
                current = Interval(0, 0.0, 0.0)

    try:
        async with httpx.AsyncClient(base_url=server.base_url, timeout=60) as http:
            await asyncio.gather(*(worker(http) for _ in range(concurrency)))
        if current.latencies_ms:
            current.at_request, current.seconds = done, time.monotonic() - started
            current.rss_mb = rss_mb(pid)
            samples.append(current)
    finally:
        server.stop()
    rows = [sample.summary() for sample in samples]
    _write(output, rows, requests=requests, seconds=seconds, concurrency=concurrency)
    return rows


def _write(output: str, rows: list[dict[str, Any]], **meta: Any) -> None:
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"{output}.json").write_text(json.dumps({"meta": meta, "samples": rows}, indent=1))
    mode = "distinct documents" if meta.get("requests") else "soak (one document, many ids)"
    lines = [
        f"# Server memory and latency over time: {mode}",
        "",
        f"{dt.date.today().isoformat()}; concurrency {meta['concurrency']}; "
        f"{PRINCIPALS} principals; `graph-api serve` in production mode, audit on.",
        "",
        "| requests | seconds | RSS MB | p50 ms | p99 ms | errors |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {r['requests']:,} | {r['seconds']} | {r['rss_mb']} | {r['p50_ms']} | {r['p99_ms']} "
        f"| {r['errors']} |"
        for r in rows
    ]
    (RESULTS / f"{output}.md").write_text("\n".join(lines) + "\n")
