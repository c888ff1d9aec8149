"""The duplicates page's handlers in process (no browser): its title holds no markup (the recent
merges and their CSRF tokens belong in the page, not the tab), and every handler refuses a
non-admin before anything is read or written, the merge dialog and the merge post included."""

from __future__ import annotations

import html
import re

from sqlalchemy.engine import Engine

from leadline.services.context import ServiceContext
from leadline.services.duplicates.merge import merge_records
from leadline.services.leads.records import create_lead, get_lead, update_lead
from leadline.services.security.users import add_user
from tests.e2e.test_web_record_create import CSRF
from tests.e2e.web_support import signed_in_client

ANN = {"first_name": "Ann", "last_name": "Smith", "company": "Acme", "email": "ann@acme.example"}
TITLE = re.compile(r"<title>(.*?)</title>", re.S)


def test_the_page_title_is_plain_text_once_a_merge_is_listed(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    first = create_lead(ctx, admin_id, ANN).lead.id
    second = create_lead(ctx, admin_id, ANN).lead.id
    merge_records(ctx, admin_id, "lead", [first, second], keep=first)
    with signed_in_client(ctx, engine, admin_id) as web:
        page = web.get("/duplicates")
    assert page.status_code == 200
    assert "Recent merges" in page.text  # the list is on the page...
    title = TITLE.search(page.text)
    assert title is not None
    assert title.group(1) == "Duplicates · Leadline"  # ...and not in the title
    assert "Undo merge<span class=\"visually-hidden\"> into Ann Smith · Acme · ann@acme.example</span>" in page.text
    assert f">lead {first}<" not in page.text  # the record kept by its name, not its id


def test_a_manager_is_refused_the_dialog_and_the_merge_and_nothing_is_merged(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    manager = add_user(ctx, admin_id, name="Marco", email="marco@example.com", role="manager")
    first = create_lead(ctx, manager.id, ANN).lead.id
    second = create_lead(ctx, manager.id, ANN).lead.id
    with signed_in_client(ctx, engine, manager.id) as web:
        token = CSRF.search(web.get("/leads").text)
        assert token is not None
        dialog = web.get(f"/duplicates/merge?record_kind=lead&record_ids={first}+{second}")
        posted = web.post("/duplicates/merge", follow_redirects=False,
                          data={"record_kind": "lead", "record_ids": f"{first} {second}", "keep": str(first),
                                "_csrf_token": token.group(1)})
    assert dialog.status_code == 403
    assert "Ann" not in dialog.text  # no record shown
    assert posted.status_code == 403
    assert get_lead(ctx, admin_id, first).lead.id == first
    assert get_lead(ctx, admin_id, second).lead.id == second  # not merged into the first


def test_a_record_changed_after_the_dialog_opened_is_refused_as_stale_and_nothing_is_merged(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    first = create_lead(ctx, admin_id, {**ANN, "title": "CTO"}).lead.id
    second = create_lead(ctx, admin_id, {**ANN, "title": "CEO"}).lead.id
    with signed_in_client(ctx, engine, admin_id) as web:
        dialog = web.get(f"/duplicates/merge?record_kind=lead&record_ids={first}+{second}")
        posted = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', dialog.text))
        assert set(posted) >= {"_csrf_token", f"version.{first}", f"version.{second}"}
        update_lead(ctx, admin_id, second, {"title": "Chief Executive"})  # someone else, meanwhile
        refused = web.post("/duplicates/merge", follow_redirects=False,
                           data={**posted, "keep": str(first), "field.title": str(second)})
    assert refused.status_code == 412
    assert f"the lead {second} changed since the merge dialog showed it" in html.unescape(refused.text).lower()
    assert get_lead(ctx, admin_id, second).lead.id == second  # not merged
    assert get_lead(ctx, admin_id, first).lead.title == "CTO"
