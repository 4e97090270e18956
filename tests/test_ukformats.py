"""UK postcode and number-plate validation, and plate search patterns."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graph_api.ukformats import (
    format_vrm,
    normalise_postcode,
    normalise_vrm,
    postcode_district,
    vrm_pattern_prefix,
    vrm_pattern_regex,
)
from seed.plates import PlateMint

if TYPE_CHECKING:
    import random

HOSTILE = [
    ".*",
    "(a|b)",
    "\\",
    "'; MATCH (n) DETACH DELETE n //",
    "AB1[0-9]",
    "A{3}",
    "^AB",
    "AB$",
    "AB12+",
    "ÀB12 CDE",
    "AB12 CDＥ",  # full-width E
    "ﬀ12 CDE",  # upper-cases to 'FF'
    "AB\u200b12CDE",
    "A" * 10_000,
    "?" * 10_000,
    "*" * 10_000,
]
LITERAL_REGEX = re.compile(r"\^(?:[A-Z0-9]|\.\*|\.)+\$")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sw1a1aa", "SW1A 1AA"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("  m1   1ae ", "M1 1AE"),
        ("b338th", "B33 8TH"),
        ("cr26xh", "CR2 6XH"),
        ("dn551pt", "DN55 1PT"),
        ("w1a0ax", "W1A 0AX"),
        ("ec1a 1bb", "EC1A 1BB"),
        ("gir0aa", "GIR 0AA"),
    ],
)
def test_postcodes_are_normalised(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "SW1A",
        "1AA",
        "SW1A 1A",
        "SW1A 1AAA",
        "SWW1 1AA",
        "S 1AA",
        "12 3AB",
        "SW1A 11A",
        *HOSTILE,
    ],
)
def test_bad_postcodes_say_what_a_postcode_looks_like(text: str) -> None:
    with pytest.raises(ValueError, match="outward code"):
        normalise_postcode(text)


def test_postcode_district_is_the_outward_code() -> None:
    assert postcode_district("sw1a1aa") == "SW1A"
    assert postcode_district("M1 1AE") == "M1"


@pytest.mark.parametrize(
    ("text", "normalised", "display"),
    [
        ("ab12 cde", "AB12CDE", "AB12 CDE"),
        ("AB12CDE", "AB12CDE", "AB12 CDE"),
        ("a123 bcd", "A123BCD", "A123 BCD"),
        ("A1BCD", "A1BCD", "A1 BCD"),
        ("abc 123d", "ABC123D", "ABC 123D"),
        ("ABC1D", "ABC1D", "ABC 1D"),
        ("ABC 1234", "ABC1234", "ABC 1234"),
        ("1 A", "1A", "1 A"),
        ("1234 AB", "1234AB", "1234 AB"),
        (" a 1 ", "A1", "A 1"),
    ],
)
def test_plates_are_normalised_and_displayed(text: str, normalised: str, display: str) -> None:
    assert normalise_vrm(text) == normalised
    assert format_vrm(text) == display


def test_any_ascii_whitespace_is_ignored() -> None:
    assert normalise_vrm("AB12\tCDE\n") == "AB12CDE"
    assert normalise_postcode("SW1A\n1AA") == "SW1A 1AA"


@pytest.mark.parametrize("pattern", ["AB12\nCDE", "AB12\tCDE", "AB12\u00a0CDE"])
def test_patterns_allow_only_plain_spaces(pattern: str) -> None:
    with pytest.raises(ValueError, match="only letters, digits, spaces"):
        vrm_pattern_regex(pattern)


@pytest.mark.parametrize(
    "text",
    ["", "ABCDEFG", "1234567", "AB123CDE", "ABCD123", "A12345", "12345A", "AB12CD3", *HOSTILE],
)
def test_bad_plates_say_what_a_plate_looks_like(text: str) -> None:
    with pytest.raises(ValueError, match="current \\(AB12 CDE\\)"):
        normalise_vrm(text)


@pytest.mark.parametrize(
    ("pattern", "regex", "prefix"),
    [
        ("AB1? ?DE", "^AB1..DE$", "AB1"),
        ("ab12cde", "^AB12CDE$", "AB12CDE"),
        ("*CDE", "^.*CDE$", ""),
        ("AB**12*", "^AB.*12.*$", "AB"),
        ("?B12*", "^.B12.*$", ""),
        ("??", "^..$", ""),
    ],
)
def test_patterns_become_literal_regexes(pattern: str, regex: str, prefix: str) -> None:
    assert vrm_pattern_regex(pattern) == regex
    assert vrm_pattern_prefix(pattern) == prefix


@pytest.mark.parametrize(
    "pattern",
    ["", "*", "***", "   ", "ABCDEFGH", "12345678", "??????????", "ABCD", "12*34", "?", *HOSTILE],
)
def test_bad_or_impossible_patterns_are_refused(pattern: str) -> None:
    with pytest.raises(ValueError, match="'\\?'"):
        vrm_pattern_regex(pattern)
    with pytest.raises(ValueError, match="'\\?'"):
        vrm_pattern_prefix(pattern)


def test_an_impossible_pattern_says_it_matches_no_plate() -> None:
    with pytest.raises(ValueError, match="cannot match any UK number plate"):
        vrm_pattern_regex("ABCD")


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_any_text_gives_a_literal_regex_or_a_value_error(text: str) -> None:
    try:
        regex = vrm_pattern_regex(text)
    except ValueError:
        return
    assert LITERAL_REGEX.fullmatch(regex)
    re.compile(regex)


@settings(max_examples=200, deadline=None)
@given(
    seed=st.integers(min_value=0, max_value=2**32),
    skip=st.integers(min_value=0, max_value=500),
    blanks=st.randoms(use_true_random=False),
    star=st.booleans(),
)
def test_every_seeded_plate_matches_its_own_blanked_pattern(
    seed: int, skip: int, blanks: random.Random, star: bool
) -> None:
    mint = PlateMint(seed)
    for _ in range(skip):
        mint.issue()
    plate = mint.issue()
    assert normalise_vrm(plate) == plate
    chars = [ch if ch == " " or blanks.random() < 0.6 else "?" for ch in format_vrm(plate)]
    if star:
        start = blanks.randrange(len(chars))
        chars[start : start + blanks.randint(0, 3)] = ["*"]
    pattern = "".join(chars)
    if not pattern.replace("*", "").replace(" ", ""):
        return  # the whole plate was blanked by '*': not a pattern the API accepts
    assert re.fullmatch(vrm_pattern_regex(pattern), plate), pattern
    assert plate.startswith(vrm_pattern_prefix(pattern))
