"""A differential proof that the fast path never changes an answer (issue 11).

Generated documents (hypothesis-graphql over the served schema, real ids of the tiny graph) are
rewritten the ways apps write them: aliases on some fields (`__typename` and `__id` among
them), a field asked twice under two aliases with another page size, `@include`/`@skip` on
variables, and selection sets moved into named fragments. Each is executed, for a generated
principal, twice: by the served schema (one-pass completion, `schema/completion.py`) and by the
same schema completed field by field by graphql-core (the reference). The answers must be equal.

Two metamorphic checks ride along: the document with its selection sets in named fragments
answers what the inlined document answers, and the aliased document answers what the plain one
answers, once its keys are renamed back.

`GRAPH_API_DIFFERENTIAL_EXAMPLES=2000 make test` runs more examples; `pytest -m slow` runs the
long mode (1,000 examples, not derandomized).
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import TYPE_CHECKING, Any

import pytest
from api.test_generated_queries import ROOTS, _RealisticArguments, _viewers
from graphql import (
    ArgumentNode,
    BooleanValueNode,
    DirectiveNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    IntValueNode,
    NamedTypeNode,
    NameNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TypeInfo,
    TypeInfoVisitor,
    VariableDefinitionNode,
    VariableNode,
    get_named_type,
    parse,
    print_ast,
    visit,
)
from graphql.language import Visitor
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import queries
from policy_oracle import RawGraph

from graph_api.db import Database
from graph_api.identity import Principal
from graph_api.schema import build_schema
from graph_api.schema.context import RequestContext

if TYPE_CHECKING:
    import neo4j

    from graph_api.settings import Settings

pytestmark = pytest.mark.usefixtures("tiny_graph")

EXAMPLES = int(os.environ.get("GRAPH_API_DIFFERENTIAL_EXAMPLES", "30"))
#: Examples of the long mode (`pytest -m slow tests/schema/test_differential.py`).
SLOW_EXAMPLES = 1_000


class _Rewrite(Visitor):
    """Aliases, a repeated field with another page size, and @include/@skip on variables."""

    def __init__(self, draw: Any, *, aliases_only: bool = False) -> None:
        super().__init__()
        self.draw = draw
        self.aliases_only = aliases_only
        self.count = 0
        # Each alias names one field of the document, so an answer can be renamed back.
        self.reserved = iter(["__typename", "__id"])
        self.aliases: dict[str, str] = {}  # alias -> the field name it renames

    def enter_selection_set(self, node: SelectionSetNode, *_: Any) -> Any:
        selections: list[Any] = []
        for selection in node.selections:
            if not isinstance(selection, FieldNode) or selection.alias is not None:
                selections.append(selection)
                continue
            roll = self.draw(st.integers(0, 2 if self.aliases_only else 9))
            if roll <= 2:  # an alias
                self.count += 1
                alias = next(self.reserved, f"a{self.count}")
                self.aliases[alias] = selection.name.value
                selection = _with(selection, alias=NameNode(value=alias))
            elif roll == 3 and any(a.name.value == "first" for a in selection.arguments or ()):
                self.count += 1
                twice = _with(
                    selection,
                    alias=NameNode(value=f"again{self.count}"),
                    arguments=tuple(
                        ArgumentNode(name=a.name, value=IntValueNode(value="1"))
                        if a.name.value == "first"
                        else a
                        for a in selection.arguments or ()
                    ),
                )
                selections.append(twice)
            elif roll == 4:
                directive = self.draw(st.sampled_from([("include", "yes"), ("skip", "no"),
                                                        ("include", "no"), ("skip", "yes")]))  # fmt: skip
                selection = _with(
                    selection,
                    directives=(
                        DirectiveNode(
                            name=NameNode(value=directive[0]),
                            arguments=(
                                ArgumentNode(
                                    name=NameNode(value="if"),
                                    value=VariableNode(name=NameNode(value=directive[1])),
                                ),
                            ),
                        ),
                    ),
                )
            selections.append(selection)
        return SelectionSetNode(selections=tuple(selections))


def _with(node: FieldNode, **changes: Any) -> FieldNode:
    values = {
        "alias": node.alias,
        "name": node.name,
        "arguments": node.arguments,
        "directives": node.directives,
        "selection_set": node.selection_set,
    }
    return FieldNode(**(values | changes))


def _declare_switches(document: DocumentNode) -> DocumentNode:
    """Declare `$yes: Boolean = true` and `$no: Boolean = false` on every operation."""
    switches = tuple(
        VariableDefinitionNode(
            variable=VariableNode(name=NameNode(value=name)),
            type=NamedTypeNode(name=NameNode(value="Boolean")),
            default_value=BooleanValueNode(value=value),
            directives=(),
        )
        for name, value in (("yes", True), ("no", False))
    )
    definitions = []
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            definition = OperationDefinitionNode(
                operation=definition.operation,
                name=definition.name,
                variable_definitions=(*(definition.variable_definitions or ()), *switches),
                directives=definition.directives,
                selection_set=definition.selection_set,
            )
        definitions.append(definition)
    return DocumentNode(definitions=tuple(definitions))


def _into_fragments(document: DocumentNode, schema: Any) -> DocumentNode:
    """Move the selection set of every object-typed field into a named fragment on its type."""
    fragments: list[FragmentDefinitionNode] = []
    type_info = TypeInfo(schema)

    class Extract(Visitor):
        def leave_field(self, node: FieldNode, *_: Any) -> Any:
            field_type = type_info.get_type()
            if node.selection_set is None or field_type is None:
                return None
            named = get_named_type(field_type)
            name = f"F{len(fragments)}"
            fragments.append(
                FragmentDefinitionNode(
                    name=NameNode(value=name),
                    type_condition=NamedTypeNode(name=NameNode(value=named.name)),
                    selection_set=node.selection_set,
                    directives=(),
                    variable_definitions=None,
                )
            )
            spread = FragmentSpreadNode(name=NameNode(value=name), directives=())
            return _with(node, selection_set=SelectionSetNode(selections=(spread,)))

    rewritten = visit(document, TypeInfoVisitor(type_info, Extract()))
    return DocumentNode(definitions=(*rewritten.definitions, *fragments))


def _renamed_back(value: Any, aliases: dict[str, str]) -> Any:
    """An answer with every alias key renamed to the field it stands for."""
    if isinstance(value, dict):
        return {aliases.get(k, k): _renamed_back(v, aliases) for k, v in value.items()}
    if isinstance(value, list):
        return [_renamed_back(v, aliases) for v in value]
    return value


def test_one_pass_completion_answers_what_graphql_core_does(
    raw_graph: RawGraph, settings: Settings
) -> None:
    _prove(
        raw_graph,
        settings,
        EXAMPLES,
        derandomize="GRAPH_API_DIFFERENTIAL_EXAMPLES" not in os.environ,
    )


@pytest.mark.slow
def test_one_pass_completion_answers_what_graphql_core_does_at_length(
    raw_graph: RawGraph, settings: Settings
) -> None:
    _prove(raw_graph, settings, SLOW_EXAMPLES, derandomize=False)


def _prove(raw_graph: RawGraph, settings: Settings, examples: int, *, derandomize: bool) -> None:
    fast, reference = build_schema(settings), build_schema(settings, one_pass=False)
    sdl = fast.as_str()
    offenders = sorted(o.id for o in raw_graph.of_kind("Offender"))
    others = sorted(set(raw_graph.nodes) - set(offenders))
    managed_by: dict[str, list[str]] = {}
    for offender in offenders:
        managed_by.setdefault(str(raw_graph.nodes[offender].props["managingAgency"]), []).append(
            offender
        )
    tally = {"documents": 0, "answered": 0}

    @hypothesis_settings(
        max_examples=examples,
        deadline=None,
        derandomize=derandomize,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data())
    def check(data: st.DataObject) -> None:
        viewer = data.draw(_viewers(raw_graph), label="principal")
        generated = data.draw(queries(sdl, fields=[r for r in ROOTS if r != "auditTrail"]))
        plain = visit(
            parse(str(generated)),
            _RealisticArguments(data.draw, managed_by.get(viewer.agency, []), offenders, others),
        )
        rewritten = _declare_switches(visit(plain, _Rewrite(data.draw)))
        aliasing = _Rewrite(data.draw, aliases_only=True)
        aliased = visit(plain, aliasing)
        principal = Principal(
            "differential", viewer.agency, viewer.roles, viewer.clearance, "differential proof"
        )
        documents = {
            "plain": print_ast(plain),
            "rewritten": print_ast(rewritten),
            "aliased": print_ast(aliased),
            "fragments": print_ast(_into_fragments(plain, fast._schema)),
        }
        answers = {}
        for label, document in documents.items():
            for schema in (fast, reference):
                answers[label, schema is fast] = run(schema, document, principal)
            assert answers[label, True] == answers[label, False], (label, document)
        tally["documents"] += 1
        plain_data, plain_errors = answers["plain", True]
        # A fragment spread answers what its inlined form answers.
        assert answers["fragments", True] == (plain_data, plain_errors), documents["fragments"]
        if plain_data is not None and not plain_errors:
            tally["answered"] += 1
            aliased_data, aliased_errors = answers["aliased", True]
            if not aliased_errors:  # (an alias may collide with a sibling's name: invalid)
                # An aliased document answers what the plain one does, renamed.
                assert _renamed_back(aliased_data, aliasing.aliases) == plain_data, documents[
                    "aliased"
                ]

    run = _Runner(settings)
    try:
        check()
    finally:
        run.close()
    print(f"differential proof: {tally}")
    assert tally["answered"] > 0


class _Runner:
    """Executes documents on one event loop and one database handle (as the API's process
    does), without HTTP."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.loop = asyncio.new_event_loop()
        self.database = Database.from_settings(settings)

    def __call__(self, schema: Any, document: str, principal: Principal) -> tuple[Any, list[str]]:
        """(data, error codes and paths) of one execution."""
        context = RequestContext(
            request=None,  # type: ignore[arg-type]  # only mutations read headers
            database=self.database,
            settings=self.settings,
            request_id=uuid.uuid4().hex,
            principal_or_error=principal,
        )
        result = self.loop.run_until_complete(schema.execute(document, context_value=context))
        errors = sorted(
            f"{e.extensions.get('code') if e.extensions else None}@{e.path}"
            for e in result.errors or []
        )
        return result.data, errors

    def close(self) -> None:
        self.loop.run_until_complete(self.database.close())
        self.loop.close()


@pytest.fixture(scope="module")
def raw_graph(driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any]) -> RawGraph:
    del tiny_graph
    return RawGraph.load(driver, database)
