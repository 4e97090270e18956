"""The mark vocabulary finds what a witness says (issue 10): parts, plurals, synonyms, typos."""

from __future__ import annotations

import pytest

import seed.vocabulary as seed_vocabulary
from graph_api.errors import BadUserInput
from graph_api.marks import (
    BODY_PARTS,
    lucene_description_query,
    matched_words,
    normalise_body_part,
    resolve_body_part,
)


@pytest.mark.parametrize(
    ("said", "side"),
    [("forearm", None), ("forearms", None), ("lower arm", None), ("Left forearm", "LEFT"),
     ("right lower arms", "RIGHT"), ("arm", None), ("arms", None)],
)  # fmt: skip
def test_a_witness_finds_the_forearm(said: str, side: str | None) -> None:
    parts, named_side = resolve_body_part(said)
    assert "forearm" in parts
    assert named_side == side


def test_a_part_covers_its_narrower_parts_only() -> None:
    assert resolve_body_part("arm")[0] == {"arm", "upper arm", "elbow", "forearm", "wrist"}
    assert resolve_body_part("forearm")[0] == {"forearm"}
    assert {"calf", "foot"} <= resolve_body_part("legs")[0]
    assert resolve_body_part("feet")[0] == {"foot"}


def test_every_seeded_part_is_in_the_vocabulary() -> None:
    names = {part.name for part in BODY_PARTS}
    seeded = {*seed_vocabulary.PAIRED_PARTS, *seed_vocabulary.CENTRAL_PARTS}
    seeded |= {part for _, part in seed_vocabulary.OTHER_MARKS + seed_vocabulary.DEFORMITIES}
    assert seeded <= names
    for part in BODY_PARTS:
        assert set(part.parts) <= names, part


def test_unknown_body_part_says_where_the_words_are() -> None:
    with pytest.raises(BadUserInput, match="markVocabulary"):
        resolve_body_part("tentacle")


def test_writes_store_the_vocabulary_name_and_side() -> None:
    assert normalise_body_part("Left lower arms") == ("forearm", "LEFT")
    assert normalise_body_part("shoulder") == ("shoulder", None)
    assert normalise_body_part("left little toe") == ("little toe", "LEFT")  # kept as said


@pytest.mark.parametrize(
    ("said", "stored", "found"),
    [("serpent", "tattoo of a snake coiled around a dagger", "snake"),
     ("snak", "tattoo of a snake", "snake"),
     ("skull", "tattoo of skulls", "skulls"),
     ("skulls", "tattoo of a skull and crossbones", "skull")],
)  # fmt: skip
def test_words_match_by_synonym_typo_and_plural(said: str, stored: str, found: str) -> None:
    assert (said, found) in matched_words(said, stored)


def test_description_query_is_only_letters_and_our_operators() -> None:
    query = lucene_description_query('snake" OR *:* ) AND title:(x~9) \\')
    assert query.startswith("(snake OR snake~1 OR serpent")
    for char in '"*:\\':
        assert char not in query
    with pytest.raises(BadUserInput):
        lucene_description_query("!!! ***")
