"""Tells the access log and the metrics which operation a request ran (`request_log`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from graphql import FieldNode
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension

from graph_api.request_log import observation

if TYPE_CHECKING:
    from collections.abc import Iterator


class ObservedOperation(SchemaExtension):
    """Labels the request `query:offender`, `mutation:recordAddress`, or `query:multiple` when
    it asks several root fields: there are never more labels than the schema's root fields."""

    def on_execute(self) -> Iterator[None]:
        execution = self.execution_context
        request = getattr(execution.context, "request", None)
        seen = observation(getattr(request, "scope", None))
        document = execution.graphql_document
        operation = get_operation_ast(document, execution.operation_name) if document else None
        if seen is not None and operation is not None:
            names = {
                selection.name.value if isinstance(selection, FieldNode) else "multiple"
                for selection in operation.selection_set.selections
            } - {"__typename"}
            root = names.pop() if len(names) == 1 else "multiple"
            seen.operation = f"{operation.operation.value}:{root}"
        yield
