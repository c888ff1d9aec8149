"""The web application served for a real browser: Debian's Chromium driven by Playwright (one
browser per test session), the application in a uvicorn thread on a free port (one per test, on
the test's own database; the application built once and lent to each test in turn)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import uvicorn
from litestar.testing import TestClient
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Request, Response, expect, sync_playwright
from playwright.sync_api import Error as PlaywrightError
from sqlalchemy.engine import Engine

from leadline.asgi import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.context import ServiceContext
from leadline.services.security.auth import create_token
from tests.e2e.api_support import lent_app, loopback_socket

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


#: How long a browser step (an action, a navigation) or a waiting assertion may take before it
#: fails: long enough for a loaded CI box (two cores, two test processes each driving its browser
#: and serving the application). Under a load average of 20 with the pages' CPU slowed 4 times,
#: steps of 10 s ran out (a sign-in page's load, a click's navigation); none of 20 s did.
STEP_TIMEOUT_MS = 20_000

#: The one Playwright and browser of this test process, and how many fixtures hold them.
_SHARED: dict[str, Any] = {}


@contextmanager
def chromium() -> Iterator[Browser]:
    """The test process's browser, shared by every module's fixture: Playwright's sync API runs
    one instance at a time, so a second module's session fixture must not start its own. Started
    on first use, closed when the last fixture holding it is done."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make setup` installs it as root (apt-get install chromium)",
                    pytrace=False)
    if not _SHARED:
        expect.set_options(timeout=STEP_TIMEOUT_MS)
        playwright = sync_playwright().start()
        _SHARED.update(playwright=playwright, users=0,
                       browser=playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS))
    _SHARED["users"] += 1
    try:
        yield _SHARED["browser"]
    finally:
        _SHARED["users"] -= 1
        if not _SHARED["users"]:
            _SHARED["browser"].close()
            _SHARED["playwright"].stop()
            _SHARED.clear()


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A fresh browser context (no cookies) with ``options``, whose steps wait ``STEP_TIMEOUT_MS``:
    every browser test makes its contexts here."""
    context = browser.new_context(**options)
    context.set_default_timeout(STEP_TIMEOUT_MS)
    return context


#: The page has loaded (its deferred scripts, htmx among them, have run: a control they drive works)
#: and htmx is idle: no request in flight, no swap or settle under way (htmx marks the elements
#: concerned with these classes; content swapped in is wired up only when it has settled).
_SETTLED = """() => document.readyState === "complete"
  && !document.querySelector(".htmx-request, .htmx-swapping, .htmx-settling")"""


def settled(page: Page) -> None:
    """Wait until the page has loaded and htmx is idle: before acting on a page just reached or on
    content just swapped in, and before a click that a pending swap could move. A request htmx
    has yet to send (a trigger's delay) is not seen: wait for its answer with ``expect`` first."""
    page.wait_for_function(_SETTLED)


@contextmanager
def landing(page: Page) -> Iterator[None]:
    """Wait, after the block, for the page a step in it led to (``page.keyboard.press("Enter")``
    on a link), loaded and settled: see ``follow``."""
    with page.expect_navigation(wait_until="load"):
        yield
    settled(page)


def follow(page: Page, target: Locator) -> None:
    """Click ``target`` (a link, or a form's button) and wait for the page it leads to, loaded and
    settled: the next step then acts on that page with its scripts run (a click waits only for
    the navigation it starts to commit, and ``expect(page).to_have_url`` no longer)."""
    with landing(page):
        target.click()


@contextmanager
def served(ctx: ServiceContext, database_url: str) -> Iterator[str]:
    """The API and the web pages on ``ctx``, at the base URL yielded, until the block ends."""
    application = Application(Settings(database_url=database_url, rate_limit_per_minute=0), ctx, engine=None)
    with loopback_socket() as listening, lent_app(application, create_app) as app:
        port = listening.getsockname()[1]
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                               lifespan="on"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started:
            if time.monotonic() > deadline or not thread.is_alive():
                raise RuntimeError("the web application did not start")
            time.sleep(0.01)
        try:
            yield f"http://127.0.0.1:{port}"
        finally:
            server.should_exit = True
            thread.join(10)


@contextmanager
def signed_in_client(ctx: ServiceContext, engine: Engine, user_id: int, **settings: Any) -> Iterator[TestClient[Any]]:
    """The API and the web pages in process (no browser), with ``user_id``'s session cookie, as a
    web sign-in sets it: for what a page sends and answers (statements, fragments, statuses);
    ``settings``: other settings than the defaults (``import_max_bytes=...``)."""
    application = Application(Settings(rate_limit_per_minute=0, **settings), ctx, engine)
    token, info = create_token(ctx, user_id, name="web sign-in", expires_in_days=None, hours=1)
    with lent_app(application, create_app) as app, TestClient(app) as client:
        client.cookies.set("leadline_session", f"{info.id}.{token}")
        yield client


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    # Wait for the page the form leads to to load: its deferred scripts (htmx) run before "load",
    # and a filter changed before htmx is there changes nothing (a CI run failed on just that).
    follow(page, page.get_by_role("button", name="Sign in"))


# The quality bar of every main page (issue 16, item 10): tests/e2e/test_web_quality.py runs these
# over MAIN_PAGES; a page's own tests may call them too.

ROOT = Path(__file__).resolve().parents[2]
#: axe-core, for the tests only (tests/e2e/vendor/VENDORED.md); never served by the application.
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
#: Where the test run leaves its screenshots (git-ignored).
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
#: The widths every main page must fit: a laptop and a tablet (portrait).
VIEWPORTS = {"laptop": {"width": 1366, "height": 768}, "tablet": {"width": 768, "height": 1024}}
#: What a page may load in assets (scripts, styles, fonts, images), in bytes as decoded.
ASSET_BUDGET = 300 * 1024
ASSET_TYPES = frozenset({"script", "stylesheet", "font", "image"})
#: The impacts axe-core grades that fail a page; "minor" and "moderate" ones are reported only.
FAILING_IMPACTS = ("serious", "critical")

_AXE_RUN = """async () => {
  const result = await axe.run(document, {resultTypes: ["violations"]});
  return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                      nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}));
}"""


def accessibility_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's violations on the page as it is now: id, impact, help and (up to 5) elements.

    axe runs inside the page, injected as a script tag: the test's browser context must bypass
    the page's Content-Security-Policy (``bypass_csp=True``), which refuses any script not served
    by Leadline, as it should."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        try:
            page.add_script_tag(path=AXE)
        except PlaywrightError as error:  # the page's CSP refuses the injected script, as it should
            pytest.fail(f"axe-core could not be injected ({error.message.splitlines()[0]}): open the page in "
                        "a context made with browser.new_context(bypass_csp=True)", pytrace=False)
    violations: list[dict[str, object]] = page.evaluate(_AXE_RUN)
    return violations


def assert_accessible(page: Page) -> None:
    """Fail, listing them, when axe-core finds a serious or critical violation on the page."""
    failing = [v for v in accessibility_violations(page) if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"accessibility violations on {page.url}:\n" + "\n".join(
        f"- [{v['impact']}] {v['id']}: {v['help']} at {v['nodes']}" for v in failing)


def screenshot(page: Page, name: str) -> Path:
    """The whole page saved as test-artifacts/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def horizontal_overflow(page: Page) -> int:
    """How many CSS pixels the page is wider than the window (0 when it fits; a table scrolling in
    its own container does not count)."""
    overflow: int = page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")
    return max(overflow, 0)


class AssetLog:
    """What a page loads, recorded from its responses: bytes per asset, and every request's host.

    ``with AssetLog(page, base) as log: page.goto(...)`` then ``log.total``, ``log.foreign``."""

    def __init__(self, page: Page, base: str) -> None:
        self.page, self.host = page, urlsplit(base).netloc
        self.assets: dict[str, int] = {}
        self.foreign: list[str] = []

    def __enter__(self) -> AssetLog:
        self.page.on("request", self._requested)
        self.page.on("response", self._answered)
        return self

    def __exit__(self, *_: object) -> None:
        self.page.remove_listener("request", self._requested)
        self.page.remove_listener("response", self._answered)

    @property
    def total(self) -> int:
        return sum(self.assets.values())

    def _requested(self, request: Request) -> None:
        parts = urlsplit(request.url)
        if parts.scheme not in ("data", "blob", "about") and parts.netloc != self.host:
            self.foreign.append(request.url)

    def _answered(self, response: Response) -> None:
        if response.request.resource_type in ASSET_TYPES and response.ok:
            self.assets[response.url] = len(response.body())
