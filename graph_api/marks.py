"""The mark vocabulary: body parts with their hierarchy and synonyms, and description words.

A witness says "lower arm", "arms" or "left forearm" and "serpent" or "snak"; the register
stores `bodyPart: "forearm"`, `side: LEFT` and "tattoo of a snake ...". This module turns what
is said into what is stored: a body part into the set of stored parts it covers (itself and
its narrower parts, plurals and synonyms folded, a side word taken out), and free text into a
full-text query of plain letters (each word with its synonyms, its stem by the index's English
analyser, and one typo allowed on words of four letters or more). It is curated, so it runs
offline and explains itself: `markVocabulary` lists it for client pickers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from graph_api.errors import BadUserInput


@dataclass(frozen=True)
class BodyPart:
    """A body part of the vocabulary, the narrower parts it covers, and other words for it."""

    name: str
    sided: bool  # whether a mark there has a LEFT or RIGHT side
    parts: tuple[str, ...] = ()
    synonyms: tuple[str, ...] = ()


#: Every body part a mark may be recorded on (the seed's NCIC-like parts), broadest first.
BODY_PARTS: tuple[BodyPart, ...] = (
    BodyPart("head", False, ("face", "ear", "neck"), ("skull", "scalp")),
    BodyPart("face", False, ("forehead", "cheek", "nose", "lip", "eyebrow")),
    BodyPart("forehead", False, (), ("brow",)),
    BodyPart("cheek", True),
    BodyPart("nose", False),
    BodyPart("lip", False, (), ("mouth",)),
    BodyPart("eyebrow", True),
    BodyPart("ear", True, (), ("earlobe",)),
    BodyPart("neck", False, (), ("throat", "nape")),
    BodyPart("torso", False, ("chest", "back", "abdomen", "shoulder"), ("body", "trunk")),
    BodyPart("chest", False, (), ("breast", "pec", "pectoral")),
    BodyPart("back", False, (), ("upper back", "lower back", "spine")),
    BodyPart("abdomen", False, (), ("stomach", "belly", "tummy", "waist")),
    BodyPart("shoulder", True, (), ("shoulder blade",)),
    BodyPart("arm", True, ("upper arm", "elbow", "forearm", "wrist")),
    BodyPart("upper arm", True, (), ("bicep", "biceps", "tricep", "triceps")),
    BodyPart("elbow", True),
    BodyPart("forearm", True, (), ("lower arm", "inner arm", "outer arm")),
    BodyPart("wrist", True),
    BodyPart("hand", True, ("finger", "knuckles"), ("palm", "back of hand")),
    BodyPart("finger", True, (), ("thumb", "index finger", "little finger")),
    BodyPart("knuckles", False, (), ("knuckle",)),
    BodyPart("leg", True, ("thigh", "knee", "calf", "ankle", "foot")),
    BodyPart("thigh", True, (), ("upper leg",)),
    BodyPart("knee", True, (), ("kneecap",)),
    BodyPart("calf", True, (), ("lower leg", "shin")),
    BodyPart("ankle", True),
    BodyPart("foot", True, (), ("toe", "heel")),
)

#: Irregular plurals; other words lose a plural `s` when the singular is a known word.
_IRREGULAR = {"calves": "calf", "feet": "foot", "knives": "knife", "wolves": "wolf", "dice": "die"}
_SIDES = {"left": "LEFT", "right": "RIGHT"}

#: Groups of words a witness may use for the same thing in a mark's description. Each word of
#: a search finds the descriptions that use any word of its group.
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("snake", "serpent", "viper", "cobra", "python", "adder"),
    ("skull", "cranium", "skeleton"),
    ("rose", "flower"),
    ("dagger", "knife", "blade", "sword"),
    ("eagle", "hawk", "falcon"),
    ("swallow", "bird", "sparrow", "swift"),
    ("panther", "leopard", "jaguar"),
    ("lion", "lioness"),
    ("wolf", "husky"),
    ("cross", "crucifix"),
    ("star", "pentagram"),
    ("spider", "cobweb", "web"),
    ("teardrop", "tear"),
    ("carp", "koi", "fish"),
    ("reaper", "death", "scythe"),
    ("pistol", "gun", "revolver", "handgun", "firearm"),
    ("lightning", "thunderbolt", "bolt"),
    ("die", "dice"),
    ("clock", "watch"),
    ("mum", "mother", "mom", "mam"),
    ("letters", "word", "writing", "initials", "lettering"),
    ("heart", "love"),
    ("bulldog", "dog"),
    ("mermaid", "siren"),
    ("knife", "stab", "blade"),
    ("burn", "scald", "burnt"),
    ("surgery", "surgical", "operation"),
    ("bite", "bitten"),
    ("tattoo", "tat", "ink", "inked"),
    ("scar", "scarring", "scarred"),
    ("birthmark", "naevus"),
    ("piercing", "pierced", "stud", "ring"),
)

#: Words that say nothing about a mark (and would only add noise to a full-text query).
_STOP = frozenset(
    {"a", "an", "and", "the", "of", "on", "in", "with", "to", "at", "his", "her", "its", "has"}
)
MAX_WORDS = 8


def _singular(word: str, known: frozenset[str]) -> str:
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for ending in ("es", "s"):
        if word.endswith(ending) and word[: -len(ending)] in known:
            return word[: -len(ending)]
    return word


@cache
def _body_index() -> tuple[dict[str, str], dict[str, frozenset[str]], frozenset[str]]:
    """(word or phrase -> part name, part name -> the stored parts it covers, known words)."""
    names: dict[str, str] = {}
    for part in BODY_PARTS:
        names[part.name] = part.name
        for synonym in part.synonyms:
            names.setdefault(synonym, part.name)
    children = {part.name: part.parts for part in BODY_PARTS}

    def covered(name: str) -> frozenset[str]:
        found = {name}
        for child in children.get(name, ()):
            found |= covered(child)
        return frozenset(found)

    known = frozenset(w for phrase in names for w in phrase.split())
    return names, {part.name: covered(part.name) for part in BODY_PARTS}, known


def resolve_body_part(text: str) -> tuple[frozenset[str], str | None]:
    """The stored body parts a witness's words cover, and the side they name, if any.

    >>> sorted(resolve_body_part("Left lower arms")[0]), resolve_body_part("left forearm")[1]
    (['forearm'], 'LEFT')
    >>> sorted(resolve_body_part("arm")[0])
    ['arm', 'elbow', 'forearm', 'upper arm', 'wrist']
    """
    names, covers, known = _body_index()
    words = re.findall(r"[a-z]+", text.lower())
    side = None
    kept = []
    for word in words:
        if word in _SIDES:
            side = _SIDES[word]
        else:
            kept.append(_singular(word, known))
    phrase = " ".join(kept)
    name = names.get(phrase)
    if name is None:
        raise BadUserInput(
            f"`bodyPart`: {text.strip()[:40]!r} is not a body part of the mark vocabulary; "
            "`markVocabulary` lists them (e.g. 'forearm', 'arm', 'left hand')"
        )
    return covers[name], side


def normalise_body_part(text: str) -> tuple[str, str | None]:
    """A body part as a write stores it: its vocabulary name when it has one, and the side
    it names ("left forearm" -> ("forearm", "LEFT")); other words are kept as written."""
    names, _, known = _body_index()
    words = re.findall(r"[a-z]+", text.lower())
    side = next((_SIDES[w] for w in words if w in _SIDES), None)
    phrase = " ".join(_singular(w, known) for w in words if w not in _SIDES)
    return names.get(phrase, phrase or " ".join(words)), side


@cache
def _synonym_index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for group in SYNONYMS:
        for word in group:
            index.setdefault(word, [])
            index[word].extend(w for w in group if w != word and w not in index[word])
    return {word: tuple(others) for word, others in index.items()}


@cache
def _description_words() -> frozenset[str]:
    return frozenset(w for group in SYNONYMS for w in group)


def description_words(text: str) -> list[tuple[str, tuple[str, ...]]]:
    """The words of a description search, each with the synonyms it also finds."""
    known = _description_words()
    words = [w for w in re.findall(r"[a-z0-9]+", text.lower()) if w not in _STOP]
    if not words:
        raise BadUserInput("`text` must contain at least one word")
    chosen = []
    for word in words[:MAX_WORDS]:
        singular = _singular(word, known)
        synonyms = _synonym_index().get(singular, ())
        others = tuple(dict.fromkeys(w for w in (singular, *synonyms) if w != word))
        chosen.append((word, others))
    return chosen


def lucene_description_query(text: str) -> str:
    """A full-text query over mark descriptions built only from letters and digits.

    Each word matches by the index's stemming (plain term), with one typo (`~1`, words of four
    or more characters) and by its synonyms. Nothing a user types becomes Lucene syntax.

    >>> lucene_description_query("serpent")
    '(serpent OR serpent~1 OR snake OR viper OR cobra OR python OR adder)'
    """
    clauses = []
    for word, others in description_words(text):
        terms = [word]
        if len(word) >= 4 and not word.isdigit():
            terms.append(f"{word}~1")
        terms.extend(others)
        clauses.append("(" + " OR ".join(dict.fromkeys(terms)) + ")")
    return " OR ".join(clauses)


def lucene_mark_query(
    text: str, mark_type: str | None, parts: frozenset[str] | None, side: str | None
) -> str:
    """A query of the `mark_search` index: the description words (`lucene_description_query`)
    and, required, the type, one of the body parts and the side when given. The structured
    clauses only narrow inside Lucene; callers still compare the properties exactly.

    >>> lucene_mark_query("snak", "TATTOO", frozenset({"upper arm"}), "LEFT")
    '+description:((snak OR snak~1)) +type:tattoo +bodyPart:("upper arm") +side:left'
    """
    clauses = [f"+description:({lucene_description_query(text)})"]
    if mark_type:
        clauses.append(f"+type:{_letters(mark_type)}")
    if parts:
        clauses.append("+bodyPart:(" + " OR ".join(f'"{_letters(p)}"' for p in sorted(parts)) + ")")
    if side:
        clauses.append(f"+side:{_letters(side)}")
    return " ".join(clauses)


def _letters(value: str) -> str:
    """Vocabulary values as Lucene terms: lower-case letters and single spaces only."""
    return " ".join(re.findall(r"[a-z]+", value.lower()))


def matched_words(text: str, description: str) -> list[tuple[str, str]]:
    """Which search words a description matched, and the word of the description each found:
    ('serpent', 'snake'), ('snak', 'snake'). For reasons shown to a user, not for matching."""
    found = []
    stored = re.findall(r"[a-z0-9]+", description.lower())
    for word, others in description_words(text):
        for candidate in stored:
            if candidate == word or candidate in others or _near(word, candidate):
                found.append((word, candidate))
                break
    return found


def _near(word: str, candidate: str) -> bool:
    """At most one edit apart (words of four or more characters), or a plural of it."""
    if len(word) < 4:
        return False
    if candidate.rstrip("s") == word.rstrip("s"):
        return True
    if abs(len(word) - len(candidate)) > 1:
        return False
    previous = list(range(len(candidate) + 1))
    for i, a in enumerate(word, 1):
        current = [i]
        for j, b in enumerate(candidate, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a != b)))
        previous = current
    return previous[-1] <= 1
