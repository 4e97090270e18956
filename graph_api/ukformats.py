"""Validate and normalise UK postcodes and vehicle registration marks (number plates)."""

from __future__ import annotations

import re
import string
from functools import cache

__all__ = [
    "format_vrm",
    "normalise_postcode",
    "normalise_vrm",
    "postcode_district",
    "vrm_pattern_prefix",
    "vrm_pattern_regex",
]

# Outward code A9, A99, AA9, AA99, A9A or AA9A, then the inward code 9AA; GIR 0AA is the one
# historic exception still in use.
_POSTCODE = re.compile(r"(?:[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}|GIR0AA)", re.ASCII)
_POSTCODE_HELP = (
    "a UK postcode is an outward code (A9, A99, AA9, AA99, A9A or AA9A) followed by an "
    "inward code (9AA), e.g. 'SW1A 1AA' or 'M1 1AE'"
)

# Each plate format as (name, regex over the normalised plate, where the display space goes).
_VRM_FORMATS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("current", re.compile(r"([A-Z]{2}[0-9]{2})([A-Z]{3})", re.ASCII)),
    ("prefix", re.compile(r"([A-Z][0-9]{1,3})([A-Z]{3})", re.ASCII)),
    ("suffix", re.compile(r"([A-Z]{3})([0-9]{1,3}[A-Z])", re.ASCII)),
    ("dateless", re.compile(r"([A-Z]{1,3})([0-9]{1,4})", re.ASCII)),
    ("dateless", re.compile(r"([0-9]{1,4})([A-Z]{1,3})", re.ASCII)),
)
_VRM_HELP = (
    "a UK number plate is current (AB12 CDE), prefix (A123 BCD), suffix (ABC 123D) or "
    "dateless (1-3 letters and 1-4 digits, e.g. ABC 123 or 1234 AB)"
)
_MAX_PLATE = 7

# Every concrete letter/digit shape a valid plate can take, e.g. "LLDDLLL" for AB12CDE.
_PLATE_SHAPES: frozenset[str] = frozenset(
    [
        "LLDDLLL",
        *("L" + "D" * d + "LLL" for d in range(1, 4)),
        *("LLL" + "D" * d + "L" for d in range(1, 4)),
        *("L" * letters + "D" * d for letters in range(1, 4) for d in range(1, 5)),
        *("D" * d + "L" * letters for letters in range(1, 4) for d in range(1, 5)),
    ]
)
_PATTERN_CHARS = frozenset(string.ascii_letters + string.digits + " ?*")
_PATTERN_HELP = (
    "a plate pattern may contain only letters, digits, spaces, '?' (one unknown character) "
    "and '*' (any run of characters), with 1 to 7 letters, digits or '?'"
)


def _squash(text: str) -> str:
    """Drop ASCII whitespace and upper-case; non-ASCII text squashes to '' (never valid).

    Upper-casing is only safe on ASCII: ``"ﬀ".upper()`` is ``"FF"``.
    """
    if not text.isascii():
        return ""
    return "".join(ch for ch in text if ch not in string.whitespace).upper()


def normalise_postcode(text: str) -> str:
    """Return the postcode in upper case with one space before the inward code.

    >>> normalise_postcode("sw1a1aa")
    'SW1A 1AA'

    Raises:
        ValueError: when ``text`` is not a UK postcode.
    """
    squashed = _squash(text)
    if len(squashed) > 7 or not _POSTCODE.fullmatch(squashed):
        raise ValueError(f"{text[:20]!r} is not a valid postcode: {_POSTCODE_HELP}")
    return f"{squashed[:-3]} {squashed[-3:]}"


def postcode_district(postcode: str) -> str:
    """Return the outward code (postcode district) of a postcode, e.g. 'SW1A' for 'SW1A 1AA'."""
    return normalise_postcode(postcode)[:-4]


def _vrm_parts(text: str) -> tuple[str, str]:
    squashed = _squash(text)
    if 0 < len(squashed) <= _MAX_PLATE:
        for _, pattern in _VRM_FORMATS:
            match = pattern.fullmatch(squashed)
            if match:
                return match.group(1), match.group(2)
    raise ValueError(f"{text[:20]!r} is not a valid number plate: {_VRM_HELP}")


def normalise_vrm(text: str) -> str:
    """Return the plate in upper case without spaces, e.g. 'AB12CDE' for 'ab12 cde'.

    Raises:
        ValueError: when ``text`` is not in a UK plate format.
    """
    first, second = _vrm_parts(text)
    return first + second


def format_vrm(vrm: str) -> str:
    """Return the plate as displayed, with the conventional space, e.g. 'AB12 CDE'.

    Raises:
        ValueError: when ``vrm`` is not in a UK plate format.
    """
    first, second = _vrm_parts(vrm)
    return f"{first} {second}"


def _pattern_tokens(pattern: str) -> str:
    """Validate a plate pattern and return it squashed, upper case, with runs of '*' merged."""
    if len(pattern) > 64 or not set(pattern) <= _PATTERN_CHARS:
        raise ValueError(f"{pattern[:20]!r} is not a valid plate pattern: {_PATTERN_HELP}")
    squashed = re.sub(r"\*+", "*", _squash(pattern))
    fixed = squashed.replace("*", "")
    if not fixed or len(fixed) > _MAX_PLATE:
        raise ValueError(f"{pattern[:20]!r} is not a valid plate pattern: {_PATTERN_HELP}")
    if not any(_fits(squashed, shape) for shape in _PLATE_SHAPES):
        raise ValueError(
            f"{pattern[:20]!r} cannot match any UK number plate: {_VRM_HELP}; "
            "use '?' for one unknown character and '*' for several"
        )
    return squashed


@cache
def _fits(tokens: str, shape: str) -> bool:
    """Whether the pattern ``tokens`` can match some plate of letter/digit ``shape``."""
    if not tokens:
        return not shape
    head, rest = tokens[0], tokens[1:]
    if head == "*":
        return any(_fits(rest, shape[skip:]) for skip in range(len(shape) + 1))
    if not shape:
        return False
    if head == "?" or (head.isdigit() == (shape[0] == "D")):
        return _fits(rest, shape[1:])
    return False


def vrm_pattern_regex(pattern: str) -> str:
    """Return an anchored regex (Java and Python syntax) over normalised plates for a pattern.

    ``?`` is one unknown character, ``*`` any run (possibly empty); spaces and case are ignored.
    The regex is built only from the letters and digits of the pattern (which have no regex
    meaning) and ``.``/``.*``, so user input can never become regex syntax.

    >>> vrm_pattern_regex("ab1? ?de")
    '^AB1..DE$'

    Raises:
        ValueError: when the pattern has other characters, is empty or longer than a plate, or
            cannot match any UK plate format.
    """
    tokens = _pattern_tokens(pattern)
    body = "".join(".*" if ch == "*" else "." if ch == "?" else ch for ch in tokens)
    return f"^{body}$"


def vrm_pattern_prefix(pattern: str) -> str:
    """Return the literal start of a plate pattern (before its first wildcard), maybe empty.

    A non-empty prefix lets a query narrow plates with an indexed ``STARTS WITH`` before
    applying the regex of :func:`vrm_pattern_regex`.

    >>> vrm_pattern_prefix("ab1? ?de")
    'AB1'

    Raises:
        ValueError: as :func:`vrm_pattern_regex`.
    """
    tokens = _pattern_tokens(pattern)
    return re.split(r"[?*]", tokens, maxsplit=1)[0]
