"""Phonetic keys that let a name search find 'Jon Smyth' when 'John Smith' is stored.

The algorithm is Metaphone (``jellyfish.metaphone``) applied to every word of a name. It maps
Jon/John to ``JN``, Smyth/Smith to ``SM0``, Steven/Stephen to ``STFN``,
Mohammed/Muhammad/Mohamed to ``MHMT`` and Catherine/Kathryn/Katherine to ``K0RN``. NYSIIS was
considered and rejected: it separates Smyth from Smith and Kathryn from Catherine.

Keys contain only ``A``-``Z`` and ``0`` (Metaphone's code for "th"), so they are safe tokens
in the Lucene full-text index ``nameKeys`` and in a Lucene query. The one Metaphone key that
is also a Lucene operator word, ``OR`` (e.g. from "Orr"), gets a ``1`` appended (a digit
Metaphone never emits), on both the stored and the search side.
"""

from __future__ import annotations

import re
import unicodedata

import jellyfish

__all__ = ["name_keys", "query_keys"]

# Apostrophes join a word (O'Brien -> OBrien); any other non-letter separates words.
_APOSTROPHES = re.compile(r"['\u2018\u2019\u02bc`]")
_NON_LETTERS = re.compile(r"[^A-Za-z]+")
_LUCENE_OPERATORS = frozenset({"AND", "OR", "NOT", "TO"})
_KEY = re.compile(r"[A-Z0-9]+")


def _words(text: str) -> list[str]:
    """ASCII letter words of ``text``, with accents folded (Zoë -> Zoe) and apostrophes joined."""
    folded = unicodedata.normalize("NFKD", text)
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return [word for word in _NON_LETTERS.split(_APOSTROPHES.sub("", folded)) if word]


def _key(word: str) -> str:
    key = "".join(_KEY.findall(jellyfish.metaphone(word).upper()))
    return f"{key}1" if key in _LUCENE_OPERATORS else key


def query_keys(text: str) -> list[str]:
    """Phonetic keys of the words of a free-text query, de-duplicated in first-seen order.

    Anything that is not a letter is ignored, so the keys never carry query syntax.

    >>> query_keys("Jon Smyth")
    ['JN', 'SM0']
    """
    keys: dict[str, None] = {}
    for word in _words(text):
        key = _key(word)
        if key:
            keys.setdefault(key)
    return list(keys)


def name_keys(*names: str | None) -> str:
    """Space-separated, de-duplicated, sorted phonetic keys of every word of every name.

    >>> name_keys("John", "Smith", None, "Johnny Smithers")
    'JN SM0 SM0RS'
    """
    keys: set[str] = set()
    for name in names:
        if name:
            keys.update(query_keys(name))
    return " ".join(sorted(keys))
