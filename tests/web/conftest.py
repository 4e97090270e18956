"""Fixtures for the explorer in a real browser: the API (development mode, over the test
database with the tiny dataset) in its own process on a port in 8200-8299, and Debian's
Chromium driven by Playwright with every request off this machine refused. A stand-in OpenID
Connect provider serves the production sign-in test.

Each test's page collects console errors, page errors and requests to anywhere but the API;
a test fails if any appear. Screenshots go to tests/web/artefacts/ (git-ignored).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest

from graph_api.settings import PROJECT_ROOT

from .identity_provider import IdentityProvider

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page, Playwright

    from graph_api.settings import Settings

ARTEFACTS = Path(__file__).parent / "artefacts"
WEB_DIST = PROJECT_ROOT / "web" / "dist"
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GRAPH_API_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 900}
#: The only place a page may reach: this machine (the API, and the test identity provider).
LOOPBACK = "http://127.0.0.1:"


def _free_port() -> int:
    """A free port in 8200-8299 (the range set aside for these tests' servers)."""
    for port in range(8200, 8300):
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port in 8200-8299")


@contextlib.contextmanager
def api_server(settings: Settings, photo_dir: Path, log_name: str, **env: str) -> Iterator[str]:
    """`graph-api serve` in its own process over the test database, with these variables."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("the explorer is not built: run `make web` (make test does)")
    port = _free_port()
    secret = settings.graph_api_jwt_secret
    assert secret is not None
    environment = {
        **os.environ,
        "GRAPH_API_JWT_SECRET": secret.get_secret_value(),
        "GRAPH_API_PHOTO_DIR": str(photo_dir),
        **env,
    }
    serve = "from graph_api.cli import main; main()"
    command = [sys.executable, "-c", serve, "serve", "--port", str(port)]
    ARTEFACTS.mkdir(exist_ok=True)
    with (ARTEFACTS / log_name).open("w") as log:
        server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120  # a cold database plans the explorer first
            while True:
                try:
                    if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the API did not start; see {ARTEFACTS / log_name}")
                time.sleep(0.2)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=10)


@pytest.fixture(scope="session")
def explorer_url(
    settings: Settings, tiny_graph: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The API with the built explorer, in development mode, over the tiny dataset."""
    photos = tmp_path_factory.mktemp("photos")
    with api_server(settings, photos, "server.log", GRAPH_API_DEV_MODE="true") as url:
        yield url


@pytest.fixture(scope="session")
def trusted_only_url(
    settings: Settings, explorer_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The API running only its trusted documents (the built explorer's), in development mode
    for the sign-in."""
    photos = tmp_path_factory.mktemp("trusted-photos")
    with api_server(
        settings, photos, "server-trusted-only.log",
        GRAPH_API_DEV_MODE="true", GRAPH_API_TRUSTED_DOCUMENTS_ONLY="true",
    ) as url:  # fmt: skip
        yield url


@pytest.fixture(scope="session")
def oidc_explorer(
    settings: Settings, explorer_url: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, IdentityProvider]]:
    """The API in production mode, signing in with an OpenID Connect provider (RS256, JWKS)."""
    agency = httpx.get(f"{explorer_url}/dev/users").json()["users"][0]["agency"]
    claims = {"sub": "oidc.analyst", "agency": agency, "roles": ["ANALYST"], "clearance": "SECRET"}
    provider = IdentityProvider(_free_port(), "explorer", settings.graph_api_jwt_audience, claims)
    provider.start()
    photos = tmp_path_factory.mktemp("oidc-photos")
    try:
        with api_server(
            settings, photos, "server-oidc.log",
            GRAPH_API_DEV_MODE="false",
            GRAPH_API_JWKS_URL=f"{provider.issuer}/jwks",
            GRAPH_API_JWT_ISSUER=provider.issuer,
            GRAPH_API_OIDC_ISSUER=provider.issuer,
            GRAPH_API_OIDC_CLIENT_ID="explorer",
        ) as url:  # fmt: skip
            yield url, provider
    finally:
        provider.stop()


# Module scope, not session: Playwright's sync API holds an event loop on this thread while it
# runs, and pytest-asyncio cannot run the async tests that come after until it is closed.
@pytest.fixture(scope="module")
def playwright_driver() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright) -> Iterator[Browser]:
    """Headless Chromium that resolves no host but this machine."""
    browser = playwright_driver.chromium.launch(
        executable_path=CHROMIUM,
        args=[
            "--no-sandbox",
            "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
        ],
    )
    yield browser
    browser.close()


class Watched:
    """A page and what went wrong on it."""

    def __init__(self, page: Page, base: str) -> None:
        self.page = page
        self.base = base
        self.problems: list[str] = []
        self.artefacts = ARTEFACTS

    def shot(self, name: str) -> Path:
        """Save a screenshot as a test artefact."""
        path = ARTEFACTS / f"{name}.png"
        self.page.screenshot(path=path)
        return path

    def accessibility(self, context: str) -> None:
        """axe-core on the page as it stands: no violation of WCAG 2.1 A/AA rules."""
        if not self.page.evaluate("() => typeof window.axe !== 'undefined'"):
            self.page.evaluate(AXE.read_text())
        violations = self.page.evaluate(
            """async () => {
                const result = await axe.run(document, {
                    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
                });
                return result.violations.map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(' | ')}`);
            }"""
        )
        assert violations == [], f"{context}: accessibility violations {violations}"


@pytest.fixture
def watched(browser: Browser, explorer_url: str) -> Iterator[Watched]:
    """A fresh browser context and page; fails the test on console errors or outside requests."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)  # type: ignore[arg-type]
    page = context.new_page()
    seen = Watched(page, explorer_url)

    def outside(route: Any) -> None:
        seen.problems.append(f"request off this machine: {route.request.url}")
        route.abort()

    context.route(lambda url: not url.startswith(LOOPBACK), outside)
    page.on(
        "console",
        lambda message: (
            seen.problems.append(f"console {message.type}: {message.text}")
            if message.type in {"error", "warning"}
            else None
        ),
    )
    page.on("pageerror", lambda error: seen.problems.append(f"page error: {error}"))
    yield seen
    context.close()
    assert seen.problems == []
