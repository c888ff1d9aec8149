"""The quality bar of every main page of the web application (issue 16, item 10), in a real
headless Chromium on SQLite:

* no serious or critical accessibility violation (axe-core, tests/e2e/vendor);
* fits a laptop (1366 px) and a tablet (768 px) without the page scrolling sideways, a
  screenshot of each left in test-artifacts/screenshots/;
* loads at most 300 KB of assets, all from the server itself, under its own CSP without an error
  in the console (nothing refused, no script failing);
* is sent with the security headers (a CSP without inline scripts, never framed, nosniff, a
  referrer policy);

and no template of the application holds an inline script or an inline event handler.

A new page joins by a line in ``MAIN_PAGES``: its name (the screenshots' name) and its path,
where ``{lead}``, ``{account}``, ``{contact}`` and ``{opportunity}`` stand for the records the
``site`` fixture makes (a lead with activities and history, and an account with a contact and an
open opportunity, all the signed-in rep's). The site is made once for the module (its tests only
read pages and sign in): a test that changes data makes a site of its own (``make_site``).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy.engine import Engine

import leadline.web
from leadline.persistence.database import make_engine, write_gate
from leadline.services import activities, records
from leadline.services.configuration import sales
from leadline.services.configuration.lead_workflow import add_field_mapping
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead, update_lead
from leadline.services.leads.workflow import change_lead_status
from leadline.services.security.auth import set_password
from leadline.services.security.users import add_user
from tests.conftest import START, FakeClock, service_context
from tests.e2e.web_support import (
    AXE,
    VIEWPORTS,
    AssetLog,
    assert_accessible,
    horizontal_overflow,
    new_context,
    screenshot,
    served,
    sign_in,
)

REP, ADMIN, PASSWORD = "quality@example.com", "ada@example.com", "correct horse battery"
TEMPLATES = Path(leadline.web.__file__).parent / "templates"
#: No script element with a body (only ``<script src=...></script>``), no ``on...=`` or htmx
#: ``hx-on`` attribute (htmx evaluates those: the CSP refuses eval), no ``javascript:`` address.
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>\s*\S", re.IGNORECASE)
INLINE_HANDLER = re.compile(r"<[a-z][^>]*\s(?:on[a-z]+|hx-on[^\s=]*|data-hx-on[^\s=]*)\s*=", re.IGNORECASE)
JAVASCRIPT_URL = re.compile(r"=\s*[\"']?\s*javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str
    signed_in: bool = True
    status: int = 200
    #: signed in as the admin (settings pages) rather than the rep
    admin: bool = False


#: Every main page, checked by every test of this file. Add yours.
MAIN_PAGES = [
    MainPage("sign-in", "/sign-in", signed_in=False),
    MainPage("leads", "/leads"),
    MainPage("lead", "/leads/{lead}"),
    MainPage("new-lead", "/leads/new"),
    MainPage("edit-lead", "/leads/{lead}/edit"),
    MainPage("convert-lead", "/leads/{lead}/convert"),
    MainPage("accounts", "/accounts"),
    MainPage("account", "/accounts/{account}"),
    MainPage("contacts", "/contacts"),
    MainPage("contact", "/contacts/{contact}"),
    MainPage("opportunities", "/opportunities"),
    MainPage("opportunity", "/opportunities/{opportunity}"),
    MainPage("new-account", "/accounts/new"),
    MainPage("new-contact", "/contacts/new?account={account}"),
    MainPage("new-opportunity", "/opportunities/new"),
    MainPage("board", "/board"),
    MainPage("forecast", "/forecast"),
    MainPage("dashboard", "/dashboard"),
    MainPage("imports", "/imports"),
    MainPage("reports", "/reports"),
    MainPage("settings-stages", "/settings/stages", admin=True),
    MainPage("settings-custom-fields", "/settings/custom-fields", admin=True),
    MainPage("settings-assignment", "/settings/assignment", admin=True),
    MainPage("not-found", "/leads/999999999", status=404),
]


@dataclass
class Site:
    base: str
    records: dict[str, int]
    #: The cookies a sign-in through the form left, by e-mail (``_sign_in``).
    sessions: dict[str, list[Any]] = field(default_factory=dict)

    def url(self, main: MainPage) -> str:
        return self.base + main.path.format(**self.records)


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page; the context bypasses the page's CSP so that axe-core may be injected (the
    headers test reads the CSP itself)."""
    context = new_context(browser, bypass_csp=True, viewport=VIEWPORTS["laptop"])
    yield context.new_page()
    context.close()


@pytest.fixture
def strict_page(browser: Browser) -> Iterator[Page]:
    """A fresh page under the page's own CSP, as a user's browser opens it."""
    context = new_context(browser, viewport=VIEWPORTS["laptop"])
    yield context.new_page()
    context.close()


@pytest.fixture(scope="module")
def site(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The module's site, served from an SQLite database of its own (a copy of the migrated
    template, as the ``engine`` fixture makes), built once: making it (a dozen use cases, the
    server started) was repeated by each of the module's ~70 tests, which only read it."""
    path = tmp_path_factory.mktemp("quality") / "leadline.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite:///{path}")
    ctx = service_context(engine, FakeClock(START))
    organisation = initialise_organisation(ctx, admin_name="Ada Admin", admin_email=ADMIN)
    assert organisation.admin is not None
    with make_site(ctx, organisation.admin.id, engine) as made:
        yield made
    gate = write_gate(engine)
    engine.dispose()
    assert gate is not None and not gate.held, "a unit of work left the SQLite write gate held"


