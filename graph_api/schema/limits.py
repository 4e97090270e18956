"""Bounds on what one GraphQL operation may ask for: tokens, depth, aliases and cost.

Each limit comes from `Settings` and answers `LIMIT_EXCEEDED` with a message naming the limit and
its value. Tokens reuse Strawberry's limiter (its error relabelled). Depth, aliases and cost are
ours: each walks a document once per fragment (memoised), so a document of fragments that spread
each other twice over costs what its text costs, not what its expansion would.

Cost, the work a query may make the planner do, estimated before anything runs:

- a connection field (any field with a `first` argument) costs 1 and multiplies the cost of its
  contents by its page size: `first`, or its default of 20 (a `first` out of range counts as the
  largest page, 100; the field itself then refuses it as BAD_USER_INPUT);
- any other list of objects (`commonAssociates`, `network { nodes }`) counts as a page of 20;
- other fields cost what they contain, and every root field costs at least 1;
- where a field's type is abstract, the most expensive concrete type counts.

Example: `offender { addresses { edges { address { residents { totalCount } } } } }` costs
`1 + 20 * 1 = 21`: residents are fetched once for each of up to 20 addresses.
"""

from __future__ import annotations

import operator
import time
from typing import TYPE_CHECKING, Any, cast

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    OperationDefinitionNode,
    ValidationRule,
    VariableNode,
    get_named_type,
    get_nullable_type,
    is_abstract_type,
    is_list_type,
)
from graphql.error import GraphQLSyntaxError
from graphql.execution import ExecutionResult
from graphql.utilities import get_operation_ast
from graphql.validation.validate import ValidationAbortedError
from strawberry.extensions import AddValidationRules, MaxTokensLimiter, SchemaExtension

from graph_api.bounded_cache import VALUES_PER_DOCUMENT, BoundedCache, document_bytes
from graph_api.errors import LimitExceeded
from graph_api.planner.projection import DEFAULT_PAGE, MAX_PAGE

if TYPE_CHECKING:
    from collections.abc import Callable, Collection, Iterator, Mapping

    from graphql import (
        ASTValidationRule,
        DocumentNode,
        GraphQLField,
        GraphQLNamedType,
        GraphQLObjectType,
        GraphQLSchema,
        Node,
        SelectionSetNode,
        ValidationContext,
    )
    from strawberry.types import ExecutionContext

    from graph_api.settings import Settings

__all__ = [
    "CostLimit",
    "TokenLimit",
    "ValidationOverBudget",
    "limit_error",
    "limit_extensions",
    "operation_cost",
]


def limit_error(message: str, nodes: Collection[Node] | None = None) -> GraphQLError:
    """A GraphQL error that `ErrorCodes` answers as LIMIT_EXCEEDED with this message."""
    return GraphQLError(message, nodes, original_error=LimitExceeded(message))


def limit_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    """Per-request factories of the four limiters, configured from `settings`.

    The depth and alias rules are built once, here: the same rule classes on every request
    let the validation cache recognise a document it has already validated.
    """
    rules = AddValidationRules(
        [
            _budget_rule(settings.graph_api_max_validation_seconds),
            _depth_rule(settings.graph_api_max_depth),
            _alias_rule(settings.graph_api_max_aliases),
        ]
    )
    return [
        lambda: TokenLimit(settings.graph_api_max_tokens),
        lambda: _ShapeLimits(rules.validation_rules, settings.graph_api_max_depth),
        lambda: CostLimit(settings.graph_api_max_cost),
    ]


# --- tokens: Strawberry's limiter, relabelled -------------------------------------------------


class TokenLimit(MaxTokensLimiter):
    """The parser stops after `max_token_count` tokens (comments included)."""

    def __init__(self, max_token_count: int) -> None:
        super().__init__(max_token_count)
        self.message = f"the document is longer than the token limit of {max_token_count} tokens"

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        # graphql-core says "Document contains more than N tokens. Parsing aborted."
        aborted = f"more than {self.max_token_count} tokens"
        _relabel_parser_abort(self.execution_context, aborted, self.message)


