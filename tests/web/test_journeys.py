"""The explorer's journeys in a real Chromium (docs/design.md §10): each asserts on what the page
shows, runs axe-core on it, and saves screenshots to tests/web/artefacts/."""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from PIL import Image

from graph_api.domain import Classification, Role

if TYPE_CHECKING:
    from collections.abc import Callable

    from .conftest import Watched
    from .identity_provider import IdentityProvider

pytest.importorskip("playwright")
from playwright.sync_api import expect

# The machine is shared and a statement's first run includes Neo4j planning it: be patient.
expect.set_options(timeout=20_000)

PURPOSE = "Browser journey test"


# --- the API, as a plain client, to choose inputs from the tiny dataset -----------------------


def demo_users(url: str) -> list[dict[str, Any]]:
    users: list[dict[str, Any]] = httpx.get(f"{url}/dev/users").json()["users"]
    return users


def ask(url: str, token: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = httpx.post(
        f"{url}/graphql",
        json={"query": query, "variables": variables or {}},
        headers={"Authorization": f"Bearer {token}", "X-Purpose": PURPOSE},
        timeout=30,
    )
    body = response.json()
    assert "errors" not in body, body
    return body["data"]


OFFENDERS = """{ offenders(first: 100) { edges { node {
  id forename surname
  vehicles(first: 1) { edges { vehicle { vrm } } }
  addresses(first: 5) { edges { address { id line1 postcode residents(first: 10) { edges { person {
    __typename ... on Offender { id forename surname } ... on Associate { id forename surname } } } } } } }
} } } }"""


def analyst(
    url: str, mint: Callable[..., str], profile: str = "analyst"
) -> tuple[dict[str, Any], str]:
    """The first demo user of this profile, and a token for the same principal."""
    user = next(u for u in demo_users(url) if u["user_id"].startswith(f"{profile}."))
    token = mint(
        user["agency"],
        roles=tuple(Role(role) for role in user["roles"]),
        clearance=Classification(user["clearance"]),
        user=user["user_id"],
    )
    return user, token


def sign_in(seen: Watched, user_id: str, *, check: bool = False) -> None:
    """Development sign-in and the purpose, by keyboard."""
    page = seen.page
    page.goto(seen.base + "/")
    button = page.get_by_role("button", name=f"Sign in as {user_id}")
    expect(button).to_be_visible()
    if check:
        seen.shot("1-sign-in")
        seen.accessibility("sign-in page")
    button.focus()
    page.keyboard.press("Enter")
    purpose = page.get_by_label("Purpose of this session")
    expect(purpose).to_be_focused()
    # No data before the purpose: no search box yet.
    expect(page.get_by_label("Search the register")).to_have_count(0)
    if check:
        seen.shot("2-purpose")
        seen.accessibility("purpose page")
    purpose.type(PURPOSE)
    page.keyboard.press("Enter")
    expect(page.locator("#current-purpose")).to_have_text(PURPOSE)


def search(seen: Watched, text: str) -> None:
    box = seen.page.get_by_label("Search the register")
    box.fill(text)
    box.press("Enter")
    expect(seen.page.locator(".search-panel [role=status]")).to_contain_text("result")


def drawn(seen: Watched) -> tuple[int, int]:
    """Nodes and links the canvas status reports, once it reports them."""
    status = seen.page.locator("#canvas-status")
    expect(status).to_contain_text(re.compile(r"\d+ nodes and \d+ links drawn"))
    text = status.inner_text()
    match = re.search(r"(\d+) nodes and (\d+) links drawn", text)
    assert match, text
    return int(match.group(1)), int(match.group(2))


def choose_node(seen: Watched, label: str) -> None:
    """Select a drawn node from the side panel's list (the keyboard way to the canvas)."""
    node_list = seen.page.get_by_label("Node on the canvas")
    value = node_list.locator("option", has_text=label).first.get_attribute("value")
    assert value, label
    node_list.select_option(value)


# --- journeys ---------------------------------------------------------------------------------


def test_sign_in_then_purpose_then_plate_search_and_profile(
    watched: Watched, explorer_url: str, mint: Callable[..., str]
) -> None:
    user, token = analyst(explorer_url, mint)
    offenders = [e["node"] for e in ask(explorer_url, token, OFFENDERS)["offenders"]["edges"]]
    owner = next(o for o in offenders if o["vehicles"]["edges"])
    vrm = owner["vehicles"]["edges"][0]["vehicle"]["vrm"]
    pattern = f"{vrm[:2]}?{vrm[3:-1]}?"  # two unknown characters

    sign_in(watched, user["user_id"], check=True)
    page = watched.page
    expect(page.locator("header.top")).to_contain_text(f"{user['user_id']} · {user['agency']}")
    search(watched, pattern)
    expect(page.locator(".search-panel [role=status]")).to_contain_text("plate search")
    card = page.locator(f"article.result[data-id='{owner['id']}']").first
    expect(card).to_contain_text(owner["surname"])
    watched.shot("3-plate-search")
    watched.accessibility("search results")

    card.get_by_role("button", name="Profile").click()
    expect(page.locator("#profile-title")).to_have_text(f"{owner['forename']} {owner['surname']}")
    for section in (
        "Risk assessments",
        "Addresses",
        "Associates",
        "Vehicles",
        "Marks",
        "Intelligence",
    ):
        expect(page.get_by_role("heading", name=re.compile(f"^{section}"))).to_be_visible()
    expect(page.locator("#list-vehicles")).to_contain_text("1")
    expect(page.locator(".profile-list[aria-busy]")).to_have_count(0)
    watched.shot("4-profile")
    watched.accessibility("profile")


def test_canvas_expand_twice_path_time_slider_undo_and_export(
    watched: Watched, explorer_url: str, mint: Callable[..., str]
) -> None:
    user, token = analyst(explorer_url, mint)
    offenders = [e["node"] for e in ask(explorer_url, token, OFFENDERS)["offenders"]["edges"]]
    # An offender sharing an address with someone else: expand it, then the address.
    for offender in offenders:
        shared = [
            (edge["address"], resident["person"])
            for edge in offender["addresses"]["edges"]
            for resident in edge["address"]["residents"]["edges"]
            if resident["person"]["__typename"] != "RestrictedNominal"
            and resident["person"]["id"] != offender["id"]
        ]
        if shared:
            break
    else:
        pytest.fail("no offender in the tiny dataset shares an address")
    address, other = shared[0]
    name = f"{offender['forename']} {offender['surname']}"
    other_name = f"{other['forename']} {other['surname']}"

    sign_in(watched, user["user_id"])
    page = watched.page
    search(watched, name)
    page.locator(f"article.result[data-id='{offender['id']}']").first.get_by_role(
        "button", name="Draw network"
    ).click()
    expect(page.locator("#canvas-status")).to_contain_text("Added")
    page.locator("#details").get_by_role("button", name="Addresses").click()  # expand by type
    expect(page.locator("#canvas-status")).to_contain_text("Added")
    choose_node(watched, address["postcode"])
    expect(page.locator("#details h3")).to_contain_text(address["postcode"])
    page.locator("#details").get_by_role("button", name="Residents").click()  # expand again
    expect(
        page.get_by_label("Node on the canvas").locator("option", has_text=other_name)
    ).not_to_have_count(0)
    nodes, links = drawn(watched)
    assert nodes >= 3
    assert links >= 2

    choose_node(watched, name)
    page.get_by_role("button", name="Set as first person").click()
    choose_node(watched, other_name)
    page.get_by_role("button", name="Set as second person").click()
    page.get_by_role("button", name="Find path").click()
    expect(page.locator("#canvas-status")).to_contain_text(f"between {name} and {other_name}")
    expect(page.locator("#canvas-status")).to_contain_text("Path of 2 links")
    watched.shot("5-canvas-path")
    watched.accessibility("canvas")
    page.get_by_role("button", name="Common associates").click()
    expect(page.locator("#canvas-status")).to_contain_text(
        re.compile(r"common associate|no visible associate in common")
    )

    # The time slider: back to 1990, fewer links are valid; to today, the current ones.
    page.get_by_label("all dates").uncheck()
    slider = page.get_by_label("Links valid on")
    slider.focus()
    page.keyboard.press("Home")
    expect(page.locator("#as-of-value")).to_have_text("1990-01-01")
    _early_nodes, early_links = drawn(watched)
    assert early_links < links
    watched.shot("6-canvas-1990")
    page.keyboard.press("End")
    page.get_by_label("all dates").check()
    assert drawn(watched) == (nodes, links)

    with page.expect_download() as csv_download:
        page.get_by_role("button", name="Export CSV").click()
    csv = Path(csv_download.value.path()).read_text(encoding="utf-8")
    assert '"RESIDES_AT"' in csv
    assert offender["id"] in csv
    with page.expect_download() as png_download:
        page.get_by_role("button", name="Export PNG").click()
    assert Path(png_download.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    page.get_by_role("button", name="Undo").click()
    assert drawn(watched)[0] < nodes


def test_restricted_nominal_is_drawn_grey_with_its_agency(
    watched: Watched, explorer_url: str, mint: Callable[..., str]
) -> None:
    user, token = analyst(explorer_url, mint)
    offenders = [e["node"] for e in ask(explorer_url, token, OFFENDERS)["offenders"]["edges"]]
    network = """query ($id: ID!) { network(offenderId: $id, depth: 1) { nodes {
        __typename ... on RestrictedNominal { id managingAgency { code name } } } } }"""
    for offender in offenders:
        nodes = ask(explorer_url, token, network, {"id": offender["id"]})["network"]["nodes"]
        restricted = [n for n in nodes if n["__typename"] == "RestrictedNominal"]
        if restricted:
            break
    else:
        pytest.skip("no restricted nominal next to this agency's offenders in the tiny dataset")
    agency = restricted[0]["managingAgency"]

    sign_in(watched, user["user_id"])
    page = watched.page
    search(watched, f"{offender['forename']} {offender['surname']}")
    page.locator(f"article.result[data-id='{offender['id']}']").first.get_by_role(
        "button", name="Draw network"
    ).click()
    expect(page.locator("#canvas-status")).to_contain_text("Added")
    choose_node(watched, f"Restricted · {agency['code']}")
    details = page.locator("#details")
    expect(details).to_contain_text("Restricted nominal (outside your agency's scope)")
    expect(details).to_contain_text(f"{agency['name']} ({agency['code']})")
    expect(details.get_by_role("button", name="Open profile")).to_have_count(0)
    watched.shot("7-restricted-nominal")


def test_a_photo_opens_in_the_card_and_the_profile(
    watched: Watched, explorer_url: str, mint: Callable[..., str]
) -> None:
    user, token = analyst(explorer_url, mint)
    offender = ask(explorer_url, token, OFFENDERS)["offenders"]["edges"][3]["node"]
    image = io.BytesIO()
    Image.new("RGB", (64, 80), (180, 40, 40)).save(image, "PNG")
    manager = mint(user["agency"], roles=(Role.OFFENDER_MANAGER,), user="photo.uploader")
    uploaded = httpx.post(
        f"{explorer_url}/photos",
        headers={"Authorization": f"Bearer {manager}", "X-Purpose": PURPOSE},
        data={"offenderId": offender["id"], "takenOn": "2025-01-02"},
        files={"file": ("face.png", image.getvalue(), "image/png")},
    )
    assert uploaded.status_code == 201, uploaded.text
    photo_id = uploaded.json()["id"]

    sign_in(watched, user["user_id"])
    page = watched.page
    search(watched, f"{offender['forename']} {offender['surname']}")
    photo = page.locator(
        f"article.result[data-id='{offender['id']}'] img[data-photo='{photo_id}']"
    ).first
    expect(photo).to_be_visible()
    page.wait_for_function(
        "(image) => image.complete && image.naturalWidth > 0", arg=photo.element_handle()
    )
    page.locator(f"article.result[data-id='{offender['id']}']").first.get_by_role(
        "button", name="Profile"
    ).click()
    profile_photo = page.locator(f".profile-head img[data-photo='{photo_id}']")
    expect(profile_photo).to_be_visible()
    page.wait_for_function(
        "(image) => image.complete && image.naturalWidth > 0", arg=profile_photo.element_handle()
    )
    watched.shot("8-photo")


def test_graphiql_and_the_docs_page_work_offline(watched: Watched, explorer_url: str) -> None:
    page = watched.page
    page.goto(f"{explorer_url}/graphiql")
    user_id = demo_users(explorer_url)[0]["user_id"]
    page.get_by_label("Demo user").select_option(user_id)
    page.get_by_label("Purpose of this session").fill(PURPOSE)
    # Our sign-in form; GraphiQL's own editor is upstream's (its theme's contrast and the
    # editor's unlabelled textarea fail axe there).
    watched.accessibility("GraphiQL sign-in")
    page.get_by_role("button", name="Open GraphiQL").click()
    expect(page.locator(".graphiql-query-editor")).to_contain_text("agencies")
    page.locator(".graphiql-execute-button").click()
    expect(page.locator(".result-window")).to_contain_text(f'"userId": "{user_id}"')
    expect(page.locator(".result-window")).to_contain_text(f'"purpose": "{PURPOSE}"')
    page.get_by_role("button", name="Show GraphiQL Explorer").click()
    expect(page.locator(".graphiql-explorer-root")).to_contain_text("searchOffenders")
    watched.shot("9-graphiql")

    page.goto(f"{explorer_url}/docs")
    expect(page.locator("#type-Query")).to_contain_text("searchOffenders")
    page.get_by_label("Filter types by name").fill("vehicle")
    expect(page.locator("#type-Vehicle")).to_be_visible()
    expect(page.locator("#type-Offender")).to_be_hidden()
    watched.shot("10-docs")
    watched.accessibility("docs page")


def test_first_render_of_200_nodes_and_500_stay_interactive(
    watched: Watched, explorer_url: str
) -> None:
    """Measured, not timed: the figures go to tests/web/artefacts/measurements.json."""
    sign_in(watched, demo_users(explorer_url)[0]["user_id"])
    measure = """async (count) => {
        const nodes = [], edges = [];
        for (let i = 0; i < count; i++) {
            nodes.push({ id: `n${i}`, kind: i % 5 ? 'Associate' : 'Offender', label: `Person ${i}`,
                         risk: ['LOW', 'MEDIUM', 'HIGH', 'VERY_HIGH'][i % 4], agency: 'MET', details: [] });
            if (i) edges.push({ id: `e${i}`, source: `n${i}`, target: `n${Math.floor(i / 3)}`,
                                type: 'ASSOCIATED_WITH', from: '2020-01-01', to: null, agency: 'MET',
                                classification: 'OFFICIAL' });
        }
        const view = window.explorer;
        view.graph.clear();
        const started = performance.now();
        await view.addAll(nodes, edges);
        await view.graph.nextFrame();
        const firstRender = performance.now() - started;
        const zoomStarted = performance.now();
        view.graph.zoom(1.25);
        await view.graph.nextFrame();
        return { firstRender, zoomFrame: performance.now() - zoomStarted };
    }"""
    two_hundred = watched.page.evaluate(measure, 200)
    watched.shot("11-200-nodes")
    five_hundred = watched.page.evaluate(measure, 500)
    figures = {
        "first_render_ms_200_nodes": round(two_hundred["firstRender"]),
        "first_render_ms_500_nodes": round(five_hundred["firstRender"]),
        "zoom_frame_ms_500_nodes": round(five_hundred["zoomFrame"], 1),
    }
    (watched.artefacts / "measurements.json").write_text(json.dumps(figures, indent=2) + "\n")
    print(figures)
    assert drawn_nodes(watched) == 500


def drawn_nodes(seen: Watched) -> int:
    count: int = seen.page.evaluate("() => window.explorer.graph.allNodes().length")
    return count


def test_production_sign_in_is_openid_connect_with_pkce(
    watched: Watched,
    oidc_explorer: tuple[str, IdentityProvider],
    explorer_url: str,
    mint: Callable[..., str],
) -> None:
    """No demo users in production: the organisation's identity provider signs the user in
    (authorization code + PKCE); the API verifies its RS256 token by JWKS; the token stays in
    memory."""
    url, provider = oidc_explorer
    page = watched.page
    page.goto(f"{url}/")
    expect(page.get_by_role("button", name="Sign in as", exact=False)).to_have_count(0)
    page.get_by_role("button", name="Sign in with your organisation").click()
    expect(page.get_by_label("Purpose of this session")).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        f"Signed in as oidc.analyst ({provider.claims['agency']})"
    )
    assert provider.exchanged == 1
    assert page.url == f"{url}/"  # the code and state are gone from the address bar
    page.get_by_label("Purpose of this session").fill(PURPOSE)
    page.keyboard.press("Enter")
    _, token = analyst(explorer_url, mint)  # the same agency as the provider's user
    offender = ask(explorer_url, token, OFFENDERS)["offenders"]["edges"][0]["node"]
    search(watched, f"{offender['forename']} {offender['surname']}")
    # Answered: the API accepted the provider's RS256 token.
    expect(page.locator(f"article.result[data-id='{offender['id']}']").first).to_be_visible()
    storage = page.evaluate("() => [localStorage.length, sessionStorage.length]")
    assert storage == [0, 0]
    watched.shot("12-oidc-signed-in")
