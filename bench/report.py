"""Turns samples into results: percentiles, a Markdown table, a PNG chart, the raw numbers."""

from __future__ import annotations

import json
import math
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from bench.loadgen import Sample
    from bench.queries import BenchQuery

#: The reference target every other is compared with.
REFERENCE = "raw"
#: Our API's targets, and what their latency is divided by in the ratio tables (issue 6: this
#: API / raw Cypher and this API / the peer).
OURS = ("api", "api-noaudit")
REFERENCES = ("raw", "peer")


@dataclass(frozen=True)
class Summary:
    """One cell: a target answering a query at a concurrency."""

    target: str
    query: str
    concurrency: int
    requests: int
    errors: int
    throughput: float  # successful requests per second
    p50: float  # milliseconds
    p95: float
    p99: float
    #: CPU milliseconds per successful request: the target's server's and Neo4j's (nan: unknown)
    server_cpu_ms: float = float("nan")
    database_cpu_ms: float = float("nan")

    @classmethod
    def of(cls, sample: Sample) -> Summary:
        p50 = p95 = p99 = float("nan")
        if len(sample.latencies) >= 2:
            cuts = statistics.quantiles(sample.latencies, n=100, method="inclusive")
            p50, p95, p99 = (cuts[i] * 1000 for i in (49, 94, 98))
        elif sample.latencies:
            p50 = p95 = p99 = sample.latencies[0] * 1000
        return cls(
            sample.target,
            sample.query,
            sample.concurrency,
            sample.requests,
            sample.errors,
            sample.throughput,
            p50,
            p95,
            p99,
            _per_request(sample.server_cpu, len(sample.latencies)),
            _per_request(sample.database_cpu, len(sample.latencies)),
        )


def _per_request(seconds: float | None, answered: int) -> float:
    return float("nan") if seconds is None or not answered else seconds * 1000 / answered


def summarise(samples: Sequence[Sample]) -> list[Summary]:
    return [Summary.of(sample) for sample in samples]


def _index(summaries: Sequence[Summary]) -> dict[tuple[str, int, str], Summary]:
    return {(s.query, s.concurrency, s.target): s for s in summaries}


def _ms(value: float) -> str:
    return "-" if value != value else f"{value:.1f}" if value < 100 else f"{value:.0f}"


def _ratio(value: float, reference: float) -> str:
    if value != value or reference != reference or reference <= 0:
        return "-"
    return f"{value / reference:.2f}x"


def _na(reason: str | None, short: bool = False) -> str:
    if reason is None:
        return "-"
    return "n/a" if short else f"n/a ({reason})"


