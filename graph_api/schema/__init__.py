"""The GraphQL schema (DESIGN.md §5): types, root fields and the extensions guarding them."""

from __future__ import annotations

from typing import TYPE_CHECKING

import strawberry
from strawberry.extensions import DisableIntrospection
from strawberry.schema.config import StrawberryConfig

from graph_api.schema.error_codes import ErrorCodes
from graph_api.schema.planned import answer_from_plans
from graph_api.schema.query import Query
from graph_api.schema.types import Address, Associate, Mark, Offender, RestrictedNominal, Vehicle

if TYPE_CHECKING:
    from strawberry.extensions import SchemaExtension

    from graph_api.settings import Settings

__all__ = ["Query", "build_schema"]


def build_schema(settings: Settings | None = None) -> strawberry.Schema:
    """The schema, with introspection and field suggestions only in development mode."""
    development = settings is not None and settings.graph_api_dev_mode
    extensions: list[type[SchemaExtension]] = [ErrorCodes]
    if not development:
        extensions.append(DisableIntrospection)
    schema = strawberry.Schema(
        query=Query,
        types=[Offender, Associate, Address, Vehicle, Mark, RestrictedNominal],
        extensions=extensions,
        config=StrawberryConfig(disable_field_suggestions=not development),
    )
    answer_from_plans(schema._schema, roots={"Query"})
    return schema
