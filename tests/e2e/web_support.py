"""The web application served for a real browser: Debian's Chromium driven by Playwright (one
browser per test session), the application in a uvicorn thread on a free port (one per test, on
the test's own database)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from litestar.testing import TestClient
from playwright.sync_api import Browser, Page, sync_playwright
from sqlalchemy.engine import Engine

from leadline.asgi import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.context import ServiceContext
from leadline.services.security.auth import create_token

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


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


@contextmanager
def served(ctx: ServiceContext, database_url: str) -> Iterator[str]:
    """The API and the web pages on ``ctx``, at the base URL yielded, until the block ends."""
    application = Application(Settings(database_url=database_url, rate_limit_per_minute=0), ctx, engine=None)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(application), host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
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
def signed_in_client(ctx: ServiceContext, engine: Engine, user_id: int) -> Iterator[TestClient[Any]]:
    """The API and the web pages in process (no browser), with ``user_id``'s session cookie, as a
    web sign-in sets it: for what a page sends and answers (statements, fragments, statuses)."""
    application = Application(Settings(rate_limit_per_minute=0), ctx, engine)
    token, info = create_token(ctx, user_id, name="web sign-in", expires_in_days=None, hours=1)
    with TestClient(create_app(application)) as client:
        client.cookies.set("leadline_session", f"{info.id}.{token}")
        yield client


def sign_in(page: Page, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.get_by_label("E-mail").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