def markdown(
    summaries: Sequence[Summary],
    queries: Sequence[BenchQuery],
    targets: Sequence[str],
    meta: dict[str, str],
    title: str,
    *,
    not_expressible: Mapping[tuple[str, str], str] | None = None,
    caveats: Mapping[str, str] | None = None,
) -> str:
    """The results as Markdown: how they were taken, latency and ratio tables, every cell.

    `not_expressible` maps (target, query) to why that target cannot answer it: such cells
    read "n/a (reason)" instead of being dropped. `caveats` maps a query to a note (the peer
    answers it approximately, or with client-built input); such rows carry a dagger.
    """
    missing = dict(not_expressible or {})
    notes = dict(caveats or {})
    cells = _index(summaries)
    concurrencies = sorted({s.concurrency for s in summaries})
    lines = [f"# {title}", ""]
    lines += [f"- **{key}**: {value}" for key, value in meta.items()]
    failed = [s for s in summaries if s.errors]
    if failed:
        lines += [
            "",
            "**Not a result: some requests failed** "
            + ", ".join(f"{s.target}/{s.query}/c{s.concurrency}: {s.errors}" for s in failed),
        ]
    ours = [t for t in OURS if t in targets]
    references = [t for t in REFERENCES if t in targets]
    pairs = [(mine, ref) for mine in ours for ref in references]

    def title_of(query: BenchQuery) -> str:
        marks = (" *" if query.single_offender else "") + (" †" if query.name in notes else "")
        return query.title + marks

    for concurrency in concurrencies:
        lines += ["", f"## Concurrency {concurrency}: latency (ms) and throughput (req/s)", ""]
        header = ["query"]
        for target in targets:
            header += [f"{target} p50", f"{target} p95", f"{target} req/s"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for query in queries:
            row = [title_of(query)]
            for target in targets:
                cell = cells.get((query.name, concurrency, target))
                if cell is not None:
                    row += [_ms(cell.p50), _ms(cell.p95), f"{cell.throughput:.1f}"]
                else:
                    reason = missing.get((target, query.name))
                    row += [_na(reason), _na(reason, short=True), _na(reason, short=True)]
            lines.append("| " + " | ".join(row) + " |")
        if pairs:
            heading = f"### Concurrency {concurrency}: ratios (p50, p95; below 1 is faster)"
            lines += ["", heading, ""]
            header = ["query"]
            for mine, ref in pairs:
                header += [f"{mine}/{ref} p50", f"{mine}/{ref} p95"]
            lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            for query in queries:
                row = [title_of(query)]
                for mine, ref in pairs:
                    cell = cells.get((query.name, concurrency, mine))
                    base = cells.get((query.name, concurrency, ref))
                    if cell is not None and base is not None:
                        row += [_ratio(cell.p50, base.p50), _ratio(cell.p95, base.p95)]
                    else:
                        reason = missing.get((ref, query.name)) or missing.get((mine, query.name))
                        row += [_na(reason, short=True), _na(reason, short=True)]
                lines.append("| " + " | ".join(row) + " |")
    lines += ["", "- \\* single-offender query (issue 3 aims for API within 1.5x of raw Cypher)"]
    for name, note in notes.items():
        query_title = next((q.title for q in queries if q.name == name), name)
        lines.append(f"- † {query_title}: {note} (bench/peer/queries.json)")
    for (target, name), reason in missing.items():
        query_title = next((q.title for q in queries if q.name == name), name)
        lines.append(f"- n/a: {target} cannot answer {query_title}: {reason}")
    lines += ["", "## Every cell", ""]
    lines += [
        "| query | concurrency | target | requests | errors | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for query in queries:
        for concurrency in concurrencies:
            for target in targets:
                cell = cells.get((query.name, concurrency, target))
                if cell is None:
                    reason = missing.get((target, query.name))
                    if reason:
                        lines.append(
                            f"| {query.title} | {concurrency} | {target} | "
                            f"{_na(reason)} | | | | | |"
                        )
                    continue
                lines.append(
                    f"| {query.title} | {concurrency} | {target} | {cell.requests} | "
                    f"{cell.errors} | {cell.throughput:.1f} | {_ms(cell.p50)} | "
                    f"{_ms(cell.p95)} | {_ms(cell.p99)} |"
                )
    return "\n".join(lines + _cpu_lines(summaries, queries)) + "\n"


def _cpu_lines(summaries: Sequence[Summary], queries: Sequence[BenchQuery]) -> list[str]:
    """CPU per request and what one core could serve at that cost (capacity planning)."""
    known = [
        s for s in summaries if not (math.isnan(s.server_cpu_ms) and math.isnan(s.database_cpu_ms))
    ]
    if not known:
        return []
    titles = {q.name: q.title for q in queries}
    lines = [
        "",
        "## CPU per request and requests per second per core",
        "",
        "CPU time of the target's server (the API's worker processes, the peer's Node.js) and of "
        "Neo4j while the cell ran, divided by its answered requests (bench/cpu.py); per core is "
        "1000 / that: what one fully busy core would serve at that cost. Raw Cypher has no "
        "server of its own. The load generator's CPU is in neither.",
        "",
        "| query | concurrency | target | server CPU ms | server req/s per core "
        "| Neo4j CPU ms | Neo4j req/s per core |",
        "|---|---|---|---|---|---|---|",
    ]
    for s in known:
        lines.append(
            f"| {titles.get(s.query, s.query)} | {s.concurrency} | {s.target} | "
            f"{_ms(s.server_cpu_ms)} | {_per_core(s.server_cpu_ms)} | "
            f"{_ms(s.database_cpu_ms)} | {_per_core(s.database_cpu_ms)} |"
        )
    return lines


def _per_core(cpu_ms: float) -> str:
    return "-" if math.isnan(cpu_ms) or cpu_ms <= 0 else f"{1000 / cpu_ms:.0f}"


def write_json(
    samples: Sequence[Sample],
    meta: dict[str, str],
    path: Path,
    *,
    not_expressible: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """Every latency, for later analysis."""
    payload = {
        "meta": meta,
        "notExpressible": [
            {"target": target, "query": query, "reason": reason}
            for (target, query), reason in (not_expressible or {}).items()
        ],
        "samples": [
            {
                "target": s.target,
                "query": s.query,
                "concurrency": s.concurrency,
                "errors": s.errors,
                "elapsed": s.elapsed,
                "firstError": s.first_error,
                "serverCpuSeconds": s.server_cpu,
                "databaseCpuSeconds": s.database_cpu,
                "latencies": s.latencies,
            }
            for s in samples
        ],
    }
    path.write_text(json.dumps(payload, indent=1) + "\n")


def chart(
    summaries: Sequence[Summary],
    queries: Sequence[BenchQuery],
    targets: Sequence[str],
    title: str,
    path: Path,
    *,
    not_expressible: Mapping[tuple[str, str], str] | None = None,
) -> None:
    """p50 and p95 latency (log scale) and throughput, per query and target, per concurrency.

    A target that cannot express a query gets an "n/a" label where its bar would be.

    Needs matplotlib (`pip install -e '.[bench]'`).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    cells = _index(summaries)
    concurrencies = sorted({s.concurrency for s in summaries})
    figure, axes = plt.subplots(
        2, len(concurrencies), figsize=(6 * len(concurrencies), 8), squeeze=False
    )
    width = 0.8 / max(len(targets), 1)
    positions = range(len(queries))
    for column, concurrency in enumerate(concurrencies):
        latency, throughput = axes[0][column], axes[1][column]
        for i, target in enumerate(targets):
            found = [cells.get((q.name, concurrency, target)) for q in queries]
            xs = [p + i * width for p in positions]
            p50 = [c.p50 if c else 0.0 for c in found]
            p95 = [c.p95 if c else 0.0 for c in found]
            bars = latency.bar(xs, p50, width, label=f"{target} p50")
            latency.scatter(xs, p95, marker="_", s=120, color=bars.patches[0].get_facecolor())
            throughput.bar(xs, [c.throughput if c else 0.0 for c in found], width, label=target)
            for x, query in zip(xs, queries, strict=True):
                if (target, query.name) in (not_expressible or {}):
                    for axis in (latency, throughput):
                        axis.annotate(
                            f"{target} n/a",
                            (x, 0),
                            xycoords=("data", "axes fraction"),
                            xytext=(0, 4),
                            textcoords="offset points",
                            rotation=90,
                            fontsize=7,
                            ha="center",
                            va="bottom",
                        )
        latency.set_yscale("log")
        latency.set_title(f"concurrency {concurrency}: p50 bars, p95 ticks (ms)")
        throughput.set_title(f"concurrency {concurrency}: requests per second")
        for axis in (latency, throughput):
            axis.set_xticks([p + width * (len(targets) - 1) / 2 for p in positions])
            axis.set_xticklabels([q.name for q in queries], rotation=35, ha="right", fontsize=8)
            axis.legend(fontsize=7)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)


# --- the scaling run ---------------------------------------------------------------------------


def _size(offenders: int) -> str:
    """10000 -> 10k, 1000000 -> 1M, 300 -> 300."""
    if offenders % 1_000_000 == 0:
        return f"{offenders // 1_000_000}M"
    if offenders % 1_000 == 0:
        return f"{offenders // 1_000}k"
    return f"{offenders:,}"


def scaling_markdown(
    by_size: Mapping[int, Sequence[Sample]],
    queries: Sequence[BenchQuery],
    targets: Sequence[str],
    meta: dict[str, str],
    title: str,
    not_expressible: Mapping[tuple[str, str], str] | None = None,
    caveats: Mapping[str, str] | None = None,
) -> str:
    """Latency per data size: one row per query and target, p50 / p95 per size, and growth."""
    missing = dict(not_expressible or {})
    sizes = sorted(by_size)
    cells = {size: _index(summarise(samples)) for size, samples in by_size.items()}
    concurrencies = sorted({s.concurrency for samples in by_size.values() for s in samples})
    lines = [f"# {title}", ""]
    lines += [f"- **{key}**: {value}" for key, value in meta.items()]
    failed = [
        f"{s.target}/{s.query}/c{s.concurrency}/{_size(size)}: {s.errors}"
        for size, samples in by_size.items()
        for s in samples
        if s.errors
    ]
    if failed:
        lines += ["", "**Not a result: some requests failed** " + ", ".join(failed)]
    for concurrency in concurrencies:
        lines += ["", f"## Concurrency {concurrency}: p50 / p95 latency (ms) by offenders", ""]
        header = ["query", "target", *(_size(n) for n in sizes)]
        header.append(f"p50 growth {_size(sizes[0])} to {_size(sizes[-1])}")
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for query in queries:
            for target in targets:
                reason = missing.get((target, query.name))
                if reason:
                    lines.append(
                        f"| {query.title} | {target} | n/a ({reason}) |" + " |" * len(sizes)
                    )
                    continue
                found = [cells[n].get((query.name, concurrency, target)) for n in sizes]
                row = [query.title, target]
                row += [f"{_ms(c.p50)} / {_ms(c.p95)}" if c else "-" for c in found]
                first, last = found[0], found[-1]
                row.append(_ratio(last.p50, first.p50) if first and last else "-")
                lines.append("| " + " | ".join(row) + " |")
    for name, note in (caveats or {}).items():
        lines.append(f"\n† {name}: {note}")
    return "\n".join(lines) + "\n"


def write_scaling_json(
    by_size: Mapping[int, Sequence[Sample]], meta: dict[str, str], path: Path
) -> None:
    """Every latency of the scaling run, per size."""
    payload = {
        "meta": meta,
        "sizes": {
            str(size): [
                {
                    "target": s.target,
                    "query": s.query,
                    "concurrency": s.concurrency,
                    "errors": s.errors,
                    "elapsed": s.elapsed,
                    "firstError": s.first_error,
                    "latencies": s.latencies,
                }
                for s in samples
            ]
            for size, samples in by_size.items()
        },
    }
    path.write_text(json.dumps(payload, indent=1) + "\n")


def scaling_chart(
    by_size: Mapping[int, Sequence[Sample]],
    queries: Sequence[BenchQuery],
    targets: Sequence[str],
    title: str,
    path: Path,
) -> None:
    """p50 (solid) and p95 (dashed) against offenders, log-log, one panel per query and level."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    sizes = sorted(by_size)
    cells = {size: _index(summarise(samples)) for size, samples in by_size.items()}
    concurrencies = sorted({s.concurrency for samples in by_size.values() for s in samples})
    figure, axes = plt.subplots(
        len(queries),
        len(concurrencies),
        figsize=(5 * len(concurrencies), 4 * len(queries)),
        squeeze=False,
    )
    for row, query in enumerate(queries):
        for column, concurrency in enumerate(concurrencies):
            axis = axes[row][column]
            for target in targets:
                found = [(n, cells[n].get((query.name, concurrency, target))) for n in sizes]
                points = [(n, c) for n, c in found if c is not None]
                if not points:
                    continue
                xs = [n for n, _ in points]
                line = axis.plot(xs, [c.p50 for _, c in points], marker="o", label=f"{target}")
                axis.plot(
                    xs,
                    [c.p95 for _, c in points],
                    linestyle="--",
                    color=line[0].get_color(),
                )
            axis.set_xscale("log")
            axis.set_yscale("log")
            axis.set_xlabel("offenders")
            axis.set_ylabel("ms (p50 solid, p95 dashed)")
            axis.set_title(f"{query.title}, concurrency {concurrency}", fontsize=9)
            axis.legend(fontsize=7)
    figure.suptitle(title)
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    plt.close(figure)
