"""Parses each distinct document once: clients send the same few documents again and again.

Parsing a nested query costs milliseconds of Python; the parsed document depends only on the
text and the parser options (the token limit among them), so a bounded cache keyed by both
serves repeats. A document that fails to parse is not cached: Strawberry parses it again and
reports the error on its usual path.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, parse
from strawberry.extensions import SchemaExtension

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import DocumentNode

#: Distinct documents kept; a client population uses far fewer.
CACHED_DOCUMENTS = 512


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parse(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(query, **dict(options))


class DocumentCache(SchemaExtension):
    """Serves parsed documents from the cache before Strawberry parses."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                options = tuple(sorted(context.parse_options.items()))
                context.graphql_document = _parse(context.query, options)
            except (GraphQLError, TypeError):
                pass  # uncached: Strawberry's own parse reports it
        yield
