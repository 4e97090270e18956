"""Errors a client may see, each with its `extensions.code` (DESIGN.md §5) and a safe message."""

from __future__ import annotations


class ApiError(Exception):
    """An error whose message is safe to show to the client, with its GraphQL error code."""

    code = "INTERNAL_SERVER_ERROR"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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
