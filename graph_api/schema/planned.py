"""Answers every field below a root from the planned record: one dict lookup per field.

The planner returns nested maps keyed by response keys, with its type marker (`TYPE_KEY`, which
no alias can overwrite) on every object of an abstract type, so the GraphQL schema's object
fields read `root[response key]` and abstract types resolve from the marker. Root resolvers
return such maps too.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from graphql import GraphQLInterfaceType, GraphQLObjectType, GraphQLUnionType

from graph_api.planner.markers import TYPE_KEY

if TYPE_CHECKING:
    from graphql import GraphQLResolveInfo, GraphQLSchema


def _read_planned(root: Any, info: GraphQLResolveInfo[Any], **_: Any) -> Any:
    return root.get(info.path.key)


def _typename(root: Any, info: GraphQLResolveInfo[Any], abstract: Any) -> Any:
    return root.get(TYPE_KEY)


def answer_from_plans(schema: GraphQLSchema, roots: set[str]) -> None:
    """Point every non-root object field at the planned record, and abstract types at its
    type marker."""
    for graphql_type in schema.type_map.values():
        if graphql_type.name.startswith("__") or graphql_type.name in roots:
            continue
        if isinstance(graphql_type, GraphQLObjectType):
            for field in graphql_type.fields.values():
                field.resolve = _read_planned
            # Planned maps are not instances of the Strawberry classes; abstract types already
            # resolved them by the marker, so no further instance check is needed.
            graphql_type.is_type_of = None
        elif isinstance(graphql_type, GraphQLInterfaceType | GraphQLUnionType):
            graphql_type.resolve_type = _typename
