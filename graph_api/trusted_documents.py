"""Trusted documents: the GraphQL documents an app declares, known by their SHA-256.

An app built with graphql-codegen (the explorer is one) ships a manifest of its documents,
`{"<sha256 hex>": "<document>"}`. The API loads it (`GRAPH_API_TRUSTED_DOCUMENTS`; by default
the built explorer's, `web/dist/trusted-documents.json`) and then:

- **takes a document by its id.** A request may send `"documentId": "sha256:<hex>"` (the
  GraphQL-over-HTTP persisted-document form) instead of `"query"`; the text is the manifest's.
  An id the manifest lacks is PERSISTED_DOCUMENT_NOT_FOUND (HTTP 400); an id that is not
  `sha256:` and 64 hex digits, or an id beside a `query`, is BAD_USER_INPUT.
- **can take nothing else.** With `GRAPH_API_TRUSTED_DOCUMENTS_ONLY=true`, a document is run
  only if the manifest holds it (sent by id, or as text whose hash it holds): anything else is
  PERSISTED_DOCUMENT_REQUIRED, over HTTP and over a WebSocket alike. A production deployment
  whose clients are known apps then runs no document an attacker wrote.
- **plans them before anyone asks.** At start, each query of the manifest is run through the
  schema as a rehearsal (`declare_plans`): its statements are produced by the very code that
  serves requests, but sent nowhere; they are declared to the database handle, which plans them
  (each in a transaction rolled back, `graph_api/db/_plan_warmth.py`) before `/readyz` says
  ready; after the database was lost, those requests have sent are planned again with the rest.
  The first user of each explorer view no longer waits for Neo4j to plan its statement (on the
  national dataset, every view's first use 10.0-10.5 s in all against 0.4-0.9 s:
  `graph-api bench --explorer-first-use`).

The manifest is checked when it is loaded: every key must be the SHA-256 of its text, so an id
always names exactly the text its hash says.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import logging
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from cross_web import HTTPException
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationDefinitionNode,
    OperationType,
    get_named_type,
    parse,
    type_from_ast,
)
from starlette.requests import Request

from graph_api.audit import Disclosure, audit_record
from graph_api.cypher_files import query as cypher_query
from graph_api.domain import Classification, Role
from graph_api.errors import ApiError
from graph_api.identity import Principal
from graph_api.schema.context import RequestContext

if TYPE_CHECKING:
    from collections.abc import Mapping
    from pathlib import Path

    from graphql import GraphQLInputType, GraphQLSchema

    from graph_api.db import Database
    from graph_api.schema import RegisterSchema
    from graph_api.settings import Settings

__all__ = ["DocumentRefused", "TrustedDocuments", "document_id"]

log = logging.getLogger("graph_api.trusted_documents")

PREFIX = "sha256:"
_ID = re.compile(r"sha256:[0-9a-f]{64}")


def document_id(text: str) -> str:
    """The id of a document: `sha256:` and the hex SHA-256 of its UTF-8 text."""
    return PREFIX + hashlib.sha256(text.encode()).hexdigest()


class DocumentRefused(HTTPException):
    """A request's document cannot be run (HTTP 400), with its error code."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(400, message)
        self.code = code
        self.message = message

    def error(self, request_id: str | None = None) -> dict[str, Any]:
        """The refusal as one GraphQL error."""
        extensions: dict[str, Any] = {"code": self.code}
        if request_id:
            extensions["requestId"] = request_id
        return {"message": self.message, "extensions": extensions}


class ManifestError(ValueError):
    """The trusted documents' manifest cannot be used; the message says why."""


