"""network and shortestPath against the oracle: only visible links, never through a stub."""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

import pytest
from policy_oracle import PolicyOracle, RawGraph

from api.test_scope import CARD, KINDS, TODAY, Asker, Case, check_cards, choose_cases, choose_pool

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

NODE_IDS = (
    "... on Offender { id } ... on Associate { id } ... on Address { id } "
    "... on Vehicle { id } ... on Mark { id } "
    f"... on RestrictedNominal {{ __typename id managingAgency {{ code }} {CARD} }}"
)


@pytest.fixture(scope="module")
def raw_graph(driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any]) -> RawGraph:
    del tiny_graph
    return RawGraph.load(driver, database)


@pytest.fixture(scope="module")
def cases(raw_graph: RawGraph) -> dict[str, Case]:
    return choose_cases(raw_graph)


def _token(mint: Callable[..., str], case: Case) -> str:
    viewer = case.viewer
    return mint(viewer.agency, roles=tuple(sorted(viewer.roles)), clearance=viewer.clearance)


@pytest.mark.parametrize("kind", KINDS)
async def test_network_is_the_visible_neighbourhood(
    kind: str, raw_graph: RawGraph, cases: dict[str, Case], mint: Callable[..., str],
    graphql: Callable[..., Any],
) -> None:  # fmt: skip
    case = cases[kind]
    oracle = PolicyOracle(raw_graph, case.viewer, TODAY)
    token = _token(mint, case)
    roots = choose_pool(raw_graph, cases)[:12]
    query = f"""query($id: ID!, $depth: Int!) {{ network(offenderId: $id, depth: $depth) {{
        nodes {{ {NODE_IDS} }} edges {{ source target type from }} }} }}"""
    for root in roots:
        for depth in (1, 2):
            body = await graphql(query, {"id": root, "depth": depth}, token=token)
            assert "errors" not in body, body
            expected = oracle.network(root, depth)
            got = body["data"]["network"]
            if expected is None:
                assert got is None, (root, depth)
                continue
            nodes, link_keys = expected
            assert {n["id"] for n in got["nodes"]} == nodes, (root, depth)
            cards = Asker(oracle, [], token, graphql, [])  # the same card everywhere (rule 4)
            check_cards(cards, f"network({root}, {depth})", got["nodes"])
            cards.verdict()
            links = [link for link in raw_graph.links if link.key in link_keys]
            want = {(lk.start, lk.end, lk.type, lk.props["from"].isoformat()) for lk in links}
            have = {(e["source"], e["target"], e["type"], e["from"]) for e in got["edges"]}
            assert have == want, (root, depth)


@pytest.mark.parametrize("kind", KINDS)
async def test_shortest_path_matches_a_visible_breadth_first_search(
    kind: str, raw_graph: RawGraph, cases: dict[str, Case], mint: Callable[..., str],
    graphql: Callable[..., Any],
) -> None:  # fmt: skip
    case = cases[kind]
    oracle = PolicyOracle(raw_graph, case.viewer, TODAY)
    token = _token(mint, case)
    pool = choose_pool(raw_graph, cases)
    people = [n.id for n in raw_graph.of_kind("Offender")] + [
        n.id for n in raw_graph.of_kind("Associate")
    ]
    rng = random.Random(kind)
    pairs = [(rng.choice(pool), rng.choice(people)) for _ in range(12)]
    query = f"""query($a: ID!, $b: ID!) {{ shortestPath(fromId: $a, toId: $b, maxHops: 4) {{
        length nodes {{ __typename {NODE_IDS} }} }} }}"""
    for start, goal in pairs:
        body = await graphql(query, {"a": start, "b": goal}, token=token)
        assert "errors" not in body, body
        got = body["data"]["shortestPath"]
        expected = oracle.shortest(start, goal, 4)
        assert (got and got["length"]) == expected, (start, goal)
        if got:
            cards = Asker(oracle, [], token, graphql, [])
            check_cards(cards, f"shortestPath({start}, {goal})", got["nodes"])
            cards.verdict()
            inner = got["nodes"][1:-1]
            assert all(n["__typename"] != "RestrictedNominal" for n in inner)


@pytest.mark.parametrize("kind", KINDS)
async def test_common_associates_match_the_oracle_and_agree_with_paths(
    kind: str, raw_graph: RawGraph, cases: dict[str, Case], mint: Callable[..., str],
    graphql: Callable[..., Any],
) -> None:  # fmt: skip
    """For the same pair, principal and date: commonAssociates non-empty implies a shortest
    path of at most 2 hops (issue 11); both as the oracle says."""
    case = cases[kind]
    oracle = PolicyOracle(raw_graph, case.viewer, TODAY)
    token = _token(mint, case)
    # Pairs with a person associated with both, so the question has answers to check.
    pairs: set[tuple[str, str]] = set()
    for person in raw_graph.nodes:
        ends = sorted(
            link.other(person)
            for link in raw_graph.incident[person]
            if link.type == "ASSOCIATED_WITH" and raw_graph.is_offender(link.other(person))
        )
        pairs.update((a, b) for a in ends for b in ends if a < b)
    in_scope = sorted(p for p in pairs if oracle.in_scope(p[0]) and oracle.in_scope(p[1]))
    chosen = random.Random(kind).sample(in_scope, min(15, len(in_scope)))
    query = """query($a: ID!, $b: ID!) { commonAssociates(firstId: $a, secondId: $b) {
        ... on Offender { id } ... on Associate { id } ... on RestrictedNominal { id } }
        shortestPath(fromId: $a, toId: $b, maxHops: 2) { length } }"""
    answered = 0
    for first, second in chosen:
        body = await graphql(query, {"a": first, "b": second}, token=token)
        assert "errors" not in body, body
        common = {person["id"] for person in body["data"]["commonAssociates"]}
        assert common == oracle.common_associates(first, second), (first, second)
        if common:
            answered += 1
            path = body["data"]["shortestPath"]
            assert path is not None, (first, second)
            assert path["length"] <= 2, (first, second)
    assert answered or kind != "managed" or not chosen, "some pair has common associates"
