"""Parses and validates each distinct document once: clients send the same few again and again.

Parsing a nested query costs milliseconds of Python; the parsed document depends only on the
text and the parser options (the token limit among them), so a bounded cache keyed by both
serves repeats (bounded by the documents' estimated memory, `graph_api/bounded_cache.py`).
A document that fails to parse is not cached: Strawberry parses it again and
reports the error on its usual path.

Validation depends only on the document and the rules (the same rule classes on every request,
see `limits.limit_extensions`). It is cached by the identity of the parsed document the parse
cache hands out: hashing a document's syntax tree to look it up (Strawberry's ValidationCache)
cost about 0.3 ms per request on the depth-3 read, as much as the lookup saved.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, OperationDefinitionNode, parse, validate
from strawberry.extensions import SchemaExtension
from strawberry.schema.validation_rules.maybe_null import MaybeNullValidationRule
from strawberry.schema.validation_rules.one_of import OneOfInputValidationRule

from graph_api.bounded_cache import BoundedCache, document_bytes
from graph_api.schema.limits import ValidationOverBudget, limit_error

if TYPE_CHECKING:
    from collections.abc import Iterator

    from graphql import DocumentNode, GraphQLSchema
    from strawberry.types import ExecutionContext

#: (text, parser options) -> parsed document; bounded by the documents' estimated memory.
_parsed: BoundedCache[tuple[str, tuple[tuple[str, Any], ...]], DocumentNode] = BoundedCache()


def _parse(query: str, options: tuple[tuple[str, Any], ...]) -> DocumentNode:
    key = (query, options)
    document = _parsed.get(key)
    if document is None:
        document = parse(query, **dict(options))
        _parsed.put(key, document, document_bytes(document, len(query)))
    return document


#: (id of the document, rules) -> (the document itself, its validation errors). Holding the
#: document keeps its id from being reused while the entry lives.
_validated: BoundedCache[tuple[int, tuple[Any, ...]], tuple[DocumentNode, list[GraphQLError]]] = (
    BoundedCache()
)


class DocumentCache(SchemaExtension):
    """Serves parsed documents and their validation from caches before Strawberry does either.

    Validation runs here (Strawberry's own is then skipped), so that outside development
    mode no validation message suggests a name ("Did you mean ...?") the client did not know.
    """

    def __init__(self, *, hide_suggestions: bool = True) -> None:
        self.hide_suggestions = hide_suggestions

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
                cached = (document, self._validate(context.schema._schema, document, rules))
                _validated.put(key, cached, document_bytes(document))
            context.pre_execution_errors = list(cached[1]) or _unnamed_choice(context) or []
        yield

    def _validate(
        self, schema: GraphQLSchema, document: DocumentNode, rules: tuple[Any, ...]
    ) -> list[GraphQLError]:
        errors = validate(
            schema,
            document,
            (*rules, MaybeNullValidationRule, OneOfInputValidationRule),
            hide_suggestions=self.hide_suggestions,
        )
        return [
            limit_error(error.message) if isinstance(error, ValidationOverBudget) else error
            for error in errors
        ]


def _unnamed_choice(context: ExecutionContext) -> list[GraphQLError] | None:
    """An error when the document holds several operations and the request names none (the
    GraphQL spec refuses to guess; Strawberry would run the first)."""
    operations = [
        d for d in context.graphql_document.definitions if isinstance(d, OperationDefinitionNode)
    ] if context.graphql_document else []  # fmt: skip
    if len(operations) > 1 and context._provided_operation_name is None:
        return [
            GraphQLError(
                "the document holds several operations: send the operation name (`operationName`) "
                "of the one to run"
            )
        ]
    return None
