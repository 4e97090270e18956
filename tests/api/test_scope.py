"""The API answers every root field exactly as the policy oracle reads docs/access-policy.md.

Principals of several kinds are chosen from the tiny dataset itself (a managing agency, a
current OFFICIAL read share, an unrelated agency with and without NATIONAL_SEARCH, a low
clearance, an expired share, a share that has not started, a share capped by clearance), and
each of them asks about the same pool of offenders: the offender and its link lists (with and
without `asOf`), a five-level traversal, `offenders`, `vehicles`, `addresses`,
`searchOffenders` and `node`. Every answer must match the oracle exactly, and no response may
carry an identifying value that belongs only to records the principal may not see.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pytest
from policy_oracle import RANK, PolicyOracle, RawGraph, Seen, Viewer

from graph_api.domain import Classification, Role
from graph_api.marks import resolve_body_part

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    import neo4j

PER_KIND = 10  # focus offenders per principal kind
POOL_SIZE = 48  # every principal asks about these offenders
OWN_EXTRA = 4  # and about a few more of its own in-scope offenders
BATCH = 10  # root fields per request (GraphQL aliases)
TODAY = dt.date.today()
DAYS = {"today": TODAY, "lastYear": TODAY - dt.timedelta(days=365)}
DAYS["longAgo"] = TODAY - dt.timedelta(days=3 * 365)


@dataclass(frozen=True)
class Case:
    """A kind of principal, and the offenders that make it that kind."""

    viewer: Viewer
    focus: tuple[str, ...]


KINDS = (
    "managed",
    "shared_official",
    "unrelated",
    "unrelated_national_search",
    "managed_official_clearance",
    "shared_capped_by_clearance",
    "expired_share",
    "future_share",
)


# --- choosing principals from the data ---------------------------------------------------------


def _share_status(graph: RawGraph, offender_id: str, agency: str) -> set[str]:
    statuses = set()
    for share in graph.shares(offender_id):
        if graph.agency_code(share.end) != agency:
            continue
        if share.valid_on(TODAY):
            statuses.add("current")
        elif share.props["from"] > TODAY:
            statuses.add("future")
        else:
            statuses.add("expired")
    return statuses


def choose_cases(graph: RawGraph) -> dict[str, Case]:
    """One principal of each kind, and its focus offenders, picked from the data."""
    offenders = [o.id for o in graph.of_kind("Offender")]
    manager = {o: str(graph.nodes[o].props["managingAgency"]) for o in offenders}
    by_count = [code for code, _ in sorted(Counter(manager.values()).items(), key=_most)]

    used: set[str] = set(by_count[:3])  # the managing and unrelated agencies, most likely

    def shared(status: str, ceiling: str | None = None, mode: str | None = None) -> Case:
        """The agency holding most shares of a status (and nothing better), a new one if any."""
        holders: dict[str, list[str]] = {}
        for share in (link for link in graph.links if link.type == "SHARED_WITH"):
            agency, oid = graph.agency_code(share.end), share.start
            if manager[oid] == agency or _share_status(graph, oid, agency) != {status}:
                continue
            if ceiling and share.props["ceiling"] != ceiling:
                continue
            if mode and share.props["mode"] != mode:
                continue
            if ceiling and any(  # a second current share would raise the ceiling
                RANK[s.props["ceiling"]] > RANK[ceiling]
                for s in graph.shares(oid)
                if graph.agency_code(s.end) == agency and s.valid_on(TODAY)
            ):
                continue
            holders.setdefault(agency, []).append(oid)
        agency, focus = min(
            holders.items(), key=lambda item: (item[0] in used, -len(item[1]), item[0])
        )
        used.add(agency)
        return Case(Viewer(agency), tuple(sorted(set(focus)))[:PER_KIND])

    def managed(agency: str, clearance: Classification) -> Case:
        focus = tuple(o for o in offenders if manager[o] == agency)[:PER_KIND]
        return Case(Viewer(agency, clearance), focus)

    shared_official = shared("current", "OFFICIAL", "READ")
    capped = shared("current", "SECRET")
    taken = {by_count[0], by_count[1], shared_official.viewer.agency, capped.viewer.agency}
    unrelated_agency = next(code for code in by_count if code not in taken)
    mine = {o for o in offenders if manager[o] == unrelated_agency}
    strangers = [
        o
        for o in offenders
        if manager[o] != unrelated_agency and not _share_status(graph, o, unrelated_agency)
    ]
    # Prefer strangers associated with the agency's own offenders: they show up as stubs.
    linked = {
        link.other(o)
        for o in mine
        for link in graph.fact_links(o, "associates")
        if link.other(o) in strangers
    }
    unrelated_focus = tuple(sorted(linked) + [o for o in strangers if o not in linked])[:PER_KIND]
    national = frozenset({Role.ANALYST, Role.NATIONAL_SEARCH})
    return {
        "managed": managed(by_count[0], Classification.SECRET),
        "shared_official": shared_official,
        "unrelated": Case(Viewer(unrelated_agency), unrelated_focus),
        "unrelated_national_search": Case(
            Viewer(unrelated_agency, roles=national), unrelated_focus
        ),
        "managed_official_clearance": managed(by_count[1], Classification.OFFICIAL),
        "shared_capped_by_clearance": Case(
            Viewer(capped.viewer.agency, Classification.OFFICIAL_SENSITIVE), capped.focus
        ),
        "expired_share": shared("expired"),
        "future_share": shared("future"),
    }


def _most(item: tuple[str, int]) -> tuple[int, str]:
    return -item[1], item[0]


def choose_pool(graph: RawGraph, cases: dict[str, Case]) -> list[str]:
    """The focus offenders of every kind, topped up with their offender associates."""
    pool = sorted({o for case in cases.values() for o in case.focus})
    extra = sorted(
        {
            link.other(o)
            for o in pool
            for link in graph.fact_links(o, "associates")
            if graph.is_offender(link.other(o))
        }
        - set(pool)
    )
    pool += extra[: max(0, POOL_SIZE - len(pool))]
    for offender in graph.of_kind("Offender"):
        if len(pool) >= POOL_SIZE:
            break
        if offender.id not in pool:
            pool.append(offender.id)
    return pool


# --- fixtures -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw_graph(driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any]) -> RawGraph:
    del tiny_graph
    return RawGraph.load(driver, database)


@pytest.fixture(scope="module")
def cases(raw_graph: RawGraph) -> dict[str, Case]:
    return choose_cases(raw_graph)


@pytest.fixture(scope="module")
def pool(raw_graph: RawGraph, cases: dict[str, Case]) -> list[str]:
    return choose_pool(raw_graph, cases)


@dataclass
class Asker:
    """One principal: its oracle, and a way to ask the API that checks every answer for leaks."""

    oracle: PolicyOracle
    offenders: list[str]  # the shared pool, and a few more of the principal's own offenders
    token: str
    graphql: Callable[..., Any]
    problems: list[str]

    async def ask(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.graphql(query, variables, token=self.token)
        assert "errors" not in body, body["errors"]
        variables = variables or {}
        for leak in sorted(set(self.oracle.leaks(body))):
            self.problems.append(f"leak {leak} in a response to {sorted(variables.items())}")
        data: dict[str, Any] = body["data"]
        return data

    def differ(self, what: str, expected: Any, got: Any) -> None:
        if expected != got:
            self.problems.append(f"{what}: expected {expected!r}, got {got!r}")

    def verdict(self) -> None:
        who = self.oracle.viewer.describe()
        assert not self.problems, f"{len(self.problems)} disagreements for {who}:\n" + "\n".join(
            self.problems[:40]
        )


@pytest.fixture
def asker(
    request: pytest.FixtureRequest,
    raw_graph: RawGraph,
    cases: dict[str, Case],
    pool: list[str],
    mint: Callable[..., str],
    graphql: Callable[..., Any],
) -> Asker:
    viewer = cases[request.param].viewer
    token = mint(viewer.agency, roles=tuple(sorted(viewer.roles)), clearance=viewer.clearance)
    oracle = PolicyOracle(raw_graph, viewer, TODAY)
    offenders = pool + sorted(oracle.scope - set(pool))[:OWN_EXTRA]
    return Asker(oracle, offenders, token, graphql, [])


def _batches(items: Sequence[str], size: int = BATCH) -> Iterable[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


# --- GraphQL documents --------------------------------------------------------------------

PERSON = (
    "__typename ... on Offender { id forename surname dob } "
    "... on Associate { id forename surname dob } "
    "... on RestrictedNominal { id managingAgency { code } }"
)
TARGET = {  # link list -> the field of a link that holds the far end, and what to read of it
    "addresses": ("address", "__typename id postcode line1"),
    "associates": ("person", PERSON),
    "vehicles": ("vehicle", "__typename id vrm"),
    "marks": ("mark", "__typename id description"),
    "intelligence": ("intelligence", "__typename id text"),
    "riskAssessments": ("assessment", "__typename id"),
    "residents": ("person", PERSON),
    "users": ("person", PERSON),
    "convictions": ("conviction", "__typename id offenceTitle"),
    "notificationRequirements": ("requirement", "__typename id nextDueOn"),
    "licenceConditions": ("condition", "__typename id text"),
    "custody": ("custody", "__typename id establishment"),
    "mappaMeetings": ("meeting", "__typename id heldOn"),
    "actions": ("action", "__typename id text"),
}
OFFENDER_LISTS = ("addresses", "associates", "vehicles", "marks", "intelligence", "riskAssessments")
#: MAPPA's lists (issue 14), asked in a document of their own (one statement per offender
#: with every list three times over would take the planner too long).
MAPPA_LISTS = (
    "convictions", "notificationRequirements", "licenceConditions", "custody", "mappaMeetings"
)  # fmt: skip


def connection(field: str, alias: str = "", as_of: str = "", inner: str = "") -> str:
    """A link list selection, first: 100; `inner` adds fields to the far end."""
    target, fields = TARGET[field]
    arguments = "first: 100" + (f", asOf: ${as_of}" if as_of else "")
    name = f"{alias}: {field}" if alias else field
    return (
        f"{name}({arguments}) {{ totalCount withheld pageInfo {{ hasNextPage }} "
        f"edges {{ from to classification agency {target} {{ {fields} {inner} }} }} }}"
    )


OFFENDER_FRAGMENT = (
    "fragment Lists on Offender { __typename id forename surname dob managingAgency { code } "
    "photosWithheld "
    + " ".join(connection(field) for field in OFFENDER_LISTS)
    + " "
    + " ".join(
        connection(field, alias=f"{day}_{field}", as_of=day)
        for day in DAYS
        for field in OFFENDER_LISTS
    )
    + " }"
)


def _edge_key(edge: dict[str, Any], target: str) -> tuple[str, str, str, str | None, str, str]:
    """The same view of a link as `Seen.key`, from a response edge."""
    node = edge[target]
    return (
        node.get("id", "?"),
        node["__typename"],
        edge["from"],
        edge["to"],
        edge["classification"],
        edge["agency"],
    )


def check_list(
    asker: Asker, where: str, expected: list[Seen], got: dict[str, Any], field: str
) -> list[tuple[Seen, dict[str, Any]]]:
    """Compare one link list exactly; pair each expected link with the edge that shows it."""
    target = TARGET[field][0]
    edges = sorted(got["edges"], key=lambda e: _edge_key(e, target))
    got_keys = [_edge_key(e, target) for e in edges]
    want_keys = [seen.key() for seen in expected]
    if got_keys != want_keys:
        missing = sorted(set(want_keys) - set(got_keys))
        extra = sorted(set(got_keys) - set(want_keys))
        asker.problems.append(f"{where}.{field}: missing {missing}, unexpected {extra}")
        return []
    asker.differ(f"{where}.{field}.totalCount", len(expected), got["totalCount"])
    asker.differ(f"{where}.{field}.hasNextPage", False, got["pageInfo"]["hasNextPage"])
    for seen, edge in zip(expected, edges, strict=True):
        if seen.typename == "RestrictedNominal":  # says whom to ask
            manager = asker.oracle.graph.nodes[seen.other].props["managingAgency"]
            got_manager = edge[target]["managingAgency"]["code"]
            asker.differ(f"{where}.{field} stub {seen.other} agency", manager, got_manager)
    return list(zip(expected, edges, strict=True))


# --- offender(id) and its link lists ------------------------------------------------------


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_offender_and_its_link_lists(asker: Asker) -> None:
    oracle = asker.oracle
    pool = asker.offenders
    for batch in _batches(pool):
        header = ", ".join(f"$id{i}: ID!" for i in range(len(batch)))
        days = ", ".join(f"${day}: Date" for day in DAYS)
        fields = " ".join(f"o{i}: offender(id: $id{i}) {{ ...Lists }}" for i in range(len(batch)))
        query = f"query({header}, {days}) {{ {fields} }} {OFFENDER_FRAGMENT}"
        variables: dict[str, Any] = {f"id{i}": oid for i, oid in enumerate(batch)}
        variables |= {day: date.isoformat() for day, date in DAYS.items()}
        data = await asker.ask(query, variables)
        for i, oid in enumerate(batch):
            got = data[f"o{i}"]
            expected = oracle.offender(oid)
            if expected is None or got is None:
                asker.differ(f"offender({oid}) is null", expected is None, got is None)
                continue
            props = expected.props
            asker.differ(
                f"offender({oid}) fields",
                (oid, props["forename"], props["surname"], props["managingAgency"]),
                (got["id"], got["forename"], got["surname"], got["managingAgency"]["code"]),
            )
            for field in OFFENDER_LISTS:
                where = f"offender({oid})"
                check_list(asker, where, oracle.link_list(oid, field), got[field], field)
                asker.differ(
                    f"{where}.{field}.withheld", oracle.withheld(oid, field), got[field]["withheld"]
                )
                for day, date in DAYS.items():
                    check_list(
                        asker,
                        f"{where} asOf {date}",
                        oracle.link_list(oid, field, as_of=date),
                        got[f"{day}_{field}"],
                        field,
                    )
                    asker.differ(
                        f"{where}.{field} asOf {date} withheld",
                        oracle.withheld(oid, field, as_of=date),
                        got[f"{day}_{field}"]["withheld"],
                    )
            asker.differ(
                f"{where}.photosWithheld",
                oracle.photos_withheld(oid, oracle.ceiling(oid)),
                got["photosWithheld"],
            )
    asker.verdict()


MAPPA_FRAGMENT = (
    "fragment Mappa on Offender { __typename id "
    + " ".join(connection(field) for field in MAPPA_LISTS if field != "mappaMeetings")
    + " "
    + " ".join(
        connection(field, alias=f"lastYear_{field}", as_of="lastYear") for field in MAPPA_LISTS
    )
    + " "
    + connection("mappaMeetings", inner=connection("actions"))
    + " sharing { factsWithheld shares { agency { code } mode ceiling from to state meetingId } "
    "recordedBy { agency kind count } } }"
)


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_mappa_lists_and_the_sharing_view(asker: Asker) -> None:
    """Issue 14: MAPPA's records are facts under the same rules (lists, `asOf`, `withheld`),
    a meeting's actions keep to the cap it was reached with, and the sharing view is the
    managing agency's alone, counting only what the reader may see."""
    oracle = asker.oracle
    for batch in _batches(asker.offenders):
        header = ", ".join(f"$id{i}: ID!" for i in range(len(batch)))
        fields = " ".join(f"o{i}: offender(id: $id{i}) {{ ...Mappa }}" for i in range(len(batch)))
        query = f"query({header}, $lastYear: Date) {{ {fields} }} {MAPPA_FRAGMENT}"
        variables: dict[str, Any] = {f"id{i}": oid for i, oid in enumerate(batch)}
        variables["lastYear"] = DAYS["lastYear"].isoformat()
        data = await asker.ask(query, variables)
        for i, oid in enumerate(batch):
            got = data[f"o{i}"]
            if oracle.offender(oid) is None or got is None:
                asker.differ(f"offender({oid}) is null", oracle.offender(oid) is None, got is None)
                continue
            where = f"offender({oid})"
            for field in MAPPA_LISTS:
                pairs = check_list(asker, where, oracle.link_list(oid, field), got[field], field)
                asker.differ(
                    f"{where}.{field}.withheld", oracle.withheld(oid, field), got[field]["withheld"]
                )
                check_list(
                    asker, f"{where} asOf lastYear",
                    oracle.link_list(oid, field, as_of=DAYS["lastYear"]),
                    got[f"lastYear_{field}"], field,
                )  # fmt: skip
                if field != "mappaMeetings":
                    continue
                for seen, edge in pairs:
                    at = f"{where}.mappaMeetings[{seen.other}]"
                    actions = edge["meeting"]["actions"]
                    check_list(
                        asker,
                        at,
                        oracle.link_list(seen.other, "actions", cap=seen.cap),
                        actions,
                        "actions",
                    )
                    asker.differ(
                        f"{at}.actions.withheld",
                        oracle.withheld(seen.other, "actions", cap=seen.cap),
                        actions["withheld"],
                    )
            asker.differ(f"{where}.sharing", oracle.sharing(oid), _sharing(got["sharing"]))
    asker.verdict()


