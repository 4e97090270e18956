"""The building blocks of every link list: pages, the provenance of a fact link, and the
connection shape (kept apart from `types` so that MAPPA's types, `mappa_types`, share them)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Generic, TypeVar

import strawberry

from graph_api.planner.projection import MAX_PAGE
from graph_api.schema.enums import Classification

_AS_OF = "Only links valid on this date (from <= asOf and to null or >= asOf). Default: all."
_FIRST = f"Page size, 1 to {MAX_PAGE}."
_AFTER = "Cursor of the last link of the previous page (`pageInfo.endCursor`)."

AsOf = Annotated[dt.date | None, strawberry.argument(description=_AS_OF)]
First = Annotated[int, strawberry.argument(description=_FIRST)]
After = Annotated[str | None, strawberry.argument(description=_AFTER)]


@strawberry.interface(description="Anything with a globally unique id; see `node(id)`.")
class Node:
    id: strawberry.ID


@strawberry.type(description="Where a page ends, and whether another follows.")
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.interface(
    description="Provenance every fact link carries: validity dates, the recording agency, "
    "and its security classification."
)
class FactLink:
    cursor: str
    from_: dt.date = strawberry.field(name="from")
    to: dt.date | None
    agency: str = strawberry.field(description="Code of the agency that recorded the fact.")
    classification: Classification


Link = TypeVar("Link")


@strawberry.type(description="A page of links, newest first, and how many there are in all.")
class Connection(Generic[Link]):
    """One shape for every link list; Strawberry names each `<Link>Connection`."""

    edges: list[Link]
    page_info: PageInfo
    total_count: int
    withheld: bool = strawberry.field(
        description="True when links of this kind (and filters) exist that the principal may "
        "not see: above its clearance or its share's ceiling. Never how many or what."
    )
