"""The web forms take a date written YYYY-MM-DD only, as every path does (domain.common.date_field):
over HTTP (SQLite and PostgreSQL) the ISO basic form ``20260301`` is refused with the rule's
words, beside the form or in place of the list, and nothing is written. The create forms, the
exchange-rate form and the reports page are checked with their own refusals
(test_web_record_create.py, test_web_settings_pages.py, test_web_reports.py)."""

from __future__ import annotations

from typing import Any

from litestar.testing import TestClient

from leadline.services.activities import list_activities
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from tests.e2e.test_web_record_create import CSRF, client  # noqa: F401  (the fixture)


def test_a_task_due_on_a_day_not_written_yyyy_mm_dd_is_refused_on_the_lead_page(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:  # noqa: F811
    lead = create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme"}).lead.id
    token = CSRF.search(client.get(f"/leads/{lead}").text)
    assert token is not None

    answer = client.post(f"/leads/{lead}/activities", follow_redirects=False, data={
        "kind": "task", "subject": "Call back", "due_at": "20260301T0930", "_csrf_token": token.group(1)})

    assert answer.status_code == 422, answer.text[:300]
    assert "&#39;20260301T0930&#39; is not a date and time (YYYY-MM-DD HH:MM, UTC)" in answer.text
    assert list_activities(ctx, admin_id, "lead", lead) == []


def test_the_lead_list_filter_by_creation_day_names_the_rule(client: TestClient[Any]) -> None:  # noqa: F811
    listed = client.get("/leads", params={"created_from": "20260301"})

    assert "&#39;20260301&#39; is not a date (YYYY-MM-DD, 1900 to 2999)" in listed.text
    assert "is not a date" not in client.get("/leads", params={"created_from": "2026-03-01"}).text
