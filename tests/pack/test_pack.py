"""The MAPPA meeting pack (issue 14, docs/design.md §12): `GET /mappa/{id}/pack.pdf` and
`.../pack.html` render the one pack query, under the reader's own policy, as a marked,
printable document, audited as a disclosure. The PDF's text (pdftotext) carries what the reader
may see and nothing the policy oracle says it may not; its first page renders (pdftoppm)."""

from __future__ import annotations

import ast
import datetime as dt
import html
import re
import shutil
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from PIL import Image
from policy_oracle import RANK, PolicyOracle, RawGraph, Viewer

import graph_api.pack
from graph_api.domain import Classification, Role
from graph_api.pack import highest_classification

if TYPE_CHECKING:
    from collections.abc import Callable

    import httpx
    import neo4j

MARKING = {"OFFICIAL": "OFFICIAL", "OFFICIAL_SENSITIVE": "OFFICIAL-SENSITIVE", "SECRET": "SECRET"}
_DATE = re.compile(r"\d{4}-\d\d-\d\d")


@pytest.fixture(scope="module")
def raw_graph(driver: neo4j.Driver, database: str, tiny_graph: dict[str, Any]) -> RawGraph:
    del tiny_graph
    return RawGraph.load(driver, database)


def _busiest(graph: RawGraph) -> str:
    """The level 2-3 offender with meetings and the most links: a busy network."""
    meetings = {link.end for link in graph.links if link.type == "REVIEWS"}
    candidates = [o.id for o in graph.of_kind("Offender") if o.id in meetings]
    return max(candidates, key=lambda o: (len(graph.incident[o]), o))


def _official_share(graph: RawGraph) -> tuple[str, str]:
    """(offender, agency) with a current OFFICIAL READ share and SECRET or OS facts to hide."""
    today = dt.date.today()
    for link in sorted(graph.links, key=lambda x: (x.start, x.end)):
        if (
            link.type == "SHARED_WITH"
            and link.props["ceiling"] == "OFFICIAL"
            and link.valid_on(today)
            and any(x.rank > 1 for x in graph.incident[link.start] if "classification" in x.props)
        ):
            agency = graph.agency_code(link.end)
            others = [
                s for s in graph.shares(link.start)
                if graph.agency_code(s.end) == agency and s.valid_on(today) and s.props["ceiling"] != "OFFICIAL"
            ]  # fmt: skip
            if not others and graph.nodes[link.start].props["managingAgency"] != agency:
                return link.start, agency
    raise AssertionError("the tiny dataset has no OFFICIAL share")


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} (poppler-utils) is needed: .ci/run installs it"
    return found


def _pdf_text(pdf: bytes, tmp_path: Path) -> str:
    path = tmp_path / "pack.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(  # noqa: S603 - a fixed tool on our own file
        [_tool("pdftotext"), "-raw", str(path), "-"], capture_output=True, check=True, text=True
    )
    return " ".join(out.stdout.split())


async def _get(
    client: httpx.AsyncClient, path: str, token: str | None, purpose: str | None = "MAPPA meeting"
) -> httpx.Response:
    headers = {}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if purpose:
        headers["X-Purpose"] = purpose
    return await client.get(path, headers=headers)


async def _pack_answer(graphql: Callable[..., Any], offender_id: str, token: str) -> Any:
    """The pack query as any client asks it, through /graphql."""
    query = graph_api.pack.document("MappaPack")
    body = await graphql(
        query, {"id": offender_id, "today": dt.date.today().isoformat()}, token=token
    )
    assert "errors" not in body, body
    return body["data"]["offender"]


def _leaks(oracle: PolicyOracle, text: str) -> list[str]:
    forbidden = oracle.forbidden
    # Whole values: a lone surname may be a street's name or part of a visible alias.
    values = [
        v for v in forbidden["value"]
        if len(v) >= 6 and not _DATE.fullmatch(v) and (" " in v or any(c.isdigit() for c in v))
    ]  # fmt: skip
    found = [
        f"{v} in …{text[max(0, text.index(v) - 60) : text.index(v) + 40]}…"
        for v in values
        if v in text
    ]
    found += [t for t in forbidden["text"] if " ".join(t.split()) in text]
    found += [i for i in forbidden["id"] if i in text]
    return found