def _sharing(got: dict[str, Any] | None) -> Any:
    """The sharing view in the oracle's terms."""
    if got is None:
        return None
    shares = sorted(
        (
            s["agency"]["code"],
            s["mode"],
            s["ceiling"],
            s["from"],
            s["to"],
            s["state"],
            s["meetingId"],
        )
        for s in got["shares"]
    )
    counts = sorted((c["agency"], c["kind"], c["count"]) for c in got["recordedBy"])
    return shares, counts, got["factsWithheld"]


# --- offender -> addresses -> residents -> vehicles -> users ------------------------------

USERS = connection("users")
VEHICLES = connection("vehicles", inner=USERS)
NESTED = (
    "{ id "
    + connection(
        "addresses",
        inner=connection(
            "residents",
            inner=f"... on Offender {{ {VEHICLES} }} ... on Associate {{ {VEHICLES} }}",
        ),
    )
    + " }"
)


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_nested_traversal_to_vehicle_users(asker: Asker) -> None:
    oracle = asker.oracle
    pool = asker.offenders
    for batch in _batches(pool):
        header = ", ".join(f"$id{i}: ID!" for i in range(len(batch)))
        fields = " ".join(f"o{i}: offender(id: $id{i}) {NESTED}" for i in range(len(batch)))
        data = await asker.ask(
            f"query({header}) {{ {fields} }}", {f"id{i}": o for i, o in enumerate(batch)}
        )
        for i, oid in enumerate(batch):
            got = data[f"o{i}"]
            if oracle.offender(oid) is None or got is None:
                asker.differ(f"offender({oid}) is null", oracle.offender(oid) is None, got is None)
                continue
            where = f"offender({oid})"
            for address, edge in check_list(
                asker, where, oracle.link_list(oid, "addresses"), got["addresses"], "addresses"
            ):
                at = f"{where}.addresses[{address.other}]"
                residents = oracle.link_list(address.other, "residents", cap=address.cap)
                got_residents = edge["address"]["residents"]
                asker.differ(
                    f"{at}.residents.withheld",
                    oracle.withheld(address.other, "residents", cap=address.cap),
                    got_residents["withheld"],
                )
                for person, resident in check_list(
                    asker, at, residents, got_residents, "residents"
                ):
                    who = f"{at}.residents[{person.other}]"
                    vehicles = oracle.link_list(person.other, "vehicles", cap=person.cap)
                    got_vehicles = resident["person"].get("vehicles")
                    if got_vehicles is None:
                        asker.differ(f"{who}.vehicles present", True, False)
                        continue
                    asker.differ(
                        f"{who}.vehicles.withheld",
                        oracle.withheld(person.other, "vehicles", cap=person.cap),
                        got_vehicles["withheld"],
                    )
                    for vehicle, used in check_list(asker, who, vehicles, got_vehicles, "vehicles"):
                        users = oracle.link_list(vehicle.other, "users", cap=vehicle.cap)
                        got_users = used["vehicle"]["users"]
                        check_list(asker, f"{who}.[{vehicle.other}]", users, got_users, "users")
                        asker.differ(
                            f"{who}.[{vehicle.other}].users.withheld",
                            oracle.withheld(vehicle.other, "users", cap=vehicle.cap),
                            got_users["withheld"],
                        )
    asker.verdict()


