"""The capture pages in a real headless Chromium: the form builder (a refusal shown beside its
field), the form's page with its snippet and preview, a submission held and released from the
quarantine page, and the snippet embedded in a page of another local site, posted from there."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.domain.queries import LeadQuery
from leadline.domain.queries import Page as PageQuery
from leadline.services.capture import forms
from leadline.services.context import ServiceContext
from leadline.services.leads.records import list_leads
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.e2e.web_support import (
    assert_accessible,
    follow,
    horizontal_overflow,
    screenshot,
    served,
    settled,
    sign_in,
)

ADMIN, PASSWORD = "root@example.com", "correct horse battery"
pytestmark = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@pytest.fixture
def admin(ctx: ServiceContext, admin_id: int) -> int:
    return add_user(ctx, admin_id, name="Root Admin", email=ADMIN, role="admin", password=PASSWORD).id


@pytest.fixture
def base(ctx: ServiceContext, admin: int, engine: Engine) -> Iterator[str]:
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield base


def _leads(ctx: ServiceContext, admin: int) -> list[Any]:
    return list_leads(ctx, admin, LeadQuery(), PageQuery.parse(50, "id", None, allowed=("id",)))


def test_build_a_form_then_release_what_its_preview_sent(page: Page, base: str, ctx: ServiceContext,
                                                         admin: int) -> None:
    sign_in(page, base, ADMIN, PASSWORD)
    page.goto(f"{base}/capture")
    follow(page, page.get_by_role("link", name="New form"))
    expect(page.get_by_role("heading", name="New web-to-lead form")).to_be_visible()
    page.get_by_label("Name", exact=True).fill("Contact us")
    page.get_by_label("Thank-you redirect address").fill("not an address")
    # the live preview answers first: its answer changes the page's height, which can move the button
    # between Playwright's scroll and its click (a click was lost so once in CI)
    expect(page.get_by_role("region", name="Preview")).to_contain_text("is not an http(s) address")
    settled(page)
    follow(page, page.get_by_role("button", name="Create the form"))
    expect(page.locator("#redirect_url-error")).to_contain_text("is not an http(s) address")
    expect(page.get_by_label("Name", exact=True)).to_have_value("Contact us")  # what was typed is kept
    page.get_by_label("Thank-you redirect address").fill("")
    expect(page.get_by_role("region", name="Preview")).not_to_contain_text("is not an http(s) address")
    settled(page)
    follow(page, page.get_by_role("button", name="Create the form"))
    expect(page.get_by_role("heading", name="Contact us")).to_be_visible()
    expect(page.get_by_label("Paste this into your web page")).to_contain_text('name="_lt"')
    preview = page.get_by_label("Preview of the form")
    preview.get_by_label("Last name").fill("Quick")
    preview.get_by_label("Company").fill("Bolt")
    preview.get_by_label("E-mail").fill("quick@bolt.example")
    preview.get_by_role("button", name="Send").click()  # at once: faster than a person
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    assert _leads(ctx, admin) == []
    page.goto(f"{base}/capture/quarantine")
    expect(page.get_by_role("cell", name="too_fast")).to_be_visible()
    page.get_by_role("button", name="Release the submission of Quick").click()
    expect(page.get_by_text("Nothing here.")).to_be_visible()
    assert [d.lead.last_name for d in _leads(ctx, admin)] == ["Quick"]


class _Site(BaseHTTPRequestHandler):
    page = b""

    def do_GET(self) -> None:  # noqa: N802 - the standard library's name
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.end_headers()
        self.wfile.write(self.page)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def other_site() -> Iterator[tuple[str, type[_Site]]]:
    handler = type("Site", (_Site,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler
    server.shutdown()
    thread.join(5)


def test_the_snippet_embedded_in_another_site_makes_a_lead(page: Page, base: str, ctx: ServiceContext,
                                                           admin: int, clock: FakeClock,
                                                           other_site: tuple[str, type[_Site]]) -> None:
    origin, site = other_site
    form = forms.add_form(ctx, admin, {"name": "Embedded", "allowed_origins": [origin], "source": "Website form"})
    snippet = forms.form_snippet(ctx, admin, form.id, secret="dev-insecure-change-me", base_url=base)
    site.page = f"<!doctype html><html><body><h1>Acme</h1>{snippet}</body></html>".encode()
    # the snippet's script asks Leadline for a fresh timing token: it must be dated before the clock moves
    with page.expect_response(lambda answer: answer.url.startswith(f"{base}/") and "/token" in answer.url) as token:
        page.goto(f"{origin}/landing?utm_source=newsletter&utm_campaign=spring")
    fresh = token.value.json()["token"]
    page.wait_for_function("fresh => document.querySelector('input[name=_lt]').value === fresh", arg=fresh)
    expect(page.locator("input[name=utm_source]")).to_have_value("newsletter")
    clock.advance(seconds=30)
    page.get_by_label("Last name").fill("Far")
    page.get_by_label("Company").fill("Away")
    page.get_by_label("E-mail").fill("far@away.example")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    [lead] = _leads(ctx, admin)
    from leadline.services.capture.channels import lead_capture

    kept = lead_capture(ctx, admin, lead.lead.id)
    assert kept is not None and (kept.utm_source, kept.utm_campaign) == ("newsletter", "spring")
    assert kept.landing_page == f"{origin}/landing?utm_source=newsletter&utm_campaign=spring"


def test_the_builder_previews_the_form_as_the_admin_edits_it(page: Page, base: str, ctx: ServiceContext,
                                                             admin: int) -> None:
    sign_in(page, base, ADMIN, PASSWORD)
    page.goto(f"{base}/capture/forms/new")
    preview = page.locator("#form-preview")
    expect(preview.get_by_label("Last name *")).to_be_visible()  # the default fields, before any edit
    expect(preview.get_by_label("Job title")).to_have_count(0)
    expect(preview.get_by_text("Leave this empty")).to_have_count(1)  # the honeypot, off-screen
    page.locator("#show-title").check()
    expect(preview.get_by_label("Job title", exact=True)).to_be_visible()
    page.locator("#require-title").check()
    expect(preview.get_by_label("Job title *")).to_be_visible()
    quiz = page.get_by_label("Quiz questions (JSON, see the README)")
    quiz.fill('[{"key": "when", "label": "When do you buy?", "kind": "single", '
              '"options": [{"value": "now", "points": 10}, {"value": "later", "points": 1}]}]')
    expect(preview.get_by_role("group", name="When do you buy?")).to_be_visible()
    quiz.fill("[nope")
    expect(preview.get_by_role("status")).to_contain_text("is not JSON")
    quiz.fill("")
    page.get_by_label("Honeypot field").uncheck()
    expect(preview.get_by_label("Job title *")).to_be_visible()
    expect(preview.get_by_text("Leave this empty")).to_have_count(0)
    assert forms.list_forms(ctx, admin) == []  # a preview stores nothing


#: A change of the draft made where the page does not scroll to it (Playwright's ``check`` and
#: ``fill`` scroll their control into view): the preview alone may move anything.
_CHANGE = """([selector, value]) => {
  const control = document.querySelector(selector);
  if (control.type === "checkbox") control.checked = value === "on"; else control.value = value;
  control.dispatchEvent(new Event("change", {bubbles: true}));
}"""


@pytest.mark.parametrize(("width", "height"), [(1366, 768), (390, 844)], ids=["laptop", "phone"])
def test_the_create_button_stays_put_while_the_preview_changes(axe_page: Page, base: str, width: int,
                                                              height: int) -> None:
    page = axe_page
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, base, ADMIN, PASSWORD)
    page.goto(f"{base}/capture/forms/new")
    settled(page)
    preview, button = page.locator("#form-preview"), page.get_by_role("button", name="Create the form")
    # the page scrolled to its end, the button under the pointer: a page that grew or shrank there
    # would move it (the scroll is clamped to the page's new height)
    page.evaluate("window.scrollTo(0, document.scrollingElement.scrollHeight)")
    before = button.bounding_box()
    assert before is not None and 0 <= before["y"] and before["y"] + before["height"] <= height
    screenshot(page, f"capture-builder-{width}")

    page.evaluate(_CHANGE, ["#show-title", "on"])  # a field added
    expect(preview.get_by_label("Job title", exact=True)).to_be_visible()
    settled(page)
    assert button.bounding_box() == before
    page.evaluate(_CHANGE, ["#questions", '[{"key": "when", "label": "When do you buy?", "kind": "single", '
                            '"options": [{"value": "now"}, {"value": "soon"}, {"value": "later"}]}]'])
    expect(preview.get_by_role("group", name="When do you buy?")).to_be_visible()
    settled(page)
    assert button.bounding_box() == before
    screenshot(page, f"capture-builder-{width}-grown")
    page.evaluate(_CHANGE, ["#redirect_url", "not an address"])  # the preview shrinks to a message
    expect(preview.get_by_role("status")).to_contain_text("is not an http(s) address")
    settled(page)
    assert button.bounding_box() == before
    assert horizontal_overflow(page) == 0
    assert_accessible(page)
