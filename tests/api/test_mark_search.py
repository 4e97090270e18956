"""Mark search finds what a witness says (issue 10), on the tiny dataset, nationally.

The words a witness uses ("serpent", "snak", "forearms", "lower arm") find exactly what the
stored words ("snake", "forearm") find; the policy side of the same searches is in
tests/api/test_scope.py.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from graph_api.domain import Classification, Role

if TYPE_CHECKING:
    from collections.abc import Callable

SEARCH = (
    "query($type: MarkType, $part: String, $side: Side, $text: String) { searchMarks(type: $type, "
    "bodyPart: $part, side: $side, text: $text, first: 100) { edges { mark { id description "
    "bodyPart side } bearer { __typename } } } }"
)


@pytest.fixture
async def hits(
    graphql: Callable[..., Any], mint: Callable[..., str], tiny_graph: dict[str, Any]
) -> Callable[..., Any]:
    del tiny_graph
    token = mint("MET", roles=(Role.ANALYST, Role.NATIONAL_SEARCH), clearance=Classification.SECRET)

    async def _hits(**variables: Any) -> dict[str, dict[str, Any]]:
        body = await graphql(SEARCH, variables, token=token)
        assert "errors" not in body, body["errors"]
        return {e["mark"]["id"]: e["mark"] for e in body["data"]["searchMarks"]["edges"]}

    return _hits


@pytest.mark.parametrize("said", ["serpent", "snak", "Snakes", "viper"])
async def test_words_find_the_snakes(hits: Callable[..., Any], said: str) -> None:
    snakes = await hits(text="snake")
    assert snakes
    assert all("snake" in m["description"] for m in snakes.values())
    assert set(await hits(text=said)) == set(snakes)


async def test_skulls_find_skull(hits: Callable[..., Any]) -> None:
    skulls = await hits(text="skulls")
    assert skulls
    assert all("skull" in m["description"] for m in skulls.values())
    assert set(skulls) == set(await hits(text="skull"))


@pytest.mark.parametrize("said", ["forearms", "lower arm", "Forearm"])
async def test_body_part_words_find_the_forearm(hits: Callable[..., Any], said: str) -> None:
    forearms = await hits(part="forearm")
    assert forearms
    assert {m["bodyPart"] for m in forearms.values()} == {"forearm"}
    assert set(await hits(part=said)) == set(forearms)


async def test_a_part_finds_its_narrower_parts_and_a_side_word_its_side(
    hits: Callable[..., Any],
) -> None:
    arms = await hits(part="arm")
    assert {"forearm", "upper arm"} <= {m["bodyPart"] for m in arms.values()}
    left = await hits(part="left forearm")
    assert left
    assert {(m["bodyPart"], m["side"]) for m in left.values()} == {("forearm", "LEFT")}
    assert set(left) == set(await hits(part="forearm", side="LEFT"))


async def test_mark_vocabulary_lists_the_words(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    body = await graphql(
        "{ markVocabulary { types sides bodyParts { name sided parts synonyms } synonyms } }",
        token=mint("MET"),
    )
    vocabulary = body["data"]["markVocabulary"]
    parts = {p["name"]: p for p in vocabulary["bodyParts"]}
    assert "forearm" in parts["arm"]["parts"]
    assert "lower arm" in parts["forearm"]["synonyms"]
    assert "TATTOO" in vocabulary["types"]
    assert ["snake", "serpent", "viper", "cobra", "python", "adder"] in vocabulary["synonyms"]


async def test_conflicting_side_and_unknown_part_are_bad_input(
    graphql: Callable[..., Any], mint: Callable[..., str]
) -> None:
    token = mint("MET")
    for variables in ({"part": "left forearm", "side": "RIGHT"}, {"part": "tentacle"}):
        body = await graphql(SEARCH, variables, token=token)
        assert body["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT", body
