"""Turns every error into `{message, extensions.code}`: API errors keep their safe message,
anything else is masked and logged under the request id (no stack traces or Cypher leave)."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from graphql.error import GraphQLError
from strawberry.exceptions import StrawberryInputCoercionError
from strawberry.extensions import SchemaExtension

from graph_api.db import DatabaseUnavailable
from graph_api.deadline import DeadlineExceeded
from graph_api.errors import ApiError

if TYPE_CHECKING:
    from collections.abc import Iterator

    from strawberry.types.execution import StreamExecutionResult

log = logging.getLogger("graph_api.errors")

#: Parse, validation and argument-coercion errors describe the client's document, never our
#: data: their message is kept, and they are the client's bad input.
_DOCUMENT_ERROR = "BAD_USER_INPUT"


#: graphql-core's hint naming what the client may have meant (a field, argument, type, input
#: field or enum value): outside development mode no error names what the client did not.
_SUGGESTION = re.compile(r" ?Did you mean [^?]*\?")


def _coded(error: GraphQLError, request_id: str, hide_suggestions: bool) -> GraphQLError:
    original = error.original_error
    if isinstance(original, ApiError):
        code, message = original.code, original.message
    elif isinstance(original, DatabaseUnavailable):
        code, message = "UNAVAILABLE", "the database is unavailable; try again shortly"
        if isinstance(original.__cause__, DeadlineExceeded):  # says how long was waited
            message = str(original.__cause__)
    elif original is None or isinstance(original, GraphQLError | StrawberryInputCoercionError):
        code, message = _DOCUMENT_ERROR, error.message
    else:
        log.error(
            "request %s: unexpected error at %s",
            request_id,
            error.path,
            exc_info=(type(original), original, original.__traceback__),
        )
        code, message = "INTERNAL_SERVER_ERROR", f"internal error (request id {request_id})"
    if hide_suggestions:
        message = _SUGGESTION.sub("", message)
    path = getattr(original, "path", None) or error.path
    return GraphQLError(
        message,
        nodes=error.nodes,
        source=error.source,
        positions=error.positions,
        path=path,
        extensions={"code": code, "requestId": request_id},
    )


class ErrorCodes(SchemaExtension):
    """Codes and masks the errors of every operation (and, outside development mode, drops
    name suggestions from their messages)."""

    def __init__(self, *, hide_suggestions: bool = True) -> None:
        self.hide_suggestions = hide_suggestions

    def on_operation(self) -> Iterator[None]:
        yield
        self._code(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        """Each message of a subscription is coded before it is sent."""
        self._code(result)
        yield

    def _code(self, result: object) -> None:
        errors = getattr(result, "errors", None)
        if not errors:
            return
        context = self.execution_context.context
        request_id = getattr(context, "request_id", "-")
        result.errors = [  # type: ignore[attr-defined]
            # An error coded already (a subscription's message, then its end) stays as it is.
            error
            if "requestId" in (error.extensions or {})
            else _coded(error, request_id, self.hide_suggestions)
            for error in errors
        ]
