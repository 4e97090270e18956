"""Phonetic name keys: spelling variants meet, keys stay safe Lucene tokens."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_api.phonetic import name_keys, query_keys

SAFE_KEY = re.compile(r"[A-Z0-9]+")


@pytest.mark.parametrize(
    ("stored", "searched"),
    [
        ("John Smith", "Jon Smyth"),
        ("Stephen", "Steven"),
        ("Mohammed", "Muhammad"),
        ("Mohamed", "Muhammad"),
        ("Catherine", "Kathryn"),
        ("Katherine", "Catherine"),
        ("Zoë", "Zoe"),
        ("O'Brien", "OBrien"),
    ],
)
def test_spelling_variants_share_keys(stored: str, searched: str) -> None:
    assert set(query_keys(searched)) <= set(name_keys(stored).split())


def test_different_names_do_not_match() -> None:
    assert not set(query_keys("Smith")) & set(name_keys("Jones").split())


def test_name_keys_are_sorted_unique_and_cover_every_name() -> None:
    keys = name_keys("John", "Smith", None, "Johnny Smithers", "")
    assert keys == "JN SM0 SM0RS"
    assert name_keys() == ""
    assert name_keys(None, "  ") == ""


def test_query_keys_ignore_anything_but_letters() -> None:
    assert query_keys('jon* AND smyth~2 OR "x" -y') == ["JN", "ANT", "SM0", "OR1", "S"]
    assert query_keys("12345 !!! ()") == []


def test_lucene_operator_words_never_appear_as_keys() -> None:
    assert query_keys("Orr") == ["OR1"]
    assert "OR" not in name_keys("Orr", "Ora").split()


@settings(deadline=None)
@given(st.text(max_size=60))
def test_keys_are_always_lucene_safe_tokens(text: str) -> None:
    for key in query_keys(text):
        assert SAFE_KEY.fullmatch(key)
        assert key not in {"AND", "OR", "NOT", "TO"}
    keys = name_keys(text, text)
    assert keys == " ".join(sorted(set(query_keys(text))))