# --- offenders ----------------------------------------------------------------------------

OFFENDERS = (
    "query($first: Int!, $after: String, $filter: OffenderFilter) { offenders(first: $first, "
    "after: $after, "
    "filter: $filter) { pageInfo { hasNextPage endCursor } edges { cursor node { id forename "
    "surname managingAgency { code } } } } }"
)


async def _all_offenders(
    asker: Asker, filter_: dict[str, Any] | None = None, first: int = 100
) -> list[str]:
    """Every page of `offenders`."""
    ids: list[str] = []
    after = None
    for _ in range(50):
        data = await asker.ask(OFFENDERS, {"first": first, "after": after, "filter": filter_})
        page = data["offenders"]
        ids += [edge["node"]["id"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return ids


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_offenders_is_the_scope(asker: Asker, cases: dict[str, Case]) -> None:
    oracle = asker.oracle
    ids = await _all_offenders(asker, first=7)  # several pages: keyset cursors lose nothing
    asker.differ("offenders ids repeat", len(set(ids)), len(ids))
    asker.differ("offenders", sorted(oracle.scope), sorted(set(ids)))
    graph = oracle.graph
    agencies = {oracle.viewer.agency} | {
        str(graph.nodes[o].props["managingAgency"]) for case in cases.values() for o in case.focus
    }
    for agency in sorted(agencies):
        ids = await _all_offenders(asker, {"managingAgency": agency})
        expected = sorted(
            o for o in oracle.scope if graph.nodes[o].props["managingAgency"] == agency
        )
        asker.differ(f"offenders(managingAgency: {agency})", expected, sorted(ids))
    asker.verdict()


# --- vehicles(vrm), addresses(postcode) ---------------------------------------------------


def _reachable(graph: RawGraph, pool: list[str], field: str) -> list[str]:
    """Far ends of `field` links of the pool and of its associates, visible or not."""
    people = set(pool) | {link.other(o) for o in pool for link in graph.fact_links(o, "associates")}
    return sorted({link.other(p) for p in people for link in graph.fact_links(p, field)})


VRM_PATTERN = (
    "query($p: String!, $a: String) { vehicles(vrm: $p, first: 100, after: $a) { "
    "edges { node { id vrm } } pageInfo { hasNextPage endCursor } } }"
)


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_vehicles_by_vrm(asker: Asker) -> None:
    oracle = asker.oracle
    pool = asker.offenders
    graph = oracle.graph
    vehicles = _reachable(graph, pool, "vehicles")
    vrms = sorted({str(graph.nodes[v].props["vrm"]) for v in vehicles})
    body = (
        f"edges {{ node {{ __typename id vrm {USERS} }} nominals {{ {NOMINAL} }} }} "
        "pageInfo { hasNextPage }"
    )
    for batch in _batches(vrms, 25):
        header = ", ".join(f"$v{i}: String!" for i in range(len(batch)))
        fields = " ".join(
            f"v{i}: vehicles(vrm: $v{i}, first: 100) {{ {body} }}" for i in range(len(batch))
        )
        data = await asker.ask(
            f"query({header}) {{ {fields} }}", {f"v{i}": v for i, v in enumerate(batch)}
        )
        for i, vrm in enumerate(batch):
            got = data[f"v{i}"]
            got_ids: list[str] = sorted(edge["node"]["id"] for edge in got["edges"])
            asker.differ(f"vehicles({vrm})", sorted(oracle.vehicles(vrm)), got_ids)
            for edge in got["edges"]:
                vid = edge["node"]["id"]
                if vid in graph.nodes:
                    where = f"vehicles({vrm})[{vid}]"
                    users = edge["node"]["users"]
                    check_list(asker, where, oracle.vehicle_link_list(vid), users, "users")
                    sealed = not oracle.anchored(vid)  # found only through a card
                    withheld = sealed or oracle.withheld(vid, "users")
                    asker.differ(f"{where}.users.withheld", withheld, users["withheld"])
                    nominals = {n["id"]: n["__typename"] for n in edge["nominals"]}
                    asker.differ(f"{where}.nominals", oracle.vehicle_users(vid), nominals)
                    check_cards(asker, where, edge["nominals"])
    # Patterns: `*` for any run, `?` for one character, spaces and case ignored.
    anchored = sorted(str(graph.nodes[v].props["vrm"]) for v in oracle.vehicles("*")) or vrms
    sample = anchored[len(anchored) // 2]
    patterns = [sample[0] + "*", "*" + sample[-2:], "?" + sample[1:], sample.lower()[:3] + " *"]
    for pattern in patterns:
        got_ids = []
        after = None
        for _ in range(5):
            page = (await asker.ask(VRM_PATTERN, {"p": pattern, "a": after}))["vehicles"]
            got_ids += [edge["node"]["id"] for edge in page["edges"]]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        asker.differ(f"vehicles({pattern!r})", sorted(oracle.vehicles(pattern)), sorted(got_ids))
    asker.verdict()


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_addresses_by_postcode(asker: Asker) -> None:
    oracle = asker.oracle
    pool = asker.offenders
    graph = oracle.graph
    addresses = _reachable(graph, pool, "addresses")
    postcodes = sorted({str(graph.nodes[a].props["postcode"]) for a in addresses})
    residents = connection("residents")
    intelligence = connection("intelligence")
    body = (
        f"edges {{ node {{ __typename id postcode line1 {residents} {intelligence} }} }} "
        "pageInfo { hasNextPage }"
    )
    for batch in _batches(postcodes, 25):
        header = ", ".join(f"$p{i}: String!" for i in range(len(batch)))
        fields = " ".join(
            f"p{i}: addresses(postcode: $p{i}, first: 100) {{ {body} }}" for i in range(len(batch))
        )
        data = await asker.ask(
            f"query({header}) {{ {fields} }}", {f"p{i}": p for i, p in enumerate(batch)}
        )
        for i, postcode in enumerate(batch):
            got = data[f"p{i}"]
            got_ids = sorted(edge["node"]["id"] for edge in got["edges"])
            asker.differ(f"addresses({postcode})", sorted(oracle.addresses(postcode)), got_ids)
            for edge in got["edges"]:
                aid = edge["node"]["id"]
                if aid in graph.nodes:
                    check_list(
                        asker,
                        f"addresses({postcode})[{aid}]",
                        oracle.link_list(aid, "residents"),
                        edge["node"]["residents"],
                        "residents",
                    )
                    check_list(
                        asker,
                        f"addresses({postcode})[{aid}]",
                        oracle.link_list(aid, "intelligence"),
                        edge["node"]["intelligence"],
                        "intelligence",
                    )
    asker.verdict()


# --- searchOffenders ----------------------------------------------------------------------

CARD = (
    "card { forename surname aliases dob gender photos { id } "
    "marks { id description photos { id } } "
    "vehicles { id vrm make role } }"
)
NOMINAL = (
    "__typename ... on Offender { id forename surname dob } "
    f"... on RestrictedNominal {{ id managingAgency {{ code publicProtectionContact }} {CARD} }}"
)
HITS = f"edges {{ nominal {{ {NOMINAL} }} }}"


def check_cards(asker: Asker, where: str, nominals: Iterable[dict[str, Any]]) -> None:
    """Every RestrictedNominal shows exactly its card (rule 4), or none without NATIONAL_SEARCH,
    and names the managing agency with its public-protection contact."""
    oracle = asker.oracle
    for nominal in nominals:
        if nominal.get("__typename") != "RestrictedNominal":
            continue
        oid = nominal["id"]
        props = oracle.graph.nodes[oid].props
        agency = nominal["managingAgency"]
        asker.differ(f"{where} stub {oid} agency", props["managingAgency"], agency["code"])
        if "publicProtectionContact" in agency:
            asker.differ(
                f"{where} stub {oid} contact", True, bool(agency["publicProtectionContact"])
            )
        expected = oracle.card(oid)
        got = nominal.get("card")
        if expected is None or got is None:
            asker.differ(f"{where} card of {oid} is null", expected is None, got is None)
            continue
        asker.differ(
            f"{where} card of {oid}",
            (
                expected.forename,
                expected.surname,
                sorted(expected.aliases),
                expected.dob.isoformat() if expected.dob else None,
                expected.gender,
                sorted(expected.photos),
                {m: sorted(p) for m, p in expected.marks.items()},
                sorted(expected.vehicles),
            ),
            (
                got["forename"],
                got["surname"],
                sorted(got["aliases"]),
                got["dob"],
                got["gender"],
                sorted(p["id"] for p in got["photos"]),
                {m["id"]: sorted(p["id"] for p in m["photos"]) for m in got["marks"]},
                sorted(v["id"] for v in got["vehicles"]),
            ),
        )


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_search_offenders_scope(asker: Asker) -> None:
    oracle = asker.oracle
    pool = asker.offenders
    graph = oracle.graph
    for batch in _batches(pool):
        header: list[str] = []
        fields: list[str] = []
        variables: dict[str, str] = {}
        for i, oid in enumerate(batch):
            props = graph.nodes[oid].props
            header += [f"$name{i}: String!", f"$surname{i}: String!", f"$dob{i}: Date!"]
            fields += [  # the exact name and date of birth; the surname alone
                f"exact{i}: searchOffenders(name: $name{i}, dobFrom: $dob{i}, dobTo: $dob{i}, "
                f"first: 100) {{ {HITS} }}",
                f"broad{i}: searchOffenders(name: $surname{i}, first: 100) {{ {HITS} }}",
            ]
            variables |= {
                f"name{i}": f"{props['forename']} {props['surname']}",
                f"surname{i}": str(props["surname"]),
                f"dob{i}": props["dob"].isoformat(),
            }
        data = await asker.ask(f"query({', '.join(header)}) {{ {' '.join(fields)} }}", variables)
        for i, oid in enumerate(batch):
            for search, name in ((f"exact{i}", f"name{i}"), (f"broad{i}", f"surname{i}")):
                where = f"searchOffenders({variables[name]!r})"
                for edge in data[search]["edges"]:
                    nominal = edge["nominal"]
                    allowed = oracle.search_shape(nominal["id"])
                    asker.differ(f"{where} hit {nominal['id']}", allowed, nominal["__typename"])
                check_cards(asker, where, (edge["nominal"] for edge in data[search]["edges"]))
            # The exact name and date of birth find the offender whenever it may be shown.
            shown = {
                e["nominal"]["id"]: e["nominal"]["__typename"] for e in data[f"exact{i}"]["edges"]
            }
            asker.differ(f"exact search for {oid}", oracle.search_shape(oid), shown.get(oid))
    asker.verdict()


# --- searchMarks (national for NATIONAL_SEARCH, rule 5) -------------------------------------

MARK_HITS = (
    "query($type: MarkType, $part: String, $side: Side, $text: String, $after: String) { "
    "searchMarks(type: $type, bodyPart: $part, side: $side, text: $text, first: 100, "
    "after: $after) { pageInfo { hasNextPage endCursor } edges { mark { id description "
    f"photos {{ id }} }} bearer {{ {NOMINAL} }} }} }} }}"
)
#: What the vocabulary makes of "arm" (a body part and its narrower parts).
ARM = ("arm", "upper arm", "elbow", "forearm", "wrist")


async def _mark_hits(asker: Asker, **variables: Any) -> list[dict[str, Any]]:
    edges: list[dict[str, Any]] = []
    after = None
    for _ in range(20):
        page = (await asker.ask(MARK_HITS, {**variables, "after": after}))["searchMarks"]
        edges += page["edges"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    return edges


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_search_marks_scope(asker: Asker) -> None:
    """Exactly the marks whose bearer link the principal may see: in scope within the ceiling,
    or on an out-of-scope bearer's card (OFFICIAL, NATIONAL_SEARCH). A search never hits on
    a link it could not show."""
    oracle = asker.oracle
    searches: list[tuple[str, dict[str, Any], dict[tuple[str, str], str]]] = [
        (kind, {"type": kind}, oracle.mark_hits(kind, None, None))
        for kind in ("TATTOO", "SCAR", "PIERCING", "MARK", "BIRTHMARK", "DEFORMITY")
    ]
    searches.append(("left arms", {"part": "left arms"}, oracle.mark_hits(None, ARM, "LEFT")))
    for where, variables, expected in searches:
        edges = await _mark_hits(asker, **variables)
        got = {(e["mark"]["id"], e["bearer"]["id"]): e["bearer"]["__typename"] for e in edges}
        asker.differ(f"searchMarks({where})", expected, got)
        check_cards(asker, f"searchMarks({where})", (e["bearer"] for e in edges))
    # Words: "serpent" finds the snakes the principal may see, and nothing else.
    allowed = oracle.mark_hits(None, None, None)
    snakes = {
        hit: shown
        for hit, shown in allowed.items()
        if "snake" in str(oracle.graph.nodes[hit[0]].props["description"])
    }
    edges = await _mark_hits(asker, text="serpent")
    got = {(e["mark"]["id"], e["bearer"]["id"]): e["bearer"]["__typename"] for e in edges}
    asker.differ(
        "searchMarks(text: serpent) outside the allowed hits",
        {},
        {hit: shown for hit, shown in got.items() if allowed.get(hit) != shown},
    )
    asker.differ(
        "searchMarks(text: serpent) snakes",
        snakes,
        {hit: shown for hit, shown in got.items() if hit in snakes},
    )
    asker.verdict()


# --- identify (rule 5: a clue matches only what the principal could be shown) -------------------

IDENTIFY = (
    "query($marks: [MarkClue!], $vehicle: VehicleClue, $place: PlaceClue, $gender: Gender, "
    "$ageFrom: Int, $ageTo: Int) { identify(marks: $marks, vehicle: $vehicle, place: $place, "
    "gender: $gender, ageFrom: $ageFrom, ageTo: $ageTo, first: 100) { score reasons "
    f"nominal {{ {NOMINAL} }} }} }}"
)


def covered(body_part: str) -> frozenset[str]:
    """The stored parts a body part covers (the vocabulary is tested in tests/test_marks.py;
    here it only says which marks a clue names)."""
    return resolve_body_part(body_part)[0]


def _born(age_from: int, age_to: int) -> tuple[dt.date, dt.date]:
    """Dates of birth of someone aged age_from to age_to today (as a witness means it)."""

    def years_before(years: int) -> dt.date:
        try:
            return TODAY.replace(year=TODAY.year - years)
        except ValueError:
            return TODAY.replace(year=TODAY.year - years, day=28)

    return years_before(age_to + 1) + dt.timedelta(days=1), years_before(age_from)


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_identify_scope(asker: Asker) -> None:
    """Clues taken from the pool's own marks, plates and addresses, whatever their
    classification: the candidates are exactly those the oracle says a clue may reach."""
    oracle = asker.oracle
    graph = oracle.graph
    enquiries: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for oid in asker.offenders[:: max(1, len(asker.offenders) // 8)]:
        props = graph.nodes[oid].props
        gender = str(props["gender"])
        for link in graph.fact_links(oid, "marks")[:1]:
            mark = graph.nodes[link.end].props
            clue = {"type": mark["type"], "bodyPart": mark["bodyPart"], "side": mark["side"]}
            enquiries.append(
                ({"marks": [clue], "gender": gender},
                 {"marks": [(mark["type"], covered(mark["bodyPart"]), mark["side"])],
                  "gender": gender})
            )  # fmt: skip
        for link in graph.fact_links(oid, "vehicles")[:1]:
            vrm = str(graph.nodes[link.end].props["vrm"])
            enquiries.append(
                ({"vehicle": {"vrm": vrm[:-1] + "?"}, "ageFrom": 18, "ageTo": 60},
                 {"vrm": vrm[:-1] + "?", "born": _born(18, 60)})
            )  # fmt: skip
        for link in graph.fact_links(oid, "addresses")[:1]:
            postcode = str(graph.nodes[link.end].props["postcode"])
            enquiries.append(({"place": {"postcode": postcode}}, {"postcode": postcode}))
    assert enquiries
    for variables, clues in enquiries:
        data = await asker.ask(IDENTIFY, variables)
        candidates = data["identify"]
        got = {c["nominal"]["id"]: c["nominal"]["__typename"] for c in candidates}
        asker.differ(f"identify({variables})", oracle.identify(**clues), got)
        asker.differ(f"identify({variables}) reasons", True, all(c["reasons"] for c in candidates))
        scores = [c["score"] for c in candidates]
        asker.differ(f"identify({variables}) ranked", sorted(scores, reverse=True), scores)
        check_cards(asker, f"identify({variables})", (c["nominal"] for c in candidates))
    asker.verdict()


# --- node(id) -----------------------------------------------------------------------------

NODE = (
    "__typename id ... on Offender { forename surname } ... on Associate { forename surname } "
    "... on Address { postcode } ... on Vehicle { vrm } ... on Mark { description } "
    f"... on Intelligence {{ text }} ... on RestrictedNominal {{ managingAgency {{ code }} {CARD} }}"
)


@pytest.mark.parametrize("asker", KINDS, indirect=True)
async def test_node_by_id(asker: Asker) -> None:
    oracle = asker.oracle
    pool = asker.offenders
    graph = oracle.graph
    ids = set(pool)
    for oid in pool:
        for field in OFFENDER_LISTS:
            ids |= {link.other(oid) for link in graph.fact_links(oid, field)}
    ids |= {"off_9999999", "adr_9999999", "agy_met", "nonsense"}
    for batch in _batches(sorted(ids), 25):
        header = ", ".join(f"$n{i}: ID!" for i in range(len(batch)))
        fields = " ".join(f"n{i}: node(id: $n{i}) {{ {NODE} }}" for i in range(len(batch)))
        data = await asker.ask(
            f"query({header}) {{ {fields} }}", {f"n{i}": n for i, n in enumerate(batch)}
        )
        for i, node_id in enumerate(batch):
            got = data[f"n{i}"]
            expected = oracle.node(node_id)
            asker.differ(f"node({node_id})", expected, got and got["__typename"])
            if got is not None:
                asker.differ(f"node({node_id}).id", node_id, got["id"])
                check_cards(asker, f"node({node_id})", [got])
    asker.verdict()


async def test_node_returns_anchored_intelligence(
    raw_graph: RawGraph,
    cases: dict[str, Case],
    mint: Callable[..., str],
    graphql: Callable[..., Any],
) -> None:
    problems = []
    for kind, case in cases.items():
        viewer = case.viewer
        oracle = PolicyOracle(raw_graph, viewer, TODAY)
        anchored = [i.id for i in raw_graph.of_kind("Intelligence") if oracle.anchored(i.id)]
        token = mint(viewer.agency, roles=tuple(sorted(viewer.roles)), clearance=viewer.clearance)
        for node_id in anchored[:5]:
            body = await graphql(
                "query($id: ID!) { node(id: $id) { __typename id } }", {"id": node_id}, token
            )
            got = body["data"]["node"]
            if got is None or got["__typename"] != "Intelligence":
                problems.append(f"{kind} {viewer.describe()}: node({node_id}) = {got}")
    assert not problems, "\n".join(problems)


# --- the oracle's own checks ----------------------------------------------------------------


def test_leak_check_notices_hidden_values(raw_graph: RawGraph, cases: dict[str, Case]) -> None:
    oracle = PolicyOracle(raw_graph, cases["unrelated"].viewer, TODAY)
    full, stubs = oracle.universe
    hidden = next(o for o in raw_graph.of_kind("Offender") if o.id not in full | stubs)
    note = next(
        i for i in raw_graph.of_kind("Intelligence") if i.props["text"] in oracle.forbidden["text"]
    )
    assert oracle.leaks({"data": {"x": {"pncId": hidden.props["pncId"]}}})
    assert oracle.leaks({"data": {"x": {"id": hidden.id}}})
    assert oracle.leaks({"errors": [{"message": f"not allowed: {note.props['text']}"}]})
    visible = next(iter(oracle.scope))
    assert not oracle.leaks({"data": {"x": {"pncId": raw_graph.nodes[visible].props["pncId"]}}})


# --- the principals really are of their kinds ---------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_principal_kinds_come_from_the_data(
    kind: str, raw_graph: RawGraph, cases: dict[str, Case], pool: list[str]
) -> None:
    case = cases[kind]
    oracle = PolicyOracle(raw_graph, case.viewer, TODAY)
    assert case.focus, kind
    assert len(pool) >= POOL_SIZE
    ceilings = {oracle.ceiling(o) for o in case.focus}
    expected = {
        "managed": {3},
        "shared_official": {1},
        "unrelated": {0},
        "unrelated_national_search": {0},
        "managed_official_clearance": {1},
        "shared_capped_by_clearance": {2},
        "expired_share": {0},
        "future_share": {0},
    }[kind]
    assert ceilings == expected, (kind, case)
