"""The GraphQL schema (docs/design.md §5): types, root fields and the extensions guarding them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph_api.schema.audit_trail import AuditTrail
from graph_api.schema.completion import PlannedExecutor
from graph_api.schema.document_cache import DocumentCache
from graph_api.schema.error_codes import ErrorCodes
from graph_api.schema.limits import limit_extensions
from graph_api.schema.mutation import Mutation
from graph_api.schema.observed import ObservedOperation
from graph_api.schema.planned import answer_from_plans
from graph_api.schema.query import Query
from graph_api.schema.subscription import Subscription
from graph_api.schema.types import Address, Associate, Mark, Offender, RestrictedNominal, Vehicle
from graph_api.settings import Settings

if TYPE_CHECKING:
    from collections.abc import Callable

    from graphql import GraphQLError
    from strawberry.extensions import SchemaExtension
    from strawberry.types import ExecutionContext

__all__ = ["Mutation", "Query", "RegisterSchema", "Subscription", "build_schema"]


class RegisterSchema(strawberry.Schema):
    """The Strawberry schema, minus its logging of every GraphQL error.

    Errors the client caused (bad input, limits, scope) are answers, not incidents; unexpected
    ones are logged once, with their traceback and request id, by `ErrorCodes`.
    """

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        return


def build_schema(settings: Settings | None = None, *, one_pass: bool = True) -> RegisterSchema:
    """The schema, with the request limits of `settings` (defaults when none are given), and
    introspection and field suggestions only in development mode.

    `one_pass=False` completes planned maps field by field with graphql-core's own executor:
    the reference the one-pass completion is checked against (tests/schema/test_differential.py).
    """
    settings = settings or Settings()
    development = settings.graph_api_dev_mode
    # AuditTrail first: the outermost hook, so it sees the final, coded result. ErrorCodes
    # next, so that it codes the limits' errors too.
    extensions: list[type[SchemaExtension] | Callable[[], SchemaExtension]] = [
        AuditTrail,
        lambda: ErrorCodes(hide_suggestions=not development),
        *limit_extensions(settings),
        # Parsing and validating a document cost as much as the database answering it, and
        # depend only on its text and the fixed limits: repeated documents reuse both.
        lambda: DocumentCache(hide_suggestions=not development),
        ObservedOperation,  # names the operation in the access log and the metrics
    ]
    if settings.graph_api_tracing_enabled:  # spans for parsing, validation and resolvers
        from strawberry.extensions.tracing import OpenTelemetryExtension

        extensions.append(OpenTelemetryExtension)
    if not settings.graph_api_audit_enabled:  # benchmarks only: measures what auditing costs
        extensions.remove(AuditTrail)
    if not development:
        extensions.append(DisableIntrospection)
    schema = RegisterSchema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=[Offender, Associate, Address, Vehicle, Mark, RestrictedNominal],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not development),
        execution_context_class=PlannedExecutor
        if one_pass
        else StrawberryGraphQLCoreExecutionContext,
    )
    answer_from_plans(schema._schema, roots={"Query", "Mutation", "Subscription"})
    return schema
