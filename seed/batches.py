"""The unit of seed output: a batch of rows of one kind of node or relationship."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Node kinds and the labels their nodes carry.
NODE_LABELS: dict[str, tuple[str, ...]] = {
    "Agency": ("Agency",),
    "Offender": ("Person", "Offender"),
    "Associate": ("Person", "Associate"),
    "Address": ("Address",),
    "Vehicle": ("Vehicle",),
    "Mark": ("Mark",),
    "Intelligence": ("Intelligence",),
    "RiskAssessment": ("RiskAssessment",),
    "Conviction": ("Conviction",),
    "NotificationRequirement": ("NotificationRequirement",),
    "LicenceCondition": ("LicenceCondition",),
    "Custody": ("Custody",),
    "MappaMeeting": ("MappaMeeting",),
    "Action": ("Action",),
}
RELATIONSHIP_TYPES = frozenset(
    {
        "MANAGED_BY",
        "SHARED_WITH",
        "RESIDES_AT",
        "ASSOCIATED_WITH",
        "USES",
        "HAS_MARK",
        "ABOUT",
        "ASSESSED",
        "CONVICTED_OF",
        "MUST_NOTIFY",
        "SUBJECT_TO",
        "HELD_IN",
        "REVIEWS",
        "AGREED",
    }
)
_LINK_KIND = re.compile(r"(?P<start>\w+)-(?P<type>\w+)->(?P<end>\w+)")


@dataclass(frozen=True)
class Batch:
    """Rows of one kind, written together.

    ``kind`` is a node kind from :data:`NODE_LABELS` (rows are the node's properties) or a
    relationship kind ``"Start-TYPE->End"`` such as ``"Offender-RESIDES_AT->Address"`` (rows
    are ``{"a": start id, "b": end id, "p": relationship properties}``).
    """

    kind: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class LinkKind:
    """A relationship kind taken apart: the start node kind, the type, the end node kind."""

    start: str
    type: str
    end: str

    def __str__(self) -> str:
        return f"{self.start}-{self.type}->{self.end}"


def link_kind(kind: str) -> LinkKind | None:
    """Parse a relationship kind; None for a node kind.

    Raises:
        ValueError: when ``kind`` is neither a known node kind nor a relationship between them.
    """
    if kind in NODE_LABELS:
        return None
    match = _LINK_KIND.fullmatch(kind)
    if (
        match is None
        or match["start"] not in NODE_LABELS
        or match["end"] not in NODE_LABELS
        or match["type"] not in RELATIONSHIP_TYPES
    ):
        raise ValueError(f"unknown batch kind {kind!r}")
    return LinkKind(match["start"], match["type"], match["end"])