@dataclass(frozen=True)
class TrustedDocuments:
    """The manifest's documents by id, and whether they are the only ones run."""

    documents: Mapping[str, str] = field(default_factory=dict)
    only: bool = False

    @classmethod
    def from_settings(cls, settings: Settings) -> TrustedDocuments:
        path = settings.graph_api_trusted_documents
        only = settings.graph_api_trusted_documents_only
        documents = _load(path) if path is not None and path.is_file() else {}
        if only and not documents:
            raise ManifestError(
                "GRAPH_API_TRUSTED_DOCUMENTS_ONLY is set but there is no trusted document at "
                f"{path} (GRAPH_API_TRUSTED_DOCUMENTS): every request would be refused"
            )
        return cls(documents, only)

    def by_operation(self) -> dict[str, str]:
        """The id of each document by the names of the operations it defines."""
        ids = {}
        for key, text in self.documents.items():
            for definition in parse(text).definitions:
                if isinstance(definition, OperationDefinitionNode) and definition.name:
                    ids[definition.name.value] = key
        return ids

    def resolve(self, body: dict[str, Any]) -> dict[str, Any]:
        """The request `body` with its document's text as `query`: taken from the manifest
        when it names one by `documentId`; or `DocumentRefused`."""
        if "documentId" not in body:
            query = body.get("query")
            if self.only and isinstance(query, str) and document_id(query) not in self.documents:
                raise DocumentRefused(
                    "PERSISTED_DOCUMENT_REQUIRED",
                    "this API runs only its trusted documents: send one's `documentId` "
                    "(GRAPH_API_TRUSTED_DOCUMENTS_ONLY)",
                )
            return body
        wanted = body["documentId"]
        if body.get("query") is not None:
            raise DocumentRefused("BAD_USER_INPUT", "send either `query` or `documentId`, not both")
        if not isinstance(wanted, str) or not _ID.fullmatch(wanted):
            raise DocumentRefused(
                "BAD_USER_INPUT",
                "`documentId` must be `sha256:` followed by 64 lower-case hex digits",
            )
        text = self.documents.get(wanted)
        if text is None:
            raise DocumentRefused(
                "PERSISTED_DOCUMENT_NOT_FOUND",
                f"no trusted document has the id {wanted}: send the document's text as `query`"
                + (" (this API runs only its trusted documents)" if self.only else ""),
            )
        resolved = {key: value for key, value in body.items() if key != "documentId"}
        resolved["query"] = text
        return resolved

    async def declare_plans(
        self, schema: RegisterSchema, database: Database, settings: Settings
    ) -> int:
        """Run each query of the manifest as a rehearsal and declare the statements it would
        send to `database`, to be planned before `/readyz` says ready. Returns how many."""
        if not self.documents:
            return 0
        rehearsal = _Rehearsal()
        for key, text in self.documents.items():
            try:
                runs = _rehearsals(text, schema._schema)
            except GraphQLError as error:
                log.warning("trusted document %s is not a document: %s", key, error.message)
                continue
            for operation, variables in runs:
                context = RequestContext(
                    request=Request({"type": "http", "headers": [], "state": {}}),
                    database=rehearsal,  # type: ignore[arg-type]
                    settings=settings,
                    request_id="rehearsal",
                    principal_or_error=_REHEARSER,
                    disclosure=_NothingSeen(),
                )
                await schema.execute(
                    text,
                    variable_values=variables,
                    context_value=context,
                    operation_name=operation,
                )
        # What requests wait for besides their own statement: the agency list (identifying
        # the caller) and the group commit of audit records (a request of several fields).
        record = audit_record(_REHEARSER, "rehearsal", None, None, Disclosure())
        rehearsal.statements.setdefault(AGENCIES, (AGENCIES, {}, False))
        rehearsal.statements.setdefault(AUDIT_RECORDS, (AUDIT_RECORDS, {"records": [record]}, True))
        for cypher, parameters, writes in rehearsal.statements.values():
            database.plans.declare(cypher, parameters, writes)
        database.plan_ahead()
        log.info(
            "%d trusted documents declare %d statements to plan",
            len(self.documents),
            len(rehearsal.statements),
        )
        return len(rehearsal.statements)


def _load(path: Path) -> dict[str, str]:
    """The manifest at `path`, keyed `sha256:<hex>`; `ManifestError` if it is not one."""
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ManifestError(f"the trusted documents at {path} cannot be read: {error}") from None
    if not isinstance(manifest, dict):
        raise ManifestError(f"the trusted documents at {path} are not a JSON object")
    documents = {}
    for key, text in manifest.items():
        if not isinstance(text, str):
            raise ManifestError(f"trusted document {key} in {path} is not a string")
        wanted = key if key.startswith(PREFIX) else PREFIX + key
        if document_id(text) != wanted:
            raise ManifestError(f"trusted document {key} in {path} is not the SHA-256 of its text")
        documents[wanted] = text
    return documents


