"""The benchmark's pure parts: the peer's network flattening and comparison, the tables."""

from __future__ import annotations

from bench import report
from bench.loadgen import Sample
from bench.queries import QUERIES_BY_NAME, Request
from bench.run import compare_peer
from bench.targets import flatten_network, peer_manifest

NETWORK = QUERIES_BY_NAME["network_depth2"]
DEPTH3 = QUERIES_BY_NAME["offender_depth3"]
PAGE = QUERIES_BY_NAME["offenders_page"]


def test_the_peer_manifest_covers_every_query_and_says_what_it_cannot_express() -> None:
    manifest = peer_manifest()
    assert set(manifest) == set(QUERIES_BY_NAME)
    assert manifest["shortest_path"].document is None
    assert "no path" in manifest["shortest_path"].reason
    assert manifest["network_depth2"].expressible == "approximate"


def test_a_nested_network_tree_flattens_to_nodes_and_stored_direction_edges() -> None:
    tree = [
        {
            "id": "off_1",
            "addressesConnection": {
                "edges": [
                    {
                        "node": {
                            "id": "adr_1",
                            "residentsConnection": {"edges": [{"node": {"id": "asc_1"}}]},
                        }
                    }
                ]
            },
            "vehiclesConnection": {"edges": [{"node": {"id": "veh_1"}}, {"node": {"id": "veh_1"}}]},
        }
    ]
    graph = flatten_network(tree)
    assert {n["id"] for n in graph["nodes"]} == {"off_1", "adr_1", "asc_1", "veh_1"}
    assert NETWORK.answer_ids(graph) == {
        "off_1",
        "adr_1",
        "asc_1",
        "veh_1",
        "off_1-RESIDES_AT->adr_1",
        "asc_1-RESIDES_AT->adr_1",
        "off_1-USES->veh_1",
    }


def test_peer_differences_are_problems_unless_a_documented_gap_explains_them() -> None:
    request = Request("x", {"id": "off_1"}, {})
    same = frozenset({"off_1", "adr_1"})
    assert compare_peer(PAGE, request, same, same) == (None, None)
    problem, _ = compare_peer(PAGE, request, same, same | {"off_2"})
    assert problem is not None
    # depth 3: the peer may show more (gaps 1-2) and lack associates and vehicles (gap 5) ...
    problem, explained = compare_peer(DEPTH3, request, same | {"asc_1", "veh_1"}, same | {"off_9"})
    assert problem is None
    assert explained is not None
    # ... but not an address of ours.
    problem, _ = compare_peer(DEPTH3, request, same, frozenset({"off_1"}))
    assert problem is not None
    # network: association direction does not count.
    ours = frozenset({"off_1", "asc_1", "off_1-ASSOCIATED_WITH->asc_1"})
    peer = frozenset({"off_1", "asc_1", "asc_1-ASSOCIATED_WITH->off_1"})
    assert compare_peer(NETWORK, request, ours, peer) == (None, None)


def test_the_table_shows_ratios_and_n_a_for_what_the_peer_cannot_express() -> None:
    samples = []
    for target, latency in (("raw", 0.001), ("api", 0.004), ("peer", 0.002)):
        for query in ("offender_depth3", "shortest_path"):
            if target == "peer" and query == "shortest_path":
                continue
            samples.append(Sample(target, query, 1, [latency] * 10, elapsed=latency * 10))
    queries = [DEPTH3, QUERIES_BY_NAME["shortest_path"]]
    text = report.markdown(
        report.summarise(samples),
        queries,
        ["raw", "api", "peer"],
        {"dataset": "test"},
        "title",
        not_expressible={("peer", "shortest_path"): "not expressible: no path operation"},
    )
    assert "| api/raw p50 | api/raw p95 | api/peer p50 | api/peer p95 |" in text
    assert "| offender(id), depth 3 * | 4.00x | 4.00x | 2.00x | 2.00x |" in text
    assert "n/a (not expressible: no path operation)" in text
    assert "Not a result" not in text


def test_the_scaling_table_has_a_column_per_size_and_the_growth() -> None:
    by_size = {
        size: [Sample("api", "offender_depth3", 1, [latency] * 10, elapsed=latency * 10)]
        for size, latency in ((10_000, 0.002), (1_000_000, 0.006))
    }
    text = report.scaling_markdown(by_size, [DEPTH3], ["api"], {}, "title")
    assert "| query | target | 10k | 1M | p50 growth 10k to 1M |" in text
    assert "| offender(id), depth 3 | api | 2.0 / 2.0 | 6.0 / 6.0 | 3.00x |" in text


def test_cpu_per_request_and_per_core_come_from_the_cells_cpu_seconds() -> None:
    cell = Sample("api", DEPTH3.name, 8, latencies=[0.01] * 400, elapsed=2.0)
    cell.add(Sample("api", DEPTH3.name, 8, latencies=[0.01] * 100, elapsed=0.5, server_cpu=1.0))
    cell.add(Sample("api", DEPTH3.name, 8, elapsed=0.0, server_cpu=0.25, database_cpu=0.5))
    summary = report.Summary.of(cell)
    assert summary.server_cpu_ms == 1250 / 500  # 2.5 ms a request: 400 a second per core
    assert summary.database_cpu_ms == 1.0
    text = report.markdown([summary], [DEPTH3], ["api"], {}, "t")
    assert "| offender(id), depth 3 | 8 | api | 2.5 | 400 | 1.0 | 1000 |" in text
    unknown = report.Summary.of(Sample("raw", DEPTH3.name, 8, latencies=[0.01], elapsed=1.0))
    assert "per core" not in report.markdown([unknown], [DEPTH3], ["raw"], {}, "t")
