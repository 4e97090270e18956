"""`identify`'s contract beyond the policy (tests/api/test_scope.py checks who is found): the
reasons say what matched in words, candidates are ranked, and bad enquiries are BAD_USER_INPUT."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import Classification, Role

if TYPE_CHECKING:
    from collections.abc import Callable

IDENTIFY = """query($marks: [MarkClue!], $vehicle: VehicleClue, $place: PlaceClue, $name: String,
  $ageFrom: Int, $ageTo: Int) { identify(marks: $marks, vehicle: $vehicle, place: $place,
  name: $name, ageFrom: $ageFrom, ageTo: $ageTo, first: 20) { score reasons
  nominal { __typename ... on Offender { id } ... on RestrictedNominal { id } } } }"""


@pytest.fixture
def national(mint: Callable[..., str], tiny_graph: dict[str, Any]) -> str:
    del tiny_graph
    return mint("MET", roles=(Role.ANALYST, Role.NATIONAL_SEARCH), clearance=Classification.SECRET)


async def test_reasons_say_which_words_matched(graphql: Callable[..., Any], national: str) -> None:
    body = await graphql(IDENTIFY, {"marks": [{"type": "TATTOO", "words": "serpent"}]}, national)
    candidates = body["data"]["identify"]
    assert candidates
    for candidate in candidates:
        assert any("'serpent' ~ 'snake'" in reason for reason in candidate["reasons"])
    scores = [c["score"] for c in candidates]
    assert scores == sorted(scores, reverse=True)


async def test_a_clue_no_one_matches_changes_no_ranking(
    graphql: Callable[..., Any], national: str
) -> None:
    one = (await graphql(IDENTIFY, {"marks": [{"words": "snake"}]}, national))["data"]["identify"]
    best = one[0]["nominal"]["id"]
    both = await graphql(
        IDENTIFY, {"marks": [{"words": "snake"}], "name": "zz"}, national
    )  # a name clue no one matches changes nothing
    assert both["data"]["identify"][0]["nominal"]["id"] == best


@pytest.mark.parametrize(
    "variables",
    [
        {},
        {"ageFrom": 20, "ageTo": 30},
        {"marks": [{}]},
        {"marks": [{"words": "snake"}], "ageFrom": 40, "ageTo": 30},
        {"vehicle": {}},
        {"vehicle": {"vrm": "A!B"}},
        {"place": {"postcode": "not a postcode"}},
        {"place": {"latitude": 51.5, "longitude": -0.1, "radiusMetres": 1e9}},
        {"marks": [{"bodyPart": "tentacle"}]},
        {"marks": [{"words": "snake"}] * 6},
    ],
)
async def test_bad_enquiries_are_bad_user_input(
    graphql: Callable[..., Any], national: str, variables: dict[str, Any]
) -> None:
    body = await graphql(IDENTIFY, variables, national)
    assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
