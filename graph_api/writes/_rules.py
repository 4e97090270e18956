"""The write rules checked before the database: roles, classifications, dates and formats.

Each check raises the client's error naming the field (docs/design.md §4 rule 6, §5); the rules that
need the graph (scope, shares, versions) are checked inside each write statement instead.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from graph_api import ukformats
from graph_api.domain import Classification, Role
from graph_api.errors import BadUserInput, Forbidden

if TYPE_CHECKING:
    import datetime as dt
    from collections.abc import Collection

    from graph_api.identity import Principal

#: Who may record facts about an offender (and create or update one, and upload photos).
FACT_WRITERS = frozenset({Role.OFFENDER_MANAGER, Role.SUPERVISOR})
#: Intelligence is also graded and recorded by analysts.
INTELLIGENCE_WRITERS = frozenset({Role.ANALYST, Role.OFFENDER_MANAGER, Role.SUPERVISOR})
#: Sharing and transfer decide who sees an offender at all: supervisors only.
SHARE_WRITERS = frozenset({Role.SUPERVISOR})

_PNC = re.compile(r"[0-9]{2}/[0-9]{7}[A-Z]")
_BODY_PART = re.compile(r"[a-z]+(?: [a-z]+)*")
_AGENCY_CODE = re.compile(r"[A-Z][A-Z0-9_]{1,19}")
MAX_TEXT = 4_000
MAX_NAME = 100


def role_names(roles: Collection[Role]) -> str:
    """`roles` as the SDL descriptions and FORBIDDEN messages name them: "A, B or C"."""
    names = sorted(role.value for role in roles)
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " or " + names[-1]


def require_role(principal: Principal, roles: Collection[Role], mutation: str) -> None:
    """FORBIDDEN unless the principal holds one of `roles` (the same sets name the roles in
    each field's SDL description, `schema/mutation.py`)."""
    if not any(principal.has(role) for role in roles):
        raise Forbidden(f"{mutation} needs the {role_names(roles)} role")


def classification_within_clearance(principal: Principal, classification: Classification) -> None:
    """A fact is recorded no higher than the writer's clearance."""
    if classification.rank > principal.clearance.rank:
        raise Forbidden(
            f"`classification` {classification.value} is above your clearance "
            f"({principal.clearance.value}); record the fact at or below it"
        )


def past_date(name: str, value: dt.date, today: dt.date) -> dt.date:
    """A date that has happened: today at the latest."""
    if value > today:
        raise BadUserInput(
            f"`{name}` ({value.isoformat()}) is in the future; it must be today or earlier"
        )
    return value


def coming_date(name: str, value: dt.date, today: dt.date) -> dt.date:
    """A date still to come: today at the earliest (reviews, share expiries)."""
    if value < today:
        raise BadUserInput(
            f"`{name}` ({value.isoformat()}) is in the past; it must be today or later"
        )
    return value


def period(
    from_: dt.date, to: dt.date | None, today: dt.date, from_name: str = "from", to_name: str = "to"
) -> tuple[dt.date, dt.date | None]:
    """A validity period that has begun: `from` today or earlier, `to` after it, not to come."""
    past_date(from_name, from_, today)
    if to is not None:
        past_date(to_name, to, today)
        if to < from_:
            raise BadUserInput(
                f"`{from_name}` ({from_.isoformat()}) is after `{to_name}` ({to.isoformat()})"
            )
    return from_, to


def text(name: str, value: str | None, limit: int = MAX_TEXT, required: bool = True) -> str | None:
    """Trimmed free text of at most `limit` characters; empty counts as missing."""
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise BadUserInput(f"`{name}` must not be empty")
        return None
    if len(cleaned) > limit:
        raise BadUserInput(f"`{name}` is longer than {limit} characters")
    return cleaned


def name(field: str, value: str) -> str:
    """A person's name or alias: letters and the usual punctuation, trimmed."""
    cleaned = text(field, value, MAX_NAME)
    assert cleaned is not None
    if not any(ch.isalpha() for ch in cleaned) or any(ch in "<>{}[]\\|;$" for ch in cleaned):
        raise BadUserInput(f"`{field}` must be a name (letters, spaces, hyphens, apostrophes)")
    return " ".join(cleaned.split())


def pnc_id(value: str) -> str:
    """A PNC id `YY/NNNNNNNL`, e.g. 19/0123456A."""
    cleaned = value.strip().upper()
    if not _PNC.fullmatch(cleaned):
        raise BadUserInput("`pncId` must be YY/NNNNNNNL, e.g. 19/0123456A")
    return cleaned


def in_range(field: str, value: int, low: int, high: int) -> int:
    if not low <= value <= high:
        raise BadUserInput(f"`{field}` must be {low} to {high}; got {value}")
    return value


def postcode(value: str) -> str:
    try:
        return ukformats.normalise_postcode(value)
    except ValueError as error:
        raise BadUserInput(f"`postcode`: {error}") from None


def vrm(value: str) -> str:
    try:
        return ukformats.normalise_vrm(value)
    except ValueError as error:
        raise BadUserInput(f"`vrm`: {error}") from None


def body_part(value: str) -> str:
    """A body part as the vocabulary stores it: lower-case words, e.g. `forearm`."""
    cleaned = " ".join(value.strip().lower().split())
    if not _BODY_PART.fullmatch(cleaned) or len(cleaned) > 40:
        raise BadUserInput("`bodyPart` must be one or more words of letters, e.g. 'forearm'")
    return cleaned


def agency_code(field: str, value: str) -> str:
    """An agency code, upper-cased: 2-20 of A-Z, 0-9 and _, starting with a letter (MET)."""
    cleaned = value.strip().upper()
    if not _AGENCY_CODE.fullmatch(cleaned):
        raise BadUserInput(
            f"`{field}` must be an agency code: 2-20 characters of A-Z, 0-9 and _, starting "
            "with a letter, e.g. MET"
        )
    return cleaned


def exactly_one(first: str, first_value: object, second: str, second_value: object) -> None:
    """Exactly one of two alternative inputs is given."""
    if (first_value is None) == (second_value is None):
        raise BadUserInput(f"give exactly one of `{first}` and `{second}`")
