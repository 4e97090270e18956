"""The explorer's pages and the development sign-in (graph_api/web.py)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from graph_api.pack._render import style_hash as pack_style_hash
from graph_api.web import page_csp

if TYPE_CHECKING:
    from collections.abc import Callable

    from graph_api.settings import Settings

pytestmark = pytest.mark.usefixtures("tiny_graph")


async def test_the_explorer_is_served_at_the_root_under_a_page_csp(
    serve: Callable[..., Any], settings: Settings
) -> None:
    async with serve() as http:  # production mode
        page = await http.get("/")
        missing = await http.get("/assets/../../pyproject.toml")
    assert page.status_code == 200
    csp = page.headers["content-security-policy"]
    assert csp == page_csp(settings)
    for directive in ("default-src 'none'", "script-src 'self'", "style-src 'self' 'sha256-",
                      "connect-src 'self';", "frame-src blob:;", "frame-ancestors 'none'"):  # fmt: skip
        assert directive in csp
    assert "unsafe" not in csp
    # The alerts' WebSocket is this origin's ('self' covers ws:/wss: of it): no bare scheme.
    assert " ws:" not in csp
    assert " wss:" not in csp
    # The MAPPA pack's frame inherits this policy: exactly its stylesheet is allowed.
    assert f"'{pack_style_hash()}'" in csp
    assert '<meta name="explorer-config"' in page.text
    assert "&quot;devSignIn&quot;: false" in page.text
    assert missing.status_code == 404


async def test_every_asset_of_the_explorer_is_local(serve: Callable[..., Any]) -> None:
    """The built pages name no other origin: nothing can come from a CDN."""
    async with serve(graph_api_dev_mode=True) as http:
        for path in ("/", "/graphiql", "/docs"):
            page = await http.get(path)
            assert page.status_code == 200, path
            assert "http://" not in page.text, path
            assert "https://" not in page.text, path


async def test_the_oidc_issuer_is_the_only_other_origin_a_page_may_call(
    serve: Callable[..., Any],
) -> None:
    async with serve(
        graph_api_oidc_issuer="https://login.police.example/realms/register",
        graph_api_oidc_client_id="explorer",
    ) as http:
        page = await http.get("/")
    assert (
        "connect-src 'self' https://login.police.example;"
        in page.headers["content-security-policy"]
    )
    assert "login.police.example/realms/register" in page.text


@pytest.mark.parametrize("path", ["/graphiql", "/docs", "/dev/users"])
async def test_graphiql_docs_and_dev_sign_in_only_in_development(
    serve: Callable[..., Any], path: str
) -> None:
    async with serve() as http:
        assert (await http.get(path)).status_code == 404
        assert (await http.post("/dev/token", json={"userId": "analyst.met"})).status_code in {
            404,
            405,
        }


async def test_dev_sign_in_lists_demo_users_and_mints_their_tokens(
    serve: Callable[..., Any],
) -> None:
    async with serve(graph_api_dev_mode=True, graph_api_dev_token_seconds=120) as http:
        users = (await http.get("/dev/users")).json()["users"]
        national = next(u for u in users if "NATIONAL_SEARCH" in u["roles"])
        answer = (await http.post("/dev/token", json={"userId": national["user_id"]})).json()
        me = await http.post(
            "/graphql",
            json={"query": "{ me { userId agency roles clearance } }"},
            headers={"Authorization": f"Bearer {answer['token']}"},
        )
        unknown = await http.post("/dev/token", json={"userId": "root"})
        malformed = await http.post("/dev/token", content=b"nonsense")
    assert len({u["agency"] for u in users}) == 3
    assert answer["expiresIn"] == 120
    assert me.json()["data"]["me"] == {
        "userId": national["user_id"],
        "agency": national["agency"],
        "roles": sorted(national["roles"]),
        "clearance": national["clearance"],
    }
    assert unknown.status_code == 404
    assert malformed.status_code == 400
