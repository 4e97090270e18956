"""Measures the MAPPA meeting pack (issue 14, item 6): the pack query through `/graphql` and
`GET /mappa/{id}/pack.pdf`, for the offender with the busiest network among those MAPPA
meetings review, on whatever dataset the instance holds (the national one for the README).

    .venv/bin/python -m bench.mappa_pack --instance national --queries 200 --pdfs 30

The app runs in this process (ASGI, no sockets), as the managing agency's MAPPA coordinator
with SECRET clearance; the figures land in bench/results/mappa-pack-<date>.md with the
machine's load. A measurement, never a test.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import re
import secrets
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

_BUSIEST = """
MATCH (m:MappaMeeting)-[:REVIEWS]->(o:Offender) WHERE o.mappaLevel = 3
WITH DISTINCT o
WITH o, COUNT { (o)-[:RESIDES_AT|ASSOCIATED_WITH|USES|HAS_MARK|ASSESSED|CONVICTED_OF|MUST_NOTIFY|
                     SUBJECT_TO|HELD_IN]-() }
        + COUNT { (o)<-[:ABOUT|REVIEWS|DEPICTS]-() } AS links,
     COUNT { (o)-[:ASSOCIATED_WITH]-()-[:ASSOCIATED_WITH]-() } AS reach,
     COUNT { (o)-[:RESIDES_AT]->()<-[:RESIDES_AT]-() } AS household
RETURN o.id AS id, o.managingAgency AS agency, links, reach, household
ORDER BY links + reach + household DESC, o.id LIMIT 1
"""


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def _pages(pdf: bytes) -> str:
    """How many pages, by poppler's pdfinfo when it is installed (WeasyPrint compresses the
    page objects, so they cannot be counted in the bytes)."""
    tool = shutil.which("pdfinfo")
    if tool is None:
        return "?"
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        out = subprocess.run([tool, file.name], capture_output=True, text=True, check=True)  # noqa: S603
    found = re.search(r"^Pages:\s+(\d+)", out.stdout, re.MULTILINE)
    return found.group(1) if found else "?"


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f}, {five:.2f}, {fifteen:.2f} (1, 5, 15 min) on {os.cpu_count()} cores"


#: Which offenders to measure: the busiest network overall, and the most co-residents (an
#: approved premises or hostel: the pack lists who else lives there).
_ORDERS = {
    "busiest network": "links + reach + household",
    "most co-residents": "household",
}


async def measure(queries: int, pdfs: int) -> str:
    from graph_api.db import open_sync_driver
    from graph_api.settings import Settings

    # A secret of this run only: the tokens it mints are good for this process alone.
    settings = Settings(graph_api_jwt_secret=secrets.token_hex(32))  # type: ignore[arg-type]
    driver, target = open_sync_driver(settings)
    chosen = {}
    for name, order in _ORDERS.items():
        cypher = _BUSIEST.replace("ORDER BY links + reach + household", f"ORDER BY {order}")
        [chosen[name]] = driver.execute_query(cypher, database_=target.database)[0]
    dataset, _, _ = driver.execute_query(
        "MATCH (d:Dataset) RETURN d.scale AS scale, d.offenders AS offenders",
        database_=target.database,
    )
    driver.close()
    scale = dataset[0]["scale"] if dataset else "?"
    offenders = dataset[0]["offenders"] if dataset else "?"
    lines = [
        f"# MAPPA meeting pack, {dt.date.today().isoformat()}",
        "",
        f"Dataset: {scale} ({offenders} offenders). Each offender is read by a MAPPA "
        "coordinator of its managing agency with SECRET clearance; in-process (ASGI).",
        "",
        "| offender | what | runs | p50 ms | p95 ms | max ms |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, offender in chosen.items():
        label = (
            f"{name}: {offender['id']} ({offender['links']} fact links, {offender['reach']} "
            f"two-hop associations, {offender['household']} co-residences)"
        )
        lines += await _measure_one(settings, offender, label, queries, pdfs)
    lines += ["", f"Machine load at the end: {_load()}.", ""]
    return "\n".join(lines)


async def _measure_one(
    settings: Any, offender: Any, label: str, queries: int, pdfs: int
) -> list[str]:
    from graph_api import pack
    from graph_api.app import create_app
    from graph_api.domain import Classification, Role
    from graph_api.identity import mint_token

    token = mint_token(
        settings, user="bench.chair", agency=offender["agency"],
        roles=[Role.MAPPA_COORDINATOR], clearance=Classification.SECRET,
        purpose="MAPPA meeting (benchmark)", ttl_seconds=3600,
    )  # fmt: skip
    headers = {"Authorization": f"Bearer {token}"}
    app = create_app(settings)
    document = pack.document("MappaPack")
    variables = {"id": offender["id"], "today": dt.date.today().isoformat()}
    query_ms: list[float] = []
    pdf_ms: list[float] = []
    pages = "?"
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=120
    ) as client:
        for attempt in range(queries + 5):  # five to warm the plan caches first
            started = time.perf_counter()
            response = await client.post(
                "/graphql", json={"query": document, "variables": variables}, headers=headers
            )
            elapsed = (time.perf_counter() - started) * 1000
            body = response.json()
            assert "errors" not in body, body
            if attempt >= 5:
                query_ms.append(elapsed)
        for attempt in range(pdfs + 2):
            started = time.perf_counter()
            response = await client.get(f"/mappa/{offender['id']}/pack.pdf", headers=headers)
            elapsed = (time.perf_counter() - started) * 1000
            assert response.status_code == 200, response.text
            pages = _pages(response.content)
            if attempt >= 2:
                pdf_ms.append(elapsed)
    await app.state.database.close()
    return [
        f"| {label} | pack query (`/graphql`) | {len(query_ms)} | "
        f"{statistics.median(query_ms):.1f} | {_percentile(query_ms, 0.95):.1f} | "
        f"{max(query_ms):.1f} |",
        f"| | `GET /mappa/{{id}}/pack.pdf` ({pages} pages) | {len(pdf_ms)} | "
        f"{statistics.median(pdf_ms):.0f} | {_percentile(pdf_ms, 0.95):.0f} | "
        f"{max(pdf_ms):.0f} |",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--instance", default=os.environ.get("GRAPH_API_LOCAL_INSTANCE", "bench"))
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--pdfs", type=int, default=30)
    args = parser.parse_args()
    os.environ["GRAPH_API_LOCAL_INSTANCE"] = args.instance
    report = asyncio.run(measure(args.queries, args.pdfs))
    out = Path(__file__).resolve().parent / "results" / f"mappa-pack-{dt.date.today()}.md"
    out.write_text(report)
    print(report)
    print(f"written to {out}")


if __name__ == "__main__":
    main()