def _relabel_parser_abort(context: ExecutionContext, says: str, message: str) -> None:
    """Replace the parser's syntax error that `says` this with a limit error saying `message`."""
    result = context.result
    if result is not None and result.errors:
        result.errors = [
            limit_error(message)
            if isinstance(error, GraphQLSyntaxError) and says in error.message
            else error
            for error in result.errors
        ]


# --- depth and aliases: one linear walk per document ----------------------------------------


class _ShapeLimits(AddValidationRules):
    """Adds the depth and alias rules to validation; relabels the parser's own nesting stop."""

    def __init__(self, rules: list[type[ASTValidationRule]], max_depth: int) -> None:
        super().__init__(rules)
        self.message = _depth_message(max_depth)

    def on_operation(self) -> Iterator[None]:
        yield from super().on_operation()
        # A document nested hundreds of levels deep stops the parser before validation runs:
        # graphql-core says "Document is nested too deeply. Parsing aborted."
        _relabel_parser_abort(self.execution_context, "nested too deeply", self.message)


def _depth_message(max_depth: int) -> str:
    return f"the query nests deeper than the depth limit of {max_depth} levels"


class _FragmentWalk:
    """Measures an operation's selections, walking each fragment once: what a fragment
    contributes is worked out the first time it is spread and reused after, so a fragment
    spread twice by another that is spread twice (and so on) costs no more than writing each
    fragment once. Unknown fragments and fragment cycles add nothing (graphql-core's own rules
    report them).

    `on_field(field, measure)` gives a field's measure (`measure` measures a selection set);
    `combine` folds the measures of a selection set's members (max for depth, + for counts).
    """

    def __init__(
        self,
        document: DocumentNode,
        on_field: Callable[[FieldNode, Callable[[SelectionSetNode], int]], int],
        combine: Callable[[int, int], int],
    ) -> None:
        self.fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        self.operations = [
            d for d in document.definitions if isinstance(d, OperationDefinitionNode)
        ]
        self.on_field = on_field
        self.combine = combine
        self._memo: dict[str, int] = {}
        self._open: set[str] = set()

    def measure(self, selection_set: SelectionSetNode) -> int:
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                value = self.on_field(selection, self.measure)
            elif isinstance(selection, InlineFragmentNode):
                value = self.measure(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                value = self._spread(selection.name.value)
            else:  # pragma: no cover - the grammar admits no other selection
                value = 0
            total = self.combine(total, value)
        return total

    def _spread(self, name: str) -> int:
        if name in self._memo:
            return self._memo[name]
        fragment = self.fragments.get(name)
        if fragment is None or name in self._open:
            return 0
        self._open.add(name)
        self._memo[name] = self.measure(fragment.selection_set)
        self._open.discard(name)
        return self._memo[name]


class ValidationOverBudget(ValidationAbortedError):
    """Validation stopped: it took longer than the budget (`DocumentCache` reports it as a
    LIMIT_EXCEEDED error)."""


def _budget_rule(seconds: float) -> type[ValidationRule]:
    """Stops validation of a document once it has taken `seconds`: every rule is linear or
    close to it, so only a document built to be slow gets there."""
    message = f"the document took longer to validate than the limit of {seconds:g} s"

    class ValidationBudgetRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            self.deadline = time.perf_counter() + seconds
            self.visited = 0

        def enter(self, *_: Any) -> None:
            self.visited += 1
            if self.visited % 64 == 0 and time.perf_counter() > self.deadline:
                raise ValidationOverBudget(message)

    return ValidationBudgetRule


def _fragment_walk_rule(
    limit: int,
    message: str,
    on_field: Callable[[FieldNode, Callable[[SelectionSetNode], int]], int],
    combine: Callable[[int, int], int],
) -> type[ValidationRule]:
    """A rule reporting one LIMIT_EXCEEDED error when an operation measures above `limit`."""

    class FragmentWalkRule(ValidationRule):
        def __init__(self, context: ValidationContext) -> None:
            super().__init__(context)
            walk = _FragmentWalk(context.document, on_field, combine)
            for operation in walk.operations:
                if walk.measure(operation.selection_set) > limit:
                    context.report_error(limit_error(message, [operation]))
                    return

    return FragmentWalkRule


def _depth_rule(max_depth: int) -> type[ValidationRule]:
    """Fields nest at most `max_depth` levels below a root field (introspection fields are not
    walked into): the deepest field of an operation, counting its root fields as level 0."""

    def levels(field: FieldNode, measure: Callable[[SelectionSetNode], int]) -> int:
        below = field.selection_set
        if below is None or field.name.value.startswith("__"):
            return 0
        return 1 + measure(below)

    return _fragment_walk_rule(max_depth, _depth_message(max_depth), levels, max)


def _alias_rule(max_alias_count: int) -> type[ValidationRule]:
    """An operation uses at most `max_alias_count` aliases, a fragment's counted each time it
    is spread (each alias can repeat a whole field)."""
    message = f"the document uses more aliases than the alias limit of {max_alias_count}"

    def aliases(field: FieldNode, measure: Callable[[SelectionSetNode], int]) -> int:
        own = int(field.alias is not None)
        return own + (measure(field.selection_set) if field.selection_set else 0)

    return _fragment_walk_rule(max_alias_count, message, aliases, operator.add)


# --- cost --------------------------------------------------------------------------------


class CostLimit(SchemaExtension):
    """Refuses, before execution, an operation whose estimated cost is above `max_cost`."""

    def __init__(self, max_cost: int) -> None:
        self.max_cost = max_cost

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None:
            cost = _costs.cost(
                context.schema._schema,
                context.graphql_document,
                context.operation_name,
                context.variables,
            )
            if cost > self.max_cost:
                message = (
                    f"the query's estimated cost is {cost}, above the cost limit of "
                    f"{self.max_cost}: ask for smaller pages (`first`) or fewer nested lists"
                )
                # A result set here is returned as is: the operation never reaches Neo4j.
                context.result = ExecutionResult(data=None, errors=[limit_error(message)])
        yield


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None = None,
    variables: Mapping[str, Any] | None = None,
) -> int:
    """The estimated cost of the operation `operation_name` of a valid `document`.

    `variables` are the request's, uncoerced; only page sizes are read from them. For example
    `{ me { userId } agencies { code } }` costs 2, one for each root field.
    """
    return _estimate(schema, document, operation_name, variables)[0]