async def test_the_managing_agency_gets_the_whole_pack_marked_and_audited(
    client: httpx.AsyncClient,
    graphql: Callable[..., Any],
    mint: Callable[..., str],
    raw_graph: RawGraph,
    driver: neo4j.Driver,
    tmp_path: Path,
) -> None:
    offender_id = _busiest(raw_graph)
    offender = raw_graph.nodes[offender_id].props
    agency = offender["managingAgency"]
    token = mint(agency, roles=(Role.MAPPA_COORDINATOR,), purpose="MAPPA meeting", user="chair")
    response = await _get(client, f"/mappa/{offender_id}/pack.pdf", token)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "private, no-store"
    text = _pdf_text(response.content, tmp_path)
    answer = await _pack_answer(graphql, offender_id, token)
    marking = MARKING[highest_classification(answer)]
    assert text.startswith(marking) or f" {marking} " in f" {text} "
    for expected in (
        "MAPPA meeting pack", offender["pncId"], offender["surname"], "Risk and its history",
        "Index offence and convictions", "Custody and release", "Licence conditions",
        "Notification requirements", "Current address and co-residents", "Associates and their risk",
        "Vehicles", "Recent intelligence (graded 3x5x2)", "MAPPA meetings and decisions",
        "Open actions", "Who holds what", "Shares (who was given what)",
    ):  # fmt: skip
        assert expected in text, expected
    for edge in answer["intelligence"]["edges"][:3]:
        grading = edge["intelligence"]
        assert f"{grading['source']}{grading['information']}{grading['handling']}" in text
    for edge in answer["mappaMeetings"]["edges"]:
        assert edge["meeting"]["heldOn"] in text
    # The audit reference on the cover is the request's id, and its record names the offender.
    reference = response.headers["x-request-id"]
    assert f"Audit reference {reference}" in text
    records, _, _ = driver.execute_query(
        "MATCH (a:AuditRecord {requestId: $r})-[c:CONCERNS]->(o:Offender) "
        "RETURN a.operation AS operation, a.purpose AS purpose, o.id AS offender, c.disclosure AS d",
        r=reference,
    )
    named = {r["offender"]: (r["operation"], r["purpose"], r["d"]) for r in records}
    # The pack's offender in full; its associates and co-residents are named too.
    assert named[offender_id] == ("MappaPackPdf", "MAPPA meeting", "FULL")
    # A page renders: A4 portrait, with ink on it.
    (tmp_path / "pack.pdf").write_bytes(response.content)
    subprocess.run(  # noqa: S603
        [_tool("pdftoppm"), "-r", "50", "-f", "2", "-l", "2", "-png", str(tmp_path / "pack.pdf"),
         str(tmp_path / "page")],
        check=True,
    )  # fmt: skip
    [png] = sorted(tmp_path.glob("page*.png"))
    with Image.open(png) as page:
        width, height = page.size
        assert 1.38 < height / width < 1.44  # A4
        dark = sum(1 for value in page.convert("L").tobytes() if value < 128)
        assert dark > width * height / 200


async def test_a_partner_sees_only_its_share(
    client: httpx.AsyncClient, mint: Callable[..., str], raw_graph: RawGraph, tmp_path: Path
) -> None:
    offender_id, agency = _official_share(raw_graph)
    oracle = PolicyOracle(raw_graph, Viewer(agency, Classification.SECRET))
    token = mint(agency, roles=(Role.ANALYST,), purpose="MAPPA meeting")
    response = await _get(client, f"/mappa/{offender_id}/pack.pdf", token)
    assert response.status_code == 200, response.text
    text = _pdf_text(response.content, tmp_path)
    assert "Protective marking: OFFICIAL (the highest" in text  # the share's ceiling caps it
    assert "OFFICIAL-SENSITIVE" not in text
    assert "Shown to the managing agency only" in text
    assert _leaks(oracle, text) == []
    # The HTML view says the same: checked on its exact text too.
    page = await _get(client, f"/mappa/{offender_id}/pack.html", token)
    assert page.status_code == 200
    plain = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page.text)).split())
    assert _leaks(oracle, plain) == []
    assert any(RANK[s.props["ceiling"]] == 1 for s in raw_graph.shares(offender_id))


async def test_the_html_view_loads_nothing_and_runs_nothing(
    client: httpx.AsyncClient, mint: Callable[..., str], raw_graph: RawGraph
) -> None:
    offender_id = _busiest(raw_graph)
    agency = raw_graph.nodes[offender_id].props["managingAgency"]
    response = await _get(client, f"/mappa/{offender_id}/pack.html", mint(agency))
    assert response.status_code == 200
    policy = response.headers["content-security-policy"]
    assert policy.startswith("default-src 'none'; style-src 'sha256-")
    assert "unsafe" not in policy
    assert "img-src data:" in policy
    assert "<script" not in response.text
    assert not re.search(r"(src|href)=\"https?:", response.text)


@pytest.mark.parametrize(
    ("who", "status", "code"),
    [
        ("nobody", 401, "UNAUTHENTICATED"),
        ("no purpose", 400, "BAD_USER_INPUT"),
        ("outsider", 404, "NOT_FOUND"),
    ],
)
async def test_refusals(
    client: httpx.AsyncClient,
    mint: Callable[..., str],
    raw_graph: RawGraph,
    who: str,
    status: int,
    code: str,
) -> None:
    offender_id = _busiest(raw_graph)
    manager = raw_graph.nodes[offender_id].props["managingAgency"]
    outsider = next(
        a.props["code"]
        for a in raw_graph.of_kind("Agency")
        if a.props["code"] != manager
        and not PolicyOracle(raw_graph, Viewer(str(a.props["code"]))).in_scope(offender_id)
    )
    token = {"nobody": None, "no purpose": mint(manager, purpose=None), "outsider": mint(outsider)}
    response = await _get(
        client,
        f"/mappa/{offender_id}/pack.pdf",
        token[who],
        purpose=None if who == "no purpose" else "x",
    )
    assert (response.status_code, response.json()["code"]) == (status, code)


def _runtime_imports(tree: ast.Module) -> set[str]:
    """Modules imported when the code runs (not those only named for types)."""
    found: set[str] = set()
    for node in ast.walk(tree):
        typing_only = isinstance(node, ast.If) and isinstance(node.test, ast.Name)
        if typing_only and node.test.id == "TYPE_CHECKING":  # type: ignore[attr-defined]
            node.body = []  # type: ignore[attr-defined]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add(node.module or "")
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_the_pack_is_a_client_of_the_schema() -> None:
    """docs/design.md §2: one query through the schema, then rendering; no private data path."""
    package = Path(graph_api.pack.__file__).parent
    for source in package.glob("*.py"):
        imported = _runtime_imports(ast.parse(source.read_text()))
        private = ("graph_api.db", "graph_api.planner", "graph_api.cypher_files", "neo4j")
        assert not {m for m in imported if m.startswith(private)}, source
