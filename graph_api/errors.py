"""Errors a client may see, each with its `extensions.code` (docs/design.md §5), safe messages."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error whose message is safe to show to the client, with its GraphQL error code."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str, path: list[str | int] | None = None) -> None:
        super().__init__(message)
        self.message = message
        #: The response path of the field at fault, when it lies below the field that raised
        #: (a nested page size): the error is reported there.
        self.path = path


class Unauthenticated(ApiError):
    """No valid identity: missing, malformed, expired or unverifiable token."""

    code = "UNAUTHENTICATED"


class Forbidden(ApiError):
    """The principal is known but may not do this."""

    code = "FORBIDDEN"


class BadUserInput(ApiError):
    """An argument is malformed or out of its allowed range; the message says what is allowed."""

    code = "BAD_USER_INPUT"


class NotFound(ApiError):
    """The thing to change does not exist (reads answer null instead)."""

    code = "NOT_FOUND"


class Conflict(ApiError):
    """The data moved since the client read it (optimistic concurrency), or would duplicate."""

    code = "CONFLICT"


class LimitExceeded(ApiError):
    """The request is bigger than a configured limit; the message names the limit."""

    code = "LIMIT_EXCEEDED"


class Unavailable(ApiError):
    """The database (or the audit store) cannot be used right now; retry later."""

    code = "UNAVAILABLE"


class OutcomeUnknown(ApiError):
    """A change was sent to the database but whether it committed could not be learned in
    time: it may or may not have been written. Retry with the same `Idempotency-Key`."""

    code = "OUTCOME_UNKNOWN"


def error_body(code: str, message: str) -> dict[str, Any]:
    """A GraphQL-shaped answer of one error and no data, for refusals made outside GraphQL
    (HTTP 408, 413, 503)."""
    return {"data": None, "errors": [{"message": message, "extensions": {"code": code}}]}
