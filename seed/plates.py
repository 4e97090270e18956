"""Mint unique, valid-format UK number plates for synthetic vehicles."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass

# Letters DVLA uses in the random part of plates (no I, Q or Z).
_LETTERS = "ABCDEFGHJKLMNOPRSTUVWXY"
_PREFIX_LETTERS = "ABCDEFGHJKLMNPRSTVWXY"
_AREA_FIRST = "ABCDEFGHKLMNOPRSVWY"
_AGE_IDENTIFIERS = tuple(f"{n:02d}" for n in (*range(2, 26), *range(51, 76)))


@dataclass
class _Format:
    """One plate format: its share of new plates, how many plates it has, how to spell one."""

    weight: int
    size: int
    multiplier: int = 1
    offset: int = 0
    issued: int = 0


def _letters(index: int, count: int, alphabet: str = _LETTERS) -> str:
    out = []
    for _ in range(count):
        index, digit = divmod(index, len(alphabet))
        out.append(alphabet[digit])
    return "".join(out)


def _current(index: int) -> str:
    index, tail = divmod(index, len(_LETTERS) ** 3)
    index, age = divmod(index, len(_AGE_IDENTIFIERS))
    first, second = divmod(index, len(_LETTERS))
    return _AREA_FIRST[first] + _LETTERS[second] + _AGE_IDENTIFIERS[age] + _letters(tail, 3)


def _prefix(index: int) -> str:
    index, tail = divmod(index, len(_LETTERS) ** 3)
    letter, number = divmod(index, 999)
    return f"{_PREFIX_LETTERS[letter]}{number + 1}{_letters(tail, 3)}"


def _suffix(index: int) -> str:
    index, head = divmod(index, len(_LETTERS) ** 3)
    letter, number = divmod(index, 999)
    return f"{_letters(head, 3)}{number + 1}{_PREFIX_LETTERS[letter]}"


_DATELESS_LETTER_GROUPS = sum(len(_LETTERS) ** n for n in (1, 2, 3))


def _dateless(index: int) -> str:
    numbers_first, index = divmod(index, _DATELESS_LETTER_GROUPS * 9999)
    group, number = divmod(index, 9999)
    for count in (1, 2, 3):
        if group < len(_LETTERS) ** count:
            break
        group -= len(_LETTERS) ** count
    letters = _letters(group, count)
    return f"{number + 1}{letters}" if numbers_first else f"{letters}{number + 1}"


_SPELLERS = (_current, _prefix, _suffix, _dateless)


class PlateMint:
    """Issues distinct plates: mostly current format, some prefix, suffix and dateless.

    Each format's plates are numbered and the numbers permuted (an affine bijection seeded
    from ``seed``), so plates look random yet never repeat, without remembering old ones.

    >>> PlateMint(7).issue() != PlateMint(8).issue()
    True
    """

    def __init__(self, seed: int) -> None:
        self._random = random.Random(f"plates:{seed}")
        self._formats = [
            _Format(80, len(_AREA_FIRST) * len(_LETTERS) ** 4 * len(_AGE_IDENTIFIERS)),
            _Format(8, len(_PREFIX_LETTERS) * 999 * len(_LETTERS) ** 3),
            _Format(7, len(_PREFIX_LETTERS) * 999 * len(_LETTERS) ** 3),
            _Format(5, 2 * _DATELESS_LETTER_GROUPS * 9999),
        ]
        for plate_format in self._formats:
            multiplier = self._random.randrange(plate_format.size // 3, plate_format.size)
            while math.gcd(multiplier, plate_format.size) != 1:
                multiplier += 1
            plate_format.multiplier = multiplier
            plate_format.offset = self._random.randrange(plate_format.size)
        self._weights = [plate_format.weight for plate_format in self._formats]

    def issue(self) -> str:
        """Return a new plate, normalised (upper case, no spaces)."""
        (which,) = self._random.choices(range(len(self._formats)), self._weights)
        plate_format = self._formats[which]
        if plate_format.issued >= plate_format.size:  # pragma: no cover - billions of plates
            raise RuntimeError("plate format exhausted")
        number = (
            plate_format.issued * plate_format.multiplier + plate_format.offset
        ) % plate_format.size
        plate_format.issued += 1
        return _SPELLERS[which](number)
