"""The Query root: each root field plans one Cypher statement, runs it, and shapes its records."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from graphql import FieldNode
from strawberry.types import Info

from graph_api import audit, cypher_files, marks
from graph_api.photo_urls import sign_photo_paths
from graph_api.planner import access_requests, analysis, gallery, identify, roots
from graph_api.planner.projection import DEFAULT_PAGE, PHOTO_PATH_MARK
from graph_api.planner.selection import by_response_key, root_selection
from graph_api.schema.alerts import AlertQueries
from graph_api.schema.context import RequestContext
from graph_api.schema.enums import AccessRequestState, Gender, LinkType, MarkType, Side
from graph_api.schema.links import Node
from graph_api.schema.mappa import MappaQueries
from graph_api.schema.reference import Agency, Me
from graph_api.schema.types import (
    AccessRequest,
    AddressConnection,
    AuditRecordConnection,
    IdentifyCandidate,
    LinkedPerson,
    MarkClue,
    MarkHitConnection,
    MarkVocabulary,
    NearbyOffender,
    Network,
    Offender,
    OffenderConnection,
    OffenderFilter,
    OffenderOrder,
    Path,
    PhotoHit,
    PlaceClue,
    SearchHitConnection,
    VehicleClue,
    VehicleConnection,
)

if TYPE_CHECKING:
    from graph_api.planner.roots import Plan

Context = Info[RequestContext, None]

First = Annotated[int, strawberry.argument(description="Page size, 1 to 100.")]
After = Annotated[
    str | None, strawberry.argument(description="`pageInfo.endCursor` of the page before.")
]
_READS = "Reads offender data: needs a purpose. Any role; results follow the agency scope."


async def _answer(info: Context, plan: Plan | None) -> Any:
    """Run the planned statement (one database round trip) and shape its records."""
    context = info.context
    if plan is None:
        context.disclosure.saw(info.field_name, None)
        return None
    principal = context.principal()
    # The read may write the request's audit record itself when it is the request's only field.
    root_fields = info.operation.selection_set.selections
    alone = len(root_fields) == 1 and isinstance(root_fields[0], FieldNode)
    own_record = alone and context.settings.graph_api_audit_enabled

    def record() -> dict[str, Any]:
        operation = info.operation.name.value if info.operation.name else None
        return audit.audit_record(
            principal,
            context.request_id,
            operation,
            context.document,
            audit.Disclosure([info.field_name]),
            context.correlation_id,
        )

    async with context.statement_slot:
        records, recorded = await audit.read_with_record(
            context.database,
            plan,
            record if own_record else None,
            context.settings.graph_api_audit_in_read,
        )
    value = plan.shape(records)
    if PHOTO_PATH_MARK in plan.cypher:  # photo URLs were selected: sign them for this user
        sign_photo_paths(context.settings, principal, value)
    context.disclosure.saw(info.field_name, value)
    context.disclosure.recorded = recorded
    return value


@strawberry.type
class Query(MappaQueries, AlertQueries):
    @strawberry.field(description="Who is asking. Any authenticated principal.")
    def me(self, info: Context) -> Me:
        principal = info.context.principal()
        me = {
            "userId": principal.user_id,
            "agency": principal.agency,
            "roles": sorted(role.value for role in principal.roles),
            "clearance": principal.clearance.value,
            "purpose": principal.purpose,
        }
        # A planned-style map (schema/planned.py), keyed as the client asked.
        return by_response_key(me, root_selection(info._raw_info))  # type: ignore[no-any-return]

    @strawberry.field(description="Every agency, ordered by code. Any authenticated principal.")
    async def agencies(self, info: Context) -> list[Agency]:
        info.context.principal()
        records = await info.context.database.read(cypher_files.query("agencies"))
        selection = root_selection(info._raw_info)
        return [by_response_key(record["agency"], selection) for record in records]

    @strawberry.field(description="An offender in scope, or null. " + _READS)
    async def offender(self, info: Context, id: strawberry.ID) -> Offender | None:
        principal = info.context.principal_with_purpose()
        plan = roots.plan_offender(root_selection(info._raw_info), principal, id)
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(description="Offenders in scope, filtered and ordered. " + _READS)
    async def offenders(
        self,
        info: Context,
        filter: OffenderFilter | None = None,
        order_by: OffenderOrder = OffenderOrder.SURNAME,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> OffenderConnection:
        principal = info.context.principal_with_purpose()
        selection = root_selection(info._raw_info)
        plan = roots.plan_offenders(
            selection, principal, selection.args.get("filter"), order_by.value, first, after
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Offenders by name or alias, fuzzy and phonetic, best match first. "
        "Out-of-scope matches appear as RestrictedNominal for NATIONAL_SEARCH only. " + _READS
    )
    async def search_offenders(
        self,
        info: Context,
        name: str,
        dob_from: dt.date | None = None,
        dob_to: dt.date | None = None,
        gender: Gender | None = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> SearchHitConnection:
        principal = info.context.principal_with_purpose()
        plan = roots.plan_search_offenders(
            root_selection(info._raw_info), principal, name, dob_from, dob_to, gender, first, after
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Marks by type, body part, side and free text, best match first. `bodyPart` "
        "takes the words of `markVocabulary` (a part finds its narrower parts: 'arm' finds "
        "'forearm'; plurals, synonyms and a side word are understood: 'left lower arms'); `text` "
        "matches descriptions by stem, synonym and one typo ('serpent' and 'snak' find 'snake'). "
        "Bearers in scope in full; with NATIONAL_SEARCH also out-of-scope bearers of OFFICIAL "
        "marks, as RestrictedNominal with their card. " + _READS
    )
    async def search_marks(
        self,
        info: Context,
        type: MarkType | None = None,
        body_part: str | None = None,
        side: Side | None = None,
        text: str | None = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> MarkHitConnection:
        principal = info.context.principal_with_purpose()
        filters = {"type": type, "bodyPart": body_part, "side": side, "text": text}
        plan = roots.plan_search_marks(
            root_selection(info._raw_info), principal, filters, first, after
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Vehicles by registration pattern (`?` is one unknown character, `*` any "
        "run; spaces and case are ignored) and/or make, model and colour (case ignored); at "
        "least one. Vehicles linked to an offender in scope; with NATIONAL_SEARCH also those on "
        "an out-of-scope offender's card (OFFICIAL links), without onward links. " + _READS
    )
    async def vehicles(
        self,
        info: Context,
        vrm: str | None = None,
        make: str | None = None,
        model: str | None = None,
        colour: str | None = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> VehicleConnection:
        principal = info.context.principal_with_purpose()
        plan = roots.plan_vehicles(
            root_selection(info._raw_info), principal, vrm, first, after, make, model, colour
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A witness enquiry: candidates ranked by how many clues they match, each "
        "with the reasons. Clues: `name` fragments, `marks`, a `vehicle`, a `place`; `gender` and "
        "an age range (`ageFrom`-`ageTo` on `on`, default today) narrow them. In-scope offenders "
        "in full; with NATIONAL_SEARCH also out-of-scope ones matched on what their card shows "
        "(names, OFFICIAL marks and vehicles; never a place), as RestrictedNominal. " + _READS
    )
    async def identify(
        self,
        info: Context,
        gender: Gender | None = None,
        age_from: int | None = None,
        age_to: int | None = None,
        on: dt.date | None = None,
        name: str | None = None,
        marks: list[MarkClue] | None = None,
        vehicle: VehicleClue | None = None,
        place: PlaceClue | None = None,
        first: First = DEFAULT_PAGE,
    ) -> list[IdentifyCandidate]:
        principal = info.context.principal_with_purpose()
        selection = root_selection(info._raw_info)
        args = selection.args
        enquiry = identify.Enquiry(
            gender=gender.value if gender else None,
            age_from=age_from,
            age_to=age_to,
            on=on,
            name=name,
            marks=tuple(args.get("marks") or ()),
            vehicle=args.get("vehicle"),
            place=args.get("place"),
        )
        plan = identify.plan_identify(selection, principal, enquiry, first)
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A gallery: photographs of the marks matching `type`, `bodyPart`, `side` and "
        "`text` (as in `searchMarks`), and of their bearers' faces unless `faces` is false, best "
        "match first. Only photographs the principal may see: within an in-scope bearer's "
        "ceiling; with NATIONAL_SEARCH, an out-of-scope bearer's OFFICIAL ones. " + _READS
    )
    async def search_photos(
        self,
        info: Context,
        type: MarkType | None = None,
        body_part: str | None = None,
        side: Side | None = None,
        text: str | None = None,
        faces: bool = True,
        first: First = DEFAULT_PAGE,
    ) -> list[PhotoHit]:
        principal = info.context.principal_with_purpose()
        filters = {"type": type, "bodyPart": body_part, "side": side, "text": text}
        plan = gallery.plan_search_photos(
            root_selection(info._raw_info), principal, filters, faces, first
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="Access requests your agency made, and those made to it for offenders it "
        "manages, newest first; only those in `state` when given (rule 8). " + _READS
    )
    async def access_requests(
        self, info: Context, state: AccessRequestState | None = None, first: First = DEFAULT_PAGE
    ) -> list[AccessRequest]:
        principal = info.context.principal_with_purpose()
        plan = access_requests.plan_access_requests(
            root_selection(info._raw_info), principal, state.value if state else None, first
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The words mark searches understand: mark types, sides, body parts with "
        "their narrower parts and synonyms, and description synonyms. Any authenticated "
        "principal."
    )
    def mark_vocabulary(self, info: Context) -> MarkVocabulary:
        info.context.principal()
        vocabulary = {
            "types": [kind.value for kind in MarkType],
            "sides": [side.value for side in Side],
            "bodyParts": [
                {
                    "name": part.name,
                    "sided": part.sided,
                    "parts": list(part.parts),
                    "synonyms": list(part.synonyms),
                }
                for part in marks.BODY_PARTS
            ],
            "synonyms": [list(group) for group in marks.SYNONYMS],
        }
        # A planned-style map (schema/planned.py), keyed as the client asked.
        return by_response_key(vocabulary, root_selection(info._raw_info))  # type: ignore[no-any-return]

    @strawberry.field(
        description="Addresses at a postcode linked to an offender in scope. " + _READS
    )
    async def addresses(
        self, info: Context, postcode: str, first: First = DEFAULT_PAGE, after: After = None
    ) -> AddressConnection:
        principal = info.context.principal_with_purpose()
        plan = roots.plan_addresses(
            root_selection(info._raw_info), principal, postcode, first, after
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="In-scope offenders whose current address is within a radius (at most 50 km), "
        "nearest first. " + _READS
    )
    async def offenders_near(
        self,
        info: Context,
        latitude: float,
        longitude: float,
        radius_metres: float,
        first: First = DEFAULT_PAGE,
    ) -> list[NearbyOffender]:
        principal = info.context.principal_with_purpose()
        plan = roots.plan_offenders_near(
            root_selection(info._raw_info), principal, latitude, longitude, radius_metres, first
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The visible network around an in-scope offender, up to `depth` (1-3) links "
        "away, for drawing. Out-of-scope people appear only as RestrictedNominal stubs. " + _READS
    )
    async def network(
        self,
        info: Context,
        offender_id: strawberry.ID,
        depth: int = 2,
        link_types: list[LinkType] | None = None,
        as_of: dt.date | None = None,
    ) -> Network | None:
        principal = info.context.principal_with_purpose()
        plan = analysis.plan_network(
            root_selection(info._raw_info), principal, offender_id, depth, link_types, as_of
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="A shortest path (at most `maxHops`, 1-6) of links valid on `asOf` (default "
        "today) between two people, visible under one cap: the lowest ceiling of the in-scope "
        "offenders on it. A restricted nominal may end the path, or lie between two in-scope "
        "offenders it is associated with; null when there is no such path. " + _READS
    )
    async def shortest_path(
        self,
        info: Context,
        from_id: strawberry.ID,
        to_id: strawberry.ID,
        max_hops: int = 6,
        link_types: list[LinkType] | None = None,
        as_of: dt.date | None = None,
    ) -> Path | None:
        principal = info.context.principal_with_purpose()
        plan = analysis.plan_shortest_path(
            root_selection(info._raw_info), principal, from_id, to_id, max_hops, link_types,
            as_of or dt.date.today(),
        )  # fmt: skip
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="People associated, on `asOf` (default today), with both in-scope "
        "offenders, where the two associations form a visible path between them (so "
        "`shortestPath` between the two is then at most 2 hops). " + _READS
    )
    async def common_associates(
        self,
        info: Context,
        first_id: strawberry.ID,
        second_id: strawberry.ID,
        as_of: dt.date | None = None,
    ) -> list[LinkedPerson]:
        principal = info.context.principal_with_purpose()
        plan = analysis.plan_common_associates(
            root_selection(info._raw_info), principal, first_id, second_id,
            as_of or dt.date.today(),
        )  # fmt: skip
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(
        description="The audit trail of an offender, newest first, naming only offenders your "
        f"agency has in scope. Requires {' or '.join(sorted(r.value for r in roots.AUDIT_READERS))}"
        ", of the agency that manages the offender; anyone else gets FORBIDDEN. Reading a trail "
        "is itself in that offender's trail."
    )
    async def audit_trail(
        self,
        info: Context,
        offender_id: strawberry.ID,
        since: dt.datetime | None = None,
        until: dt.datetime | None = None,
        first: First = DEFAULT_PAGE,
        after: After = None,
    ) -> AuditRecordConnection:
        principal = info.context.principal_with_purpose()
        plan = roots.plan_audit_trail(
            root_selection(info._raw_info), principal, offender_id, since, until, first, after
        )
        return await _answer(info, plan)  # type: ignore[no-any-return]

    @strawberry.field(description="Any visible node by its id, or null. " + _READS)
    async def node(self, info: Context, id: strawberry.ID) -> Node | None:
        principal = info.context.principal_with_purpose()
        return await _answer(info, roots.plan_node(root_selection(info._raw_info), principal, id))  # type: ignore[no-any-return]
