"""Writes each request's audit record before its response leaves (docs/design.md §6).

The outermost extension: it runs after the operation and after error coding. A request that
consulted offender data and whose record cannot be written answers UNAVAILABLE with no data.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

from graphql.error import GraphQLError
from strawberry.extensions import SchemaExtension

from graph_api.audit import write_audit_record
from graph_api.db import DatabaseUnavailable
from graph_api.deadline import DeadlineExceeded
from graph_api.errors import ApiError
from graph_api.metrics import AUDIT_COMMIT_SECONDS

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

log = logging.getLogger("graph_api.audit")

UNAVAILABLE_MESSAGE = "the audit trail cannot be written; no data was disclosed, try again"


class AuditTrail(SchemaExtension):
    """One durable audit record per request that read or changed offender data."""

    async def on_operation(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if hasattr(context, "document"):  # mutations write their own records, in their transaction
            context.document = execution.query
        yield
        disclosure = getattr(context, "disclosure", None)
        if disclosure is None or not disclosure.consulted:
            return
        if disclosure.recorded is not None:  # the read wrote the record in its own statement
            # A safety net: the planner's walk in Cypher must find what `Disclosure.saw` found.
            left_out, extra = disclosure.unrecorded()
            request = context.request_id
            if extra:
                log.error("request %s: its record names %d ids not disclosed", request, extra)
            if left_out is None:
                return
            log.error(
                "request %s: the read's own audit record left out %d ids; writing another",
                request,
                len(left_out.offender_ids) + len(left_out.restricted_ids),
            )
            disclosure = left_out
        principal = context.principal_or_error
        if isinstance(principal, ApiError):  # an unauthenticated caller was disclosed nothing
            return
        started = time.perf_counter()
        try:
            await write_audit_record(
                context.database,
                principal,
                context.request_id,
                execution.operation_name,
                execution.query,
                disclosure,
                context.correlation_id,
            )
            AUDIT_COMMIT_SECONDS.observe(time.perf_counter() - started)
        except Exception as error:  # any failure: withhold the data rather than disclose unaudited
            if isinstance(error, DatabaseUnavailable | DeadlineExceeded):  # an outage, not a bug
                log.warning("request %s: audit record not written: %s", context.request_id, error)
            else:
                log.exception("request %s: audit record not written", context.request_id)
            result = execution.result
            if result is not None:
                result.data = None
                result.errors = [
                    GraphQLError(
                        UNAVAILABLE_MESSAGE,
                        extensions={"code": "UNAVAILABLE", "requestId": context.request_id},
                    )
                ]
