"""Completes planned values in one pass over the selection: no resolver call per field.

Below a root field every field only reads the planned map (`schema/planned.py`), yet
graphql-core would still, for each of them, build a resolve info and a path, call the resolver
and look for awaitables: for a depth-3 offender that is several hundred fields and about a
millisecond of Python per request. `PlannedExecutor` walks the planned map against the collected
selection instead, applying the same rules (scalar and enum coercion, abstract types by
the planner's type marker, @skip/@include through graphql-core's own field collection).

Anything that is not plain sailing (a null where the schema says non-null, a value a scalar
will not coerce, an unknown type marker) hands that object back to graphql-core's completion,
so errors read exactly as they always did.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import TYPE_CHECKING, Any

from graphql import (
    GraphQLList,
    GraphQLNonNull,
    GraphQLObjectType,
    OperationType,
    Undefined,
    is_abstract_type,
    is_leaf_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext

from graph_api.planner.markers import TYPE_KEY

if TYPE_CHECKING:
    from graphql import GraphQLOutputType
    from graphql.execution.collect_fields import FieldDetailsList
    from graphql.pyutils import AwaitableOrValue, Path


class _NotPlain(Exception):
    """This value needs graphql-core's own completion (it reports the error)."""


#: Completed change events, shared by the subscribers that receive the same planned map (one
#: delivery statement answers them all) through the same document: completed once, not once per
#: subscriber. Keyed by the map's identity (the entry keeps the map alive, and a hit checks
#: it is the very map), the document's field nodes and the variables.
_SHARED_EVENTS: OrderedDict[tuple[Any, ...], tuple[dict[str, Any], dict[str, Any]]] = OrderedDict()
SHARED_EVENTS_KEPT = 256


class PlannedExecutor(StrawberryGraphQLCoreExecutionContext):
    """graphql-core's executor, with planned maps completed in one pass."""

    def collect_and_execute_subfields(
        self,
        return_type: GraphQLObjectType,
        field_details_list: FieldDetailsList,
        path: Path,
        result: Any,
        position_context: Any,
    ) -> AwaitableOrValue[dict[str, Any]]:
        if type(result) is dict:  # a planned map (Strawberry objects take the usual path)
            shared = self.operation.operation is OperationType.SUBSCRIPTION
            if shared:
                key = (
                    id(result),
                    return_type.name,
                    tuple(id(details.node) for details in field_details_list),
                    json.dumps(self.variable_values, sort_keys=True, default=str),
                )
                hit = _SHARED_EVENTS.get(key)
                if hit is not None and hit[0] is result:
                    return hit[1]
            try:
                completed = self._object(return_type, field_details_list, result)
            except _NotPlain:
                pass
            else:
                if shared:
                    _SHARED_EVENTS[key] = (result, completed)
                    if len(_SHARED_EVENTS) > SHARED_EVENTS_KEPT:
                        _SHARED_EVENTS.popitem(last=False)
                return completed
        return super().collect_and_execute_subfields(
            return_type, field_details_list, path, result, position_context
        )

    def _object(
        self, object_type: GraphQLObjectType, details: FieldDetailsList, source: dict[str, Any]
    ) -> dict[str, Any]:
        grouped = self.collect_subfields(object_type, details).grouped_field_set
        fields = object_type.fields
        completed: dict[str, Any] = {}
        for key, field_details in grouped.items():
            name = field_details[0].node.name.value
            if name == "__typename":
                completed[key] = object_type.name
            elif name in fields:
                completed[key] = self._value(fields[name].type, field_details, source.get(key))
            else:  # introspection below a root: not a planned field
                raise _NotPlain
        return completed

    def _value(self, kind: GraphQLOutputType, details: FieldDetailsList, value: Any) -> Any:
        if isinstance(kind, GraphQLNonNull):
            completed = self._value(kind.of_type, details, value)
            if completed is None:
                raise _NotPlain
            return completed
        if value is None:
            return None
        if isinstance(kind, GraphQLList):
            if not isinstance(value, list):
                raise _NotPlain
            return [self._value(kind.of_type, details, item) for item in value]
        if is_leaf_type(kind):
            try:
                coerced = kind.coerce_output_value(value)
            except Exception:  # graphql-core reports it, at the field's own path
                raise _NotPlain from None
            if coerced is None or coerced is Undefined:
                raise _NotPlain
            return coerced
        if type(value) is not dict:
            raise _NotPlain
        if is_abstract_type(kind):
            runtime = self.schema.get_type(value.get(TYPE_KEY) or "")
            if not isinstance(runtime, GraphQLObjectType) or not self.schema.is_sub_type(
                kind, runtime
            ):
                raise _NotPlain
            return self._object(runtime, details, value)
        return self._object(kind, details, value)  # type: ignore[arg-type]
