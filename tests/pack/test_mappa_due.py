"""`mappaDue` (issue 14, item 4): what falls due, or is overdue, for the offenders an agency
manages, earliest first and paged, exactly as the policy oracle reads the raw graph."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import TYPE_CHECKING, Any

import pytest
from policy_oracle import PolicyOracle, RawGraph, Viewer

from graph_api.domain import Classification

if TYPE_CHECKING:
    from collections.abc import Callable

    import neo4j

TODAY = dt.date.today()
DUE = """
query ($kinds: [DueKind!], $from: Date, $until: Date, $overdue: Boolean!, $after: String) {
  mappaDue(kinds: $kinds, from: $from, until: $until, overdue: $overdue, first: 7, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { kind dueOn overdue subjectId summary classification offender { id managingAgency { code } } } }
  }
}
"""


@pytest.fixture(scope="module")
def raw_graph(driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any]) -> RawGraph:
    del tiny_graph
    return RawGraph.load(driver, database)


def _busiest_agency(graph: RawGraph) -> str:
    managers = Counter(o.props["managingAgency"] for o in graph.of_kind("Offender"))
    return str(managers.most_common(1)[0][0])


async def _all_pages(
    graphql: Callable[..., Any], token: str, variables: dict[str, Any]
) -> list[Any]:
    items, after = [], None
    while True:
        body = await graphql(DUE, {**variables, "after": after}, token=token)
        assert "errors" not in body, body
        page = body["data"]["mappaDue"]
        items += [edge["node"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            assert page["totalCount"] == len(items)
            return items
        after = page["pageInfo"]["endCursor"]


@pytest.mark.parametrize(
    ("clearance", "window"),
    [
        (Classification.SECRET, {"overdue": True}),
        (Classification.SECRET, {"overdue": False, "until": (TODAY + dt.timedelta(days=366)).isoformat()}),
        (Classification.OFFICIAL, {"overdue": False, "until": (TODAY + dt.timedelta(days=200)).isoformat()}),
        (Classification.OFFICIAL_SENSITIVE, {"overdue": False, "kinds": ["ACTION", "RELEASE"],
                                             "from": (TODAY - dt.timedelta(days=90)).isoformat(),
                                             "until": (TODAY + dt.timedelta(days=90)).isoformat()}),
    ],
)  # fmt: skip
async def test_due_and_overdue_follow_the_oracle(
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    raw_graph: RawGraph,
    clearance: Classification,
    window: dict[str, Any],
) -> None:
    agency = _busiest_agency(raw_graph)
    oracle = PolicyOracle(raw_graph, Viewer(agency, clearance))
    token = mint(agency, clearance=clearance)
    items = await _all_pages(graphql, token, window)
    kinds = window.get("kinds") or [
        "RISK_REVIEW",
        "NOTIFICATION",
        "LICENCE_END",
        "RELEASE",
        "ACTION",
    ]
    start = dt.date.fromisoformat(window.get("from", TODAY.isoformat()))
    end = dt.date.fromisoformat(window["until"]) if "until" in window else start
    expected = oracle.due(kinds, start, end, overdue=window["overdue"])
    got = [(i["dueOn"], i["subjectId"], i["kind"], i["offender"]["id"]) for i in items]
    assert got == expected
    assert expected, "the tiny dataset should have something due"
    assert all(i["offender"]["managingAgency"]["code"] == agency for i in items)
    assert all(i["overdue"] == (i["dueOn"] < TODAY.isoformat()) for i in items)
    if window["overdue"]:
        assert {i["kind"] for i in items} >= {"RISK_REVIEW", "ACTION"}


@pytest.mark.parametrize(
    ("variables", "named"),
    [
        ({"overdue": False, "from": "2026-01-01", "until": "2025-01-01"}, "until"),
        ({"overdue": False, "from": "2020-01-01", "until": "2025-01-01"}, "until"),
        ({"overdue": True, "until": "2030-01-01"}, "overdue"),
        ({"overdue": False, "after": "not-a-cursor"}, "after"),
    ],
)
async def test_bad_windows_are_named(
    graphql: Callable[..., Any], mint: Callable[..., str], variables: dict[str, Any], named: str
) -> None:
    body = await graphql(DUE, variables, token=mint("MET"))
    [error] = body["errors"]
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert f"`{named}`" in error["message"]