@contextmanager
def make_site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[Site]:
    """A rep's lead (contacted, edited, with activities) and account with a contact and an open
    opportunity, and a few more leads for the list; a custom pick-list carried over to accounts
    (the settings pages' forms), the admin with a password; served until the block ends."""
    set_password(ctx, admin_id, admin_id, PASSWORD)
    sales.add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold", "Silver"])
    sales.add_custom_field(ctx, admin_id, "account", "tier_note", "Tier", "text")
    add_field_mapping(ctx, admin_id, "lead.tier", "account.tier_note")
    rep = add_user(ctx, admin_id, name="Quinn Quality", email=REP, password=PASSWORD).id
    lead = create_lead(ctx, rep, {"first_name": "Ada", "last_name": "Ames", "company": "Acme Analytics",
                                  "email": "ada@acme.example", "rating": "hot", "budget_amount": "25000",
                                  "currency": "EUR", "description": "Wants a pilot for two teams."}).lead.id
    change_lead_status(ctx, rep, lead, "Contacted")
    update_lead(ctx, rep, lead, {"title": "Head of Sales"})
    for n in range(3):
        activities.log_activity(ctx, rep, kind="call", subject=f"Call {n + 1}", links=[("lead", lead)])
    for n in range(8):
        create_lead(ctx, rep, {"last_name": f"Lister {n}", "company": f"Company with a longer name {n}",
                               "email": f"lister{n}@example.com"})
    account = records.create_account(ctx, rep, {"name": "Bolt Industries"}).id
    contact = records.create_contact(ctx, rep, {"account_id": account, "first_name": "Bea", "last_name": "Bolt"}).id
    opportunity = records.create_opportunity(ctx, rep, {"account_id": account, "name": "Bolt pilot",
                                                        "amount": "12000"}).id
    ids = {"lead": lead, "account": account, "contact": contact, "opportunity": opportunity}
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield Site(base, ids)


def _sign_in(page: Page, site: Site, main: MainPage) -> None:
    """Signed in as the page's user: through the sign-in form the first time, then with the
    session's cookies that sign-in left (the form, a password hash and the leads list it lands on
    were each test's cost; the sign-in itself is tests/e2e/test_web.py's)."""
    email = ADMIN if main.admin else REP
    if email in site.sessions:
        page.context.add_cookies(site.sessions[email])
        return
    sign_in(page, site.base, email, PASSWORD)
    page.wait_for_url(f"{site.base}/leads")
    site.sessions[email] = page.context.cookies()


def _open(page: Page, site: Site, main: MainPage) -> None:
    if main.signed_in:
        _sign_in(page, site, main)
    answer = page.goto(site.url(main))
    assert answer is not None and answer.status == main.status, f"{main.path}: {answer and answer.status}"


@pytest.mark.parametrize("main", MAIN_PAGES, ids=lambda main: main.name)
def test_a_main_page_has_no_serious_accessibility_violation(page: Page, site: Site, main: MainPage) -> None:
    _open(page, site, main)

    assert_accessible(page)


@pytest.mark.parametrize("main", MAIN_PAGES, ids=lambda main: main.name)
def test_a_main_page_fits_a_laptop_and_a_tablet_and_loads_under_300_kb_from_the_server_alone(
    strict_page: Page, site: Site, main: MainPage,
) -> None:
    page, errors = strict_page, []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    with AssetLog(page, site.base) as assets:
        _open(page, site, main)
        page.wait_for_load_state("networkidle")

    overflow = {}
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        screenshot(page, f"{main.name}-{width}")
        overflow[width] = horizontal_overflow(page)
    assert overflow == dict.fromkeys(VIEWPORTS, 0), f"{main.path} scrolls sideways by {overflow} px"
    assert assets.total <= 300 * 1024, f"{main.path} loads {assets.total:,} bytes: {assets.assets}"
    assert not assets.foreign, f"{main.path} asks other hosts: {assets.foreign}"
    # a script or style the CSP refused, or a script that failed, shows as an error here
    assert not [e for e in errors if main.status < 400 or "status of" not in e], f"{main.path}: {errors}"


@pytest.mark.parametrize("main", MAIN_PAGES, ids=lambda main: main.name)
def test_a_main_page_is_sent_with_the_security_headers(page: Page, site: Site, main: MainPage) -> None:
    if main.signed_in:
        _sign_in(page, site, main)

    answer = page.request.get(site.url(main), max_redirects=0)

    assert answer.status == main.status
    headers = answer.headers
    policy = dict((part.strip().split(" ", 1) + [""])[:2] for part in headers["content-security-policy"].split(";"))
    assert policy["script-src"] == "'self'", policy  # no inline script, no hash, no eval, no other host
    assert policy["default-src"] == "'none'" and policy["frame-ancestors"] == "'none'", policy
    assert policy["form-action"] == "'self'" and policy["base-uri"] == "'none'", policy
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"
    assert headers["referrer-policy"] in ("same-origin", "no-referrer", "strict-origin-when-cross-origin")


def test_no_template_holds_an_inline_script_or_event_handler() -> None:
    offending = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text(encoding="utf-8")
        offending += [f"{template.relative_to(TEMPLATES)}: {m.group(0)[:80]!r}"
                      for pattern in (INLINE_SCRIPT, INLINE_HANDLER, JAVASCRIPT_URL) for m in pattern.finditer(text)]

    assert not offending, "the CSP refuses inline scripts; put them in web/static/leadline-<area>.js:\n" + \
        "\n".join(offending)


def test_the_vendored_axe_core_is_the_version_and_checksum_recorded() -> None:
    record = (AXE.parent / "VENDORED.md").read_text(encoding="utf-8")

    assert f"`axe.min.js` {hashlib.sha256(AXE.read_bytes()).hexdigest()}" in record
    assert AXE.read_text(encoding="utf-8").startswith("/*! axe v4.14.1")
    assert (AXE.parent / "axe-LICENSE.txt").read_text(encoding="utf-8").startswith("Mozilla Public License")
