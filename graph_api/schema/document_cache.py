"""Parses and validates each distinct document once: clients send the same few again and again.

Parsing a nested query costs milliseconds of Python; the parsed document depends only on the
text and the parser options (the token limit among them), so a bounded cache keyed by both
serves repeats. A document that fails to parse is not cached: Strawberry parses it again and
reports the error on its usual path.

Validation depends only on the document and the rules (the same rule classes on every request,
see `limits.limit_extensions`). It is cached by the identity of the parsed document the parse
cache hands out: hashing a document's syntax tree to look it up (Strawberry's ValidationCache)
cost about 0.3 ms per request on the depth-3 read, as much as the lookup saved.
"""

from __future__ import annotations

from collections import OrderedDict
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, parse
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import DocumentNode

#: Distinct documents kept; a client population uses far fewer.
CACHED_DOCUMENTS = 512


@lru_cache(maxsize=CACHED_DOCUMENTS)
def _parse(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    return parse(query, **dict(options))


#: (id of the document, rules) -> (the document itself, its validation errors). Holding the
#: document keeps its id from being reused while the entry lives.
_validated: OrderedDict[tuple[int, tuple[Any, ...]], tuple[DocumentNode, list[GraphQLError]]] = (
    OrderedDict()
)


class DocumentCache(SchemaExtension):
    """Serves parsed documents and their validation from caches before Strawberry does either."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is None and context.query:
            try:
                options = tuple(sorted(context.parse_options.items()))
                context.graphql_document = _parse(context.query, options)
            except (GraphQLError, TypeError):
                pass  # uncached: Strawberry's own parse reports it
        yield

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and context.pre_execution_errors is None:
            rules = tuple(context.validation_rules)
            key = (id(document), rules)
            cached = _validated.get(key)
            if cached is None or cached[0] is not document:
                cached = (document, validate_document(context.schema._schema, document, rules))
                _validated[key] = cached
                if len(_validated) > CACHED_DOCUMENTS:
                    _validated.popitem(last=False)
            context.pre_execution_errors = list(cached[1])
        yield
