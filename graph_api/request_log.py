"""What operators see of each request: one access-log line (JSON by default) and its metrics.

`RequestObserver` is the outermost middleware: it times every request, learns from the GraphQL
layer which operation it was, its request id and its outcome code (`Observation`, carried in
the ASGI scope), and then logs one line and updates `graph_api.metrics`. A client that hangs up
before its body arrived is one INFO line, not a traceback.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from starlette.requests import ClientDisconnect

from graph_api.metrics import REQUEST_SECONDS, REQUESTS

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

    from graph_api.settings import Settings

__all__ = [
    "JsonFormatter",
    "Observation",
    "RequestObserver",
    "configure_logging",
    "observation",
]

log = logging.getLogger("graph_api.access")

#: Where the GraphQL layer leaves what it learnt about the request.
_SCOPE_KEY = "graph_api.observation"

#: Routes named in metrics; any other path is `other`, so labels stay bounded.
_ROUTES = ("/graphql", "/photos", "/readyz", "/healthz", "/metrics")


@dataclass
class Observation:
    """What the layers below learnt about one request."""

    request_id: str | None = None
    #: `query:offender`, `mutation:recordAddress`, `query:multiple`; None outside GraphQL.
    operation: str | None = None
    #: OK, or the first GraphQL error code; None when the request did not reach GraphQL.
    code: str | None = None


def observation(scope: Scope | None) -> Observation | None:
    """The observation of the request whose ASGI scope this is, if it is observed."""
    if scope is None:
        return None
    found = scope.get(_SCOPE_KEY)
    return found if isinstance(found, Observation) else None


def _route(path: str) -> str:
    for route in _ROUTES:
        if path == route or path.startswith(route + "/"):
            return route
    return "other"


class RequestObserver:
    """ASGI middleware: times, logs and counts every HTTP request."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        seen = Observation()
        scope[_SCOPE_KEY] = seen
        started = time.perf_counter()
        status = 0

        async def send_observed(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_observed)
        except ClientDisconnect:
            # The client hung up before its request arrived: nothing to answer, no traceback.
            seen.code, status = "CLIENT_DISCONNECTED", 499
            log.info(
                "client hung up before its request arrived",
                extra=_fields(scope, seen, status, started),
            )
            return
        except Exception:
            status = status or 500
            raise
        finally:
            _count(scope, seen, status, started)
        if _route(scope["path"]) in _QUIET and status < 400:
            return  # probes and scrapes every few seconds are not worth a line each
        log.info("request", extra=_fields(scope, seen, status, started))


#: Routes whose successful answers are counted but not logged.
_QUIET = ("/healthz", "/readyz", "/metrics")


def _code(seen: Observation, status: int) -> str:
    return seen.code or ("OK" if 0 < status < 400 else f"HTTP_{status}")


def _count(scope: Scope, seen: Observation, status: int, started: float) -> None:
    route, operation = _route(scope["path"]), seen.operation or "-"
    REQUESTS.labels(route, operation, _code(seen, status)).inc()
    REQUEST_SECONDS.labels(route, operation).observe(time.perf_counter() - started)


def _fields(scope: Scope, seen: Observation, status: int, started: float) -> dict[str, Any]:
    client = scope.get("client")
    return {
        "requestId": seen.request_id,
        "method": scope.get("method"),
        "path": scope.get("path"),
        "status": status,
        "operation": seen.operation,
        "code": _code(seen, status),
        "ms": round((time.perf_counter() - started) * 1000, 1),
        "client": client[0] if client else None,
    }


#: Attributes every LogRecord has; anything else was passed as `extra` and is logged as a field.
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, the `extra` fields (request id
    among them), and the traceback as one string when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        line.update((key, value) for key, value in vars(record).items() if key not in _STANDARD)
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, default=str)


def configure_logging(settings: Settings) -> dict[str, Any]:
    """The logging configuration of `graph-api serve` (uvicorn's `log_config`): our access
    lines replace uvicorn's, JSON or plain text as `GRAPH_API_LOG_FORMAT` says."""
    formatter: dict[str, Any] = (
        {"()": JsonFormatter}
        if settings.graph_api_log_format == "json"
        else {"()": _PlainFormatter, "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    )
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"default": formatter},
        "handlers": {
            "default": {
                "class": "logging.StreamHandler",
                "formatter": "default",
                "stream": "ext://sys.stderr",
            }
        },
        "root": {"handlers": ["default"], "level": "INFO"},
        "loggers": {
            "uvicorn": {"level": "INFO"},
            "uvicorn.access": {"level": "WARNING"},  # RequestObserver logs each request
            "neo4j": {"level": "WARNING"},
        },
    }


class _PlainFormatter(logging.Formatter):
    """`time level logger message key=value ...` for a terminal."""

    def format(self, record: logging.LogRecord) -> str:
        base = super().format(record)
        extra = " ".join(
            f"{key}={value}"
            for key, value in vars(record).items()
            if key not in _STANDARD and value is not None
        )
        return f"{base} {extra}" if extra else base
