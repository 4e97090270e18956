"""Documents never seen before (issue 16, goal 3): what a GraphiQL user pays on every edit.

`graph-api bench --cold-documents N` starts `graph-api serve` (production mode, audit on) and
sends N offender documents, each with a selection no earlier one had, once each, one request at
a time; right after each, the same document again with another offender id (warm: every cache,
the database's plan included, holds it). The table compares the two, per document, for all of
them and apart for the two kinds a user's edits make:

- a new structure: link lists no earlier document of the run combined (a statement text the
  database has not planned: the run's name is an alias on a field that shapes the text);
- known links, other scalars: the same link lists as an earlier document, other scalar fields
  and aliases (the statement reads stored scalars by names passed as a parameter).
"""

from __future__ import annotations

import random
import time
from typing import TYPE_CHECKING, Any

from bench.targets import percentile, served, write_result
from graph_api.domain import Classification, Role
from graph_api.identity import mint_token

if TYPE_CHECKING:
    from collections.abc import Callable

    from bench.http_client import LeanClient
    from graph_api.settings import Settings

_SCALARS = (
    "forename", "surname", "dob", "gender", "pncId", "nominalType", "mappaCategory",
    "mappaLevel", "riskLevel", "version",
)  # fmt: skip
_LINKS = (
    ("addresses", "from main address {{ {fields} }}", ("town", "postcode", "line1", "kind")),
    ("associates", "type person {{ __typename ... on Associate {{ {fields} }} }}",
     ("id", "forename", "surname", "dob")),
    ("vehicles", "role vehicle {{ {fields} }}", ("vrm", "make", "model", "colour")),
    ("marks", "mark {{ {fields} }}", ("type", "bodyPart", "side", "description")),
)  # fmt: skip


def cold_document(rng: random.Random, seen: set[str], run: str) -> tuple[str, tuple[str, ...]]:
    """An offender document whose selection differs from every one in `seen` (added to it), and
    the link lists it selects. `run` names this run in the alias of `managingAgency`, an alias
    that is part of the statement's text: the database keeps its plans from earlier runs."""
    while True:
        scalars = [name for name in _SCALARS if rng.random() < 0.5]
        links = []
        for name, shape, fields in _LINKS:
            if rng.random() < 0.5:
                chosen = [field for field in fields if rng.random() < 0.6] or [fields[0]]
                edges = shape.format(fields=" ".join(chosen))
                links.append(f"{name}(first: 10) {{ totalCount edges {{ {edges} }} }}")
        selection = " ".join(["id", *scalars, *links])
        if selection not in seen:
            seen.add(selection)
            return (
                f"query Cold($id: ID!) {{ offender(id: $id) {{ "
                f"{run}: managingAgency {{ code }} {selection} }} }}",
                tuple(link.split("(")[0] for link in links),
            )


async def run_cold_documents(
    settings: Settings,
    agency: str,
    offender_ids: list[str],
    count: int,
    *,
    output: str,
    say: Callable[[str], None],
) -> dict[str, Any]:
    """Send `count` new documents, each followed by its warm repeat; write the comparison."""
    token = mint_token(
        settings, user="bench-analyst", agency=agency, roles=[Role.ANALYST],
        clearance=Classification.SECRET, purpose="cold-document benchmark", ttl_seconds=3600,
    )  # fmt: skip
    rng = random.Random(16)
    run = f"run{time.time_ns()}"
    seen: set[str] = set()
    shapes: set[tuple[str, ...]] = set()
    cold: list[float] = []
    warm: list[float] = []
    new_shape: list[bool] = []

    async def send(http: LeanClient, headers: dict[str, str], document: str) -> float:
        variables = {"id": rng.choice(offender_ids)}
        started = time.perf_counter()
        status, body = await http.post_json(
            "/graphql", {"query": document, "variables": variables}, headers
        )
        elapsed = (time.perf_counter() - started) * 1000
        if status != 200 or body.get("errors"):
            raise RuntimeError(f"a document failed: {status} {str(body)[:300]}")
        return elapsed

    async with served(settings, output, token) as (http, headers):
        for _ in range(10):  # the server itself warm: connections, the audit statement
            await send(http, headers, "query Warm($id: ID!) { offender(id: $id) { id surname } }")
        for number in range(count):
            document, shape = cold_document(rng, seen, run)
            new_shape.append(shape not in shapes)
            shapes.add(shape)
            cold.append(await send(http, headers, document))
            warm.append(await send(http, headers, document))
            if (number + 1) % max(1, count // 10) == 0:
                say(f"{number + 1} documents: cold p50 {percentile(cold, 0.5)} ms")
    kinds = {
        "": [True] * count,
        ", new structure": new_shape,
        ", known links, other scalars": [not new for new in new_shape],
    }
    summary = {}
    for kind, chosen in kinds.items():
        firsts = [c for c, keep in zip(cold, chosen, strict=True) if keep]
        agains = [w for w, keep in zip(warm, chosen, strict=True) if keep]
        rows = {
            f"first time (cold){kind}": firsts,
            f"again (warm){kind}": agains,
            f"first time minus again{kind}": [c - w for c, w in zip(firsts, agains, strict=True)],
        }
        summary.update({
            name: {"documents": len(v), "p50_ms": percentile(v, 0.5), "p95_ms": percentile(v, 0.95)}
            for name, v in rows.items() if v
        })  # fmt: skip
    return write_result(
        output,
        "Documents never seen before",
        [
            f"{count} offender documents, each with a selection no earlier one had (the run named "
            "in an alias of `managingAgency`), sent once "
            "and then again (another offender id), one request at a time, through `graph-api "
            "serve` (production mode, audit on)"
        ],
        "",
        {"documents": "documents", "p50_ms": "p50 ms", "p95_ms": "p95 ms"},
        summary,
        documents=count,
    )