class _CostCache:
    """Costs of documents already estimated, per the values of the variables they read.

    A cost depends on the document and on the variables given as page sizes only, so a
    document sent again with other ids costs nothing to estimate. Keyed by the identity of the
    parsed document (`DocumentCache` hands out one object per text); each entry holds its
    document, so that identity is not reused while the entry lives.
    """

    def __init__(self) -> None:
        # Bounded by the documents' memory (graph_api/bounded_cache.py).
        self.entries: BoundedCache[
            tuple[int, str | None], tuple[DocumentNode, tuple[str, ...], dict[str, int]]
        ] = BoundedCache()

    def cost(
        self,
        schema: GraphQLSchema,
        document: DocumentNode,
        operation_name: str | None,
        variables: Mapping[str, Any] | None,
    ) -> int:
        given = variables or {}
        key = (id(document), operation_name)
        entry = self.entries.get(key)
        if entry is not None and entry[0] is document:
            cost = entry[2].get(_values(given, entry[1]))
            if cost is not None:
                return cost
        cost, read = _estimate(schema, document, operation_name, given)
        if entry is None or entry[0] is not document:
            entry = (document, read, {})
            self.entries.put(key, entry, document_bytes(document))
        if len(entry[2]) >= VALUES_PER_DOCUMENT:  # new values keep coming: start again
            entry[2].clear()
        entry[2][_values(given, read)] = cost
        return cost


def _values(variables: Mapping[str, Any], names: tuple[str, ...]) -> str:
    return repr(tuple(variables.get(name) for name in names))


_costs = _CostCache()