#: Who a rehearsal runs as: every role, top clearance, so that every field plans its statement
#: (the principal's agency, clearance and roles reach the statements as parameters).
_REHEARSER = Principal(
    user_id="plan-rehearsal",
    agency="REHEARSAL",
    roles=frozenset(Role),
    clearance=Classification.SECRET,
    purpose="planning the trusted documents' statements",
)


class _NothingSeen(Disclosure):
    """A rehearsal discloses nothing, so it has no audit record to write."""

    def saw(self, root_field: str, value: Any) -> None:
        pass


class Rehearsed(ApiError):
    """A rehearsed read stops where its statement would be sent."""

    code = "REHEARSED"


class _Rehearsal:
    """Stands where the database handle stands in a request: keeps each statement it is given
    (its text, parameters and whether it writes) and sends nothing."""

    def __init__(self) -> None:
        self.statements: dict[str, tuple[str, dict[str, Any], bool]] = {}

    async def read(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> Any:
        self._keep(cypher, parameters, writes=False)

    async def write(self, cypher: str, parameters: Mapping[str, Any] | None = None) -> Any:
        self._keep(cypher, parameters, writes=True)

    def _keep(self, cypher: str, parameters: Mapping[str, Any] | None, writes: bool) -> None:
        self.statements.setdefault(cypher, (cypher, dict(parameters or {}), writes))
        raise Rehearsed("rehearsed")


def _rehearsals(text: str, schema: GraphQLSchema) -> list[tuple[str | None, dict[str, Any]]]:
    """The runs that rehearse `text`'s queries, each with sample variables. Where a query has
    Boolean variables (`@include(if:)` switches, which change its statement), one run with each
    alone true (the explorer's profile pages one list at a time), then one with all of them true
    (its network draws every kind of link)."""
    runs: list[tuple[str | None, dict[str, Any]]] = []
    for definition in parse(text).definitions:
        if not isinstance(definition, OperationDefinitionNode):
            continue
        if definition.operation is not OperationType.QUERY:
            continue
        name = definition.name.value if definition.name else None
        variables: dict[str, Any] = {}
        switches = []
        for variable in definition.variable_definitions or ():
            kind = type_from_ast(schema, variable.type)
            if kind is None or not isinstance(kind, GraphQLNonNull):
                continue
            if get_named_type(kind).name == "Boolean":
                switches.append(variable.variable.name.value)
            value = _sample(kind)
            if value is not _NONE:
                variables[variable.variable.name.value] = value
        off = dict.fromkeys(switches, False)
        settings = [{**off, switch: True} for switch in switches] + [dict.fromkeys(switches, True)]
        runs += [(name, {**variables, **setting}) for setting in settings]
    return runs


_NONE = object()
AUDIT_RECORDS = cypher_query("audit_records")
AGENCIES = cypher_query("agencies")


def _sample(kind: GraphQLInputType) -> Any:
    """A value of `kind` for a rehearsal: the statement's text depends on which arguments are
    given, not on their values (values are parameters); the plan also on the size class of each
    string or list (1, 2-10, 11-100, ...: `graph_api/db/_database.py`, `_sample`), so strings
    are sized as real ones are."""
    if isinstance(kind, GraphQLNonNull):
        kind = kind.of_type
    if isinstance(kind, GraphQLList):
        return []
    if isinstance(kind, GraphQLEnumType):
        return next(iter(kind.values))
    if isinstance(kind, GraphQLInputObjectType):
        fields = {}
        for name, input_field in kind.fields.items():
            if isinstance(input_field.type, GraphQLNonNull):
                value = _sample(input_field.type)
                if value is _NONE:
                    return _NONE
                fields[name] = value
        return fields
    if isinstance(kind, GraphQLScalarType):
        return _SCALARS.get(kind.name, _NONE)
    return _NONE


_SCALARS: dict[str, Any] = {
    "Int": 1,
    "Float": 1.0,
    "String": "AB1",  # a plate pattern (`vrm`) with a literal prefix, as most are; a name too
    "ID": "off_0000000",  # an id's length: Neo4j plans by the size class of a string
    "Boolean": False,
    "Date": dt.date(2000, 1, 1).isoformat(),
    "DateTime": dt.datetime(2000, 1, 1, tzinfo=dt.UTC).isoformat(),
}
