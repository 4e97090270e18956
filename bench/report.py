"""Turns samples into results: percentiles, a Markdown table, a PNG chart, the raw numbers."""

from __future__ import annotations

import json
import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from bench.loadgen import Sample
    from bench.queries import BenchQuery

#: The reference target every other is compared with.
REFERENCE = "raw"


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
        )


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


def markdown(
    summaries: Sequence[Summary],
    queries: Sequence[BenchQuery],
    targets: Sequence[str],
    meta: dict[str, str],
    title: str,
) -> str:
    """The results as Markdown: how they were taken, a p50/p95 headline, then every cell."""
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
    others = [t for t in targets if t != REFERENCE]
    for concurrency in concurrencies:
        lines += ["", f"## Latency at concurrency {concurrency} (ms)", ""]
        header = ["query"]
        for target in targets:
            header += [f"{target} p50", f"{target} p95"]
        if REFERENCE in targets:
            for target in others:
                header += [f"{target}/{REFERENCE} p50", f"{target}/{REFERENCE} p95"]
        lines += ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        for query in queries:
            row = [query.title + (" *" if query.single_offender else "")]
            found = {t: cells.get((query.name, concurrency, t)) for t in targets}
            for target in targets:
                cell = found[target]
                row += [_ms(cell.p50), _ms(cell.p95)] if cell else ["-", "-"]
            reference = found.get(REFERENCE)
            if reference is not None:
                for target in others:
                    cell = found[target]
                    row += (
                        [_ratio(cell.p50, reference.p50), _ratio(cell.p95, reference.p95)]
                        if cell
                        else ["-", "-"]
                    )
            lines.append("| " + " | ".join(row) + " |")
    lines += ["", "\\* single-offender query (issue 3 aims for API within 1.5x of raw Cypher)"]
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
                    continue
                lines.append(
                    f"| {query.title} | {concurrency} | {target} | {cell.requests} | "
                    f"{cell.errors} | {cell.throughput:.1f} | {_ms(cell.p50)} | "
                    f"{_ms(cell.p95)} | {_ms(cell.p99)} |"
                )
    return "\n".join(lines) + "\n"


def write_json(samples: Sequence[Sample], meta: dict[str, str], path: Path) -> None:
    """Every latency, for later analysis."""
    payload = {
        "meta": meta,
        "samples": [
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
        ],
    }
    path.write_text(json.dumps(payload, indent=1) + "\n")


def chart(
    summaries: Sequence[Summary],
    queries: Sequence[BenchQuery],
    targets: Sequence[str],
    title: str,
    path: Path,
) -> None:
    """p50 and p95 latency (log scale) and throughput, per query and target, per concurrency.

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
