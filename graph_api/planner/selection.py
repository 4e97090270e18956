"""The client's selection under a root field, as a tree the planner walks.

Fragments, inline fragments and @skip/@include are resolved here, arguments are coerced by the
schema (defaults applied, variables substituted), and fields are grouped per concrete type, so
the planner never looks at the GraphQL document itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    GraphQLIncludeDirective,
    GraphQLObjectType,
    GraphQLSkipDirective,
    InlineFragmentNode,
    Node,
    VariableNode,
    get_named_type,
    is_abstract_type,
)
from graphql.execution.values import VariableValues, get_argument_values, get_directive_values

from graph_api.bounded_cache import VALUES_PER_DOCUMENT, BoundedCache, document_bytes
from graph_api.errors import ApiError, BadUserInput, LimitExceeded
from graph_api.planner.markers import TYPE_KEY

if TYPE_CHECKING:
    from collections.abc import Iterable

    from graphql import (
        GraphQLNamedType,
        GraphQLResolveInfo,
        GraphQLSchema,
        OperationDefinitionNode,
        SelectionSetNode,
    )

#: A hard stop on nesting, whatever the configured depth limit: the planner recurses per level.
MAX_NESTING = 15
#: The largest page (`first`) of any connection; the planner's own bound (projection.MAX_PAGE).
MAX_PAGE = 100


@dataclass(frozen=True)
class Selected:
    """One field the client asked for: its schema name, response key, arguments, sub-fields."""

    name: str
    key: str
    args: dict[str, Any]
    type_name: str
    by_type: dict[str, tuple[Selected, ...]] = field(default_factory=dict)

    def fields(self, type_name: str) -> tuple[Selected, ...]:
        """Sub-fields asked for when the value is of the concrete type `type_name`."""
        return self.by_type.get(type_name, ())

    def only(self, type_name: str | None = None) -> tuple[Selected, ...]:
        """Sub-fields of a field whose type is a single object type."""
        return self.fields(type_name or self.type_name)


def root_selection(info: GraphQLResolveInfo[Any]) -> Selected:
    """The selection tree of the root field being resolved."""
    variables = info.variable_values
    if isinstance(variables, dict):  # Strawberry hands resolvers the coerced dict only
        variables = VariableValues({}, variables)
    walker = _Walker(info.schema, info.fragments, variables, _memos.of(info.operation))
    parent = info.parent_type
    field_def = parent.fields[info.field_name]
    return walker.selected(info.field_name, info.path.key, field_def, list(info.field_nodes), 0)


#: How the sub-fields of some field nodes group per concrete type: (type, response key ->
#: field nodes) for each concrete type.
Grouping = tuple[tuple[GraphQLObjectType, dict[str, list[FieldNode]]], ...]

#: Entries one operation's memo keeps at most (groupings, and walks per variable values).
MEMO_ENTRIES = VALUES_PER_DOCUMENT


class _Memos:
    """What the walker worked out, per operation, for operations without directives.

    Without @skip/@include, how the fields of a document group depends on the document alone,
    and what lies below a root field on the document and the variables used there: a document
    sent again with another id reuses both. Keyed by the identity of the operation node
    (`DocumentCache` hands out one parsed document per text); each entry holds its operation,
    so that identity is not reused while the entry lives.
    """

    def __init__(self) -> None:
        # Bounded by memory (graph_api/bounded_cache.py): a full memo holds walks of the
        # operation's size, so an entry counts as several copies of its document.
        self.entries: BoundedCache[int, tuple[OperationDefinitionNode, dict[Any, Any]]] = (
            BoundedCache()
        )

    def of(self, operation: OperationDefinitionNode) -> dict[Any, Any] | None:
        """The memo of `operation`, or None when its walk may depend on directives."""
        entry = self.entries.get(id(operation))
        if entry is None or entry[0] is not operation:
            if _has_directives(operation):
                return None
            entry = (operation, {})
            self.entries.put(id(operation), entry, _MEMO_WEIGHT * document_bytes(operation))
        return entry[1]


#: How many copies of its document a memo entry is counted as.
_MEMO_WEIGHT = 4

_memos = _Memos()


def _variables_in(nodes: list[FieldNode], fragments: Any) -> set[str]:
    """Names of the variables used anywhere below `nodes` (fragments included)."""
    found: set[str] = set()
    seen: set[str] = set()
    stack: list[Any] = [node.selection_set for node in nodes if node.selection_set]
    while stack:
        item = stack.pop()
        if isinstance(item, VariableNode):
            found.add(item.name.value)
        elif isinstance(item, FragmentSpreadNode):
            name = item.name.value
            if name not in seen and name in fragments:
                seen.add(name)
                stack.append(fragments[name])
        if isinstance(item, Node):
            for attribute in item.keys:
                value = getattr(item, attribute, None)
                if isinstance(value, Node):
                    stack.append(value)
                elif isinstance(value, list | tuple):
                    stack.extend(value)
    return found


def _has_directives(operation: OperationDefinitionNode) -> bool:
    # Fragments are reached through the operation, but a document may define directives on
    # them: a directive anywhere in the source makes the whole operation uncached.
    source = operation.loc.source.body if operation.loc else "@"
    return "@" in source


class _Walker:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: Any,
        variables: VariableValues,
        memo: dict[Any, Any] | None,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.memo = memo

    def selected(
        self, name: str, key: Any, field_def: Any, nodes: list[FieldNode], depth: int
    ) -> Selected:
        if depth > MAX_NESTING:
            raise LimitExceeded(f"the query nests deeper than {MAX_NESTING} levels")
        args = get_argument_values(field_def, nodes[0], self.variables) if field_def.args else {}
        first = args.get("first")
        if isinstance(first, int) and not 1 <= first <= MAX_PAGE:
            raise BadUserInput(
                f"`first` must be between 1 and {MAX_PAGE}; got {first}", path=[str(key)]
            )
        named: GraphQLNamedType = get_named_type(field_def.type)
        try:
            if depth == 0 and self.memo is not None:
                by_type = self._below_root(named, nodes, self.memo)
            else:
                by_type = self._below(named, nodes, depth)
        except ApiError as error:  # a field below is at fault: report it at its own path
            if error.path is not None:
                error.path.insert(0, str(key))
            raise
        return Selected(name, str(key), args, named.name, by_type)

    def _below_root(
        self, named: GraphQLNamedType, nodes: list[FieldNode], memo: dict[Any, Any]
    ) -> dict[str, tuple[Selected, ...]]:
        """The sub-fields of a root field, walked once per document and values of the variables
        they use: a root field asked again for another id reuses everything below it."""
        nodes_key = tuple(map(id, nodes))
        uses = memo.get(("uses", nodes_key))
        if uses is None:
            uses = memo["uses", nodes_key] = tuple(sorted(_variables_in(nodes, self.fragments)))
        coerced = self.variables.coerced
        key = ("below", nodes_key, repr([coerced.get(name) for name in uses]))
        below = memo.get(key)
        if below is None:
            below = self._below(named, nodes, 0)
            if len(memo) >= MEMO_ENTRIES:  # new values keep coming: start again
                memo.clear()
            memo[key] = below
        return below

    def _below(
        self, named: GraphQLNamedType, nodes: list[FieldNode], depth: int
    ) -> dict[str, tuple[Selected, ...]]:
        by_type: dict[str, tuple[Selected, ...]] = {}
        for runtime, grouped in self._grouping(named, nodes):
            by_type[runtime.name] = tuple(
                self.selected(
                    group[0].name.value,
                    response_key,
                    runtime.fields[group[0].name.value],
                    group,
                    depth + 1,
                )
                for response_key, group in grouped.items()
                if group[0].name.value != "__typename"  # answered by GraphQL itself
            )
        return by_type

    def _grouping(self, named: GraphQLNamedType, nodes: list[FieldNode]) -> Grouping:
        key = (named.name, *map(id, nodes))
        if self.memo is not None and key in self.memo:
            return self.memo[key]  # type: ignore[no-any-return]
        grouping: Grouping = ()
        if any(node.selection_set for node in nodes):
            runtime_types: Iterable[GraphQLObjectType] = (
                self.schema.get_possible_types(named) if is_abstract_type(named) else [named]  # type: ignore[list-item]
            )
            for runtime in runtime_types:
                grouped: dict[str, list[FieldNode]] = {}
                for node in nodes:
                    if node.selection_set:
                        self._collect(runtime, node.selection_set, grouped, set())
                grouping += ((runtime, grouped),)
        if self.memo is not None and len(self.memo) < MEMO_ENTRIES:
            self.memo[key] = grouping
        return grouping

    def _collect(
        self,
        runtime: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        for selection in selection_set.selections:
            if not self._included(selection):
                continue
            if isinstance(selection, FieldNode):
                response_key = selection.alias.value if selection.alias else selection.name.value
                grouped.setdefault(response_key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, runtime):
                    self._collect(runtime, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if name in visited or fragment is None:
                    continue
                visited.add(name)
                if self._applies(fragment.type_condition.name.value, runtime):
                    self._collect(runtime, fragment.selection_set, grouped, visited)

    def _applies(self, condition: str, runtime: GraphQLObjectType) -> bool:
        if condition == runtime.name:
            return True
        conditional = self.schema.get_type(condition)
        return bool(
            conditional is not None
            and is_abstract_type(conditional)
            and self.schema.is_sub_type(conditional, runtime)
        )

    def _included(self, node: Any) -> bool:
        skip = get_directive_values(GraphQLSkipDirective, node, self.variables)
        if skip and skip.get("if") is True:
            return False
        include = get_directive_values(GraphQLIncludeDirective, node, self.variables)
        return not (include and include.get("if") is False)


def by_response_key(value: Any, selected: Selected) -> Any:
    """A value built from field names (a record read by plain Cypher, a Python dict), keyed as
    the client asked: by response key, so aliases and a field asked twice both answer.

    For example `{ me { who: userId } }` turns `{"userId": "alice"}` into `{"who": "alice"}`.
    Keys that are not GraphQL names (the planner's markers) are kept as they are.
    """
    if isinstance(value, list):
        return [by_response_key(item, selected) for item in value]
    if not isinstance(value, dict) or not selected.by_type:
        return value
    keyed = {key: item for key, item in value.items() if key.startswith("#")}
    type_name = value.get(TYPE_KEY, selected.type_name)
    for sub in selected.fields(type_name):
        keyed[sub.key] = by_response_key(value.get(sub.name), sub)
    return keyed