def _estimate(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation_name: str | None,
    variables: Mapping[str, Any] | None,
) -> tuple[int, tuple[str, ...]]:
    """The cost, and the names of the variables it read (in order)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return 0, ()
    root = schema.get_root_type(operation.operation)
    if root is None:
        return 0, ()
    defaults = {
        definition.variable.name.value: definition.default_value
        for definition in operation.variable_definitions or ()
    }
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    estimate = _CostEstimate(schema, fragments, dict(variables or {}), defaults)
    cost = sum(
        max(1, estimate.field(root, node, in_page=False))
        for node in estimate.fields(root, operation.selection_set, set())
    )
    return cost, tuple(sorted(estimate.read))


class _CostEstimate:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        variables: dict[str, Any],
        defaults: dict[str, Any],
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.variables = variables
        self.defaults = defaults
        self.read: set[str] = set()  # variables read as page sizes
        # A selection set's cost depends only on it, its type and whether it is in a page:
        # each is estimated once, so fragments spread many times are not walked again.
        self._selections: dict[tuple[int, str, bool], int] = {}

    def field(self, parent: GraphQLObjectType, node: FieldNode, *, in_page: bool) -> int:
        """The cost of one field; `in_page` when its parent already multiplied it by a page."""
        definition = parent.fields.get(node.name.value)
        if definition is None or node.selection_set is None:
            return 0  # leaves and __typename cost nothing
        paged = "first" in definition.args
        contents = self.selection(get_named_type(definition.type), node.selection_set, paged)
        if paged:
            return 1 + self.page_size(node, definition) * contents
        if is_list_type(get_nullable_type(definition.type)) and not in_page:
            return 1 + DEFAULT_PAGE * contents
        return contents

    def selection(
        self, named: GraphQLNamedType, selection_set: SelectionSetNode, in_page: bool
    ) -> int:
        """The cost of a selection set: its dearest concrete type, when the type is abstract."""
        key = (id(selection_set), named.name, in_page)
        known = self._selections.get(key)
        if known is not None:
            return known
        runtime_types = (
            self.schema.get_possible_types(named)
            if is_abstract_type(named)
            else [cast("GraphQLObjectType", named)]
        )
        cost = self._selections[key] = max(
            (
                sum(
                    self.field(runtime, node, in_page=in_page)
                    for node in self.fields(runtime, selection_set, set())
                )
                for runtime in runtime_types
            ),
            default=0,
        )
        return cost

    def fields(
        self, runtime: GraphQLObjectType, selection_set: SelectionSetNode, seen: set[str]
    ) -> Iterator[FieldNode]:
        """Field nodes that apply to `runtime`, through inline fragments and fragment spreads.

        As in graphql-core's field collection, a fragment spread again in the same selection
        (`seen`, shared by the whole collection) adds nothing. @skip and @include are ignored:
        a skipped field counts, which only overestimates.
        """
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                if condition is None or self._applies(condition.name.value, runtime):
                    yield from self.fields(runtime, selection.selection_set, seen)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                fragment = self.fragments.get(name)
                if (
                    fragment is not None
                    and name not in seen
                    and self._applies(fragment.type_condition.name.value, runtime)
                ):
                    seen.add(name)
                    yield from self.fields(runtime, fragment.selection_set, seen)

    def page_size(self, node: FieldNode, definition: GraphQLField) -> int:
        """`first` as the client gave it (literal, variable, or default), within 0..MAX_PAGE."""
        given: Any = definition.args["first"].default_value
        for argument in node.arguments or ():
            if argument.name.value != "first":
                continue
            value = argument.value
            if isinstance(value, VariableNode):
                name = value.name.value
                self.read.add(name)
                default = self.defaults.get(name)
                given = self.variables.get(
                    name, int(default.value) if isinstance(default, IntValueNode) else None
                )
            else:
                given = int(value.value) if isinstance(value, IntValueNode) else None
        if not isinstance(given, int) or isinstance(given, bool):
            return MAX_PAGE
        return min(max(given, 0), MAX_PAGE)

    def _applies(self, condition: str, runtime: GraphQLObjectType) -> bool:
        if condition == runtime.name:
            return True
        conditional = self.schema.get_type(condition)
        return bool(
            conditional is not None
            and is_abstract_type(conditional)
            and self.schema.is_sub_type(conditional, runtime)
        )
