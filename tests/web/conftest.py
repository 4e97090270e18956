"""Fixtures for the explorer in a real browser: the API (development mode, over the test
database with the tiny dataset) in its own process on a port in 8200-8299, and Debian's
Chromium driven by Playwright with every request off this machine refused.

Each test's page collects console errors, page errors and requests to anywhere but the API;
a test fails if any appear. Screenshots go to tests/web/artefacts/ (git-ignored).
"""

from __future__ import annotations

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

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, Page, Playwright

    from graph_api.settings import Settings

ARTEFACTS = Path(__file__).parent / "artefacts"
WEB_DIST = PROJECT_ROOT / "web" / "dist"
AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("GRAPH_API_CHROMIUM", "/usr/bin/chromium")
VIEWPORT = {"width": 1400, "height": 900}


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


@pytest.fixture(scope="session")
def explorer_url(
    settings: Settings, tiny_graph: dict[str, Any], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """The API with the built explorer, in development mode, over the tiny dataset."""
    if not (WEB_DIST / "index.html").is_file():
        pytest.fail("the explorer is not built: run `make web` (make test does)")
    port = _free_port()
    secret = settings.graph_api_jwt_secret
    assert secret is not None
    env = {
        **os.environ,
        "GRAPH_API_DEV_MODE": "true",
        "GRAPH_API_JWT_SECRET": secret.get_secret_value(),
        "GRAPH_API_PHOTO_DIR": str(tmp_path_factory.mktemp("photos")),
    }
    serve = "from graph_api.cli import main; main()"
    command = [sys.executable, "-c", serve, "serve", "--port", str(port)]
    ARTEFACTS.mkdir(exist_ok=True)
    log = (ARTEFACTS / "server.log").open("w")
    server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if httpx.get(f"{url}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the API did not start; see {ARTEFACTS / 'server.log'}")
            time.sleep(0.2)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


@pytest.fixture(scope="session")
def playwright_driver() -> Iterator[Playwright]:
    if not shutil.which(CHROMIUM):
        pytest.fail(f"Chromium is not installed at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
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

    context.route(lambda url: not url.startswith(explorer_url), outside)
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
