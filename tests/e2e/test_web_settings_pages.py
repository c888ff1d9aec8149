"""Every settings page over HTTP (no browser; quick): an admin sees each, a rep gets the 403 page
for each and cannot post; each form shows the use case's refusal beside its field, with the
status the API gives it. On SQLite and PostgreSQL."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.asgi import create_app
from leadline.bootstrap import Application
from leadline.config import Settings
from leadline.services.configuration import lead_workflow as workflow
from leadline.services.configuration import sales
from leadline.services.configuration.statuses import add_status, list_sources, list_statuses
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.security import auth
from leadline.services.security.users import add_user
from leadline.web.session import SESSION_COOKIE
from leadline.web.settings import SECTIONS
from tests.e2e.api_support import lent_app

PAGES = ["/settings", *(path for path, _, _ in SECTIONS)]
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def app(ctx: ServiceContext, engine: Engine) -> Iterator[Any]:
    url = engine.url.render_as_string(hide_password=False)
    with lent_app(Application(Settings(database_url=url, rate_limit_per_minute=0), ctx, engine=None),
                  create_app) as app:
        yield app


def client_of(app: Any, ctx: ServiceContext, user_id: int) -> Iterator[TestClient[Any]]:
    token, info = auth.create_token(ctx, user_id, name="web sign-in", hours=1, expires_in_days=None)
    with TestClient(app, base_url="http://leadline.local") as client:
        client.cookies.set(SESSION_COOKIE, f"{info.id}.{token}")
        yield client


@pytest.fixture
def admin(app: Any, ctx: ServiceContext, admin_id: int) -> Iterator[TestClient[Any]]:
    yield from client_of(app, ctx, admin_id)


@pytest.fixture
def rep(app: Any, ctx: ServiceContext, admin_id: int) -> Iterator[TestClient[Any]]:
    yield from client_of(app, ctx, add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id)


def post(client: TestClient[Any], action: str, data: dict[str, str]) -> Any:
    """Post ``data`` to ``action`` with the session's CSRF token, as a form does."""
    token = CSRF.search(client.get("/dashboard").text)
    assert token is not None
    return client.post(action, data={**data, "_csrf_token": token.group(1)}, follow_redirects=False)


def test_an_admin_sees_every_settings_page(admin: TestClient[Any]) -> None:
    for path in PAGES:
        answer = admin.get(path)
        assert answer.status_code == 200, (path, answer.text[:500])
        assert 'href="/settings"' in answer.text  # the nav shows Settings to admins


def test_a_rep_gets_the_403_page_for_every_settings_page_and_cannot_post(
        rep: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    for path in PAGES:
        answer = rep.get(path)
        assert answer.status_code == 403, path
        assert "You may not do that" in answer.text
    before = list_sources(ctx)

    for action, data in (("/settings/sources", {"label": "Podcast"}), ("/settings/tokens", {"name": "mine"}),
                         ("/settings/assignment/rules", {"name": "Mine", "user": "ada@example.com"}),
                         ("/settings/assignment/simulate", {"last": "10"})):
        refused = post(rep, action, data)
        assert refused.status_code == 403 and "You may not do that" in refused.text, action
    assert list_sources(ctx) == before
    assert [t.name for t in auth.list_tokens(ctx, admin_id) if t.name == "mine"] == []
    assert 'href="/settings"' not in rep.get("/dashboard").text


REFUSALS = [  # (action, form data, the field's id, the status, what the message says)
    ("/settings/statuses", {"label": "contacted", "kind": "working"}, "add-status-label", 422, "already exists"),
    ("/settings/reasons", {"kind": "opportunity_lost", "label": "Price"}, "add-reason-label", 422, "already exists"),
    ("/settings/users", {"name": "No Mail", "email": ""}, "add-user-email", 422, "is required"),
    ("/settings/custom-fields", {"record_type": "lead", "name": "9 lives", "label": "x", "type": "text"},
     "add-field-name", 422, "must start with a letter"),
    ("/settings/forecast/rates", {"currency": "USD", "rate": "2", "valid_from": "2026-01-01"}, "add-rate-currency",
     422, "the organisation's currency"),
    ("/settings/forecast/rates", {"currency": "EUR", "rate": "2", "valid_from": "20260301"}, "add-rate-valid_from",
     422, "is not a date (YYYY-MM-DD, 1900 to 2999)"),  # the ISO basic form: one date rule on every path
    ("/settings/forecast/quotas", {"user": "ada@example.com", "period": "2026-Q1", "amount": "lots"},
     "add-quota-amount", 422, "'lots' is not a number"),
    ("/settings/criteria", {"purpose": "qualification", "framework": "BANT", "name": "x", "conditions": "budget"},
     "add-criterion-conditions", 422, "is not FIELD:OPERATOR[:VALUE]"),
    ("/settings/users/password", {"user": "ada@example.com", "password": "short1"}, "set-password-password", 422,
     "at least"),
    ("/settings/processes", {"name": "New Business"}, "add-process-name", 409, "'New Business' already exists"),
    ("/settings/assignment/rules", {"name": "Nobody", "user": "", "group": ""}, "add-rule-user", 422,
     "a user or to a round-robin group"),
    ("/settings/assignment/rules", {"name": "Size", "user": "ada@example.com", "min_employees": "50",
                                    "max_employees": "10"}, "add-rule-max_employees", 422, "must not be below min"),
    ("/settings/assignment/groups", {"name": "Team", "members": "ada@example.com lots"}, "add-group-members", 422,
     ""),
    ("/settings/assignment/simulate", {"last": "0"}, "simulate-last", 422, "must be between 1"),
]


@pytest.mark.parametrize("action, data, field, status, message", REFUSALS, ids=[r[2] for r in REFUSALS])
def test_a_refusal_is_shown_beside_its_field(admin: TestClient[Any], action: str, data: dict[str, str], field: str,
                                             status: int, message: str) -> None:
    answer = post(admin, action, data)

    assert answer.status_code == status, answer.text[:300]
    shown = re.search(rf'id="{field}-error">([^<]*)<', answer.text)
    assert shown is not None, answer.text
    assert message.replace("'", "&#39;") in shown.group(1)
    assert f'id="{field}"' in answer.text
    assert "short1" not in answer.text  # a password is never shown again


def test_a_status_leads_carry_cannot_be_deleted_and_an_unused_one_can(
        admin: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme"})
    in_use = next(s for s in list_statuses(ctx) if s.is_default)
    spare = add_status(ctx, admin_id, "Nurturing", "working")

    refused = post(admin, f"/settings/statuses/{in_use.id}/delete", {})
    deleted = post(admin, f"/settings/statuses/{spare.id}/delete", {})

    assert refused.status_code == 409 and 'role="alert"' in refused.text
    assert deleted.status_code == 303
    assert [s.label for s in list_statuses(ctx)].count("Nurturing") == 0


def test_an_admin_edits_a_custom_field_a_process_and_a_field_mapping(admin: TestClient[Any], ctx: ServiceContext,
                                                                     admin_id: int) -> None:
    tier = sales.add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold"])
    for record in ("account", "contact"):
        sales.add_custom_field(ctx, admin_id, record, "tier_note", "Tier", "text")
    mapping = workflow.add_field_mapping(ctx, admin_id, "lead.tier", "account.tier_note")
    renewals = sales.add_process(ctx, admin_id, "Renewals")
    page = admin.get("/settings/custom-fields").text
    assert f'id="field-{tier.id}-label"' in page and f'id="mapping-{mapping.id}-target"' in page

    answers = [
        post(admin, f"/settings/custom-fields/{tier.id}", {"label": "Customer tier", "options": "Gold, Silver",
                                                           "required": "on", "active": "on"}),
        post(admin, f"/settings/field-mappings/{mapping.id}", {"source": "lead.tier", "target": "contact.tier_note"}),
        post(admin, f"/settings/processes/{renewals.id}", {"name": "Renewal business", "default": "on",
                                                           "active": "on"}),
    ]

    assert [a.status_code for a in answers] == [303, 303, 303]
    [field] = sales.list_custom_fields(ctx, "lead")
    assert (field.label, field.options, field.required, field.is_active) == ("Customer tier", ("Gold", "Silver"),
                                                                             True, True)
    assert [(m.source, m.target) for m in workflow.list_field_mappings(ctx)] == [("lead.tier", "contact.tier_note")]
    assert [p.name for p in sales.list_processes(ctx) if p.is_default] == ["Renewal business"]


EDIT_REFUSALS = [  # (what to post to: process, field or mapping; form data; the control; status; message)
    ("process", {"name": "New Business", "active": "on"}, "default", 422, "make another one the default"),
    ("field", {"label": "", "active": "on"}, "label", 422, "is required"),
    ("field", {"label": "Tier", "options": "", "active": "on"}, "options", 422, "at least one option"),
    ("mapping", {"source": "lead.tier", "target": "account.seats"}, "target", 422, "cannot fill a number field"),
]


@pytest.mark.parametrize("what, data, control, status, message", EDIT_REFUSALS,
                         ids=[f"{r[0]}-{r[2]}" for r in EDIT_REFUSALS])
def test_an_edit_refused_is_shown_beside_its_control_and_changes_nothing(
        admin: TestClient[Any], ctx: ServiceContext, admin_id: int, what: str, data: dict[str, str], control: str,
        status: int, message: str) -> None:
    tier = sales.add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "picklist", options=["Gold"])
    sales.add_custom_field(ctx, admin_id, "account", "seats", "Seats", "number")
    sales.add_custom_field(ctx, admin_id, "account", "tier_note", "Tier", "text")
    mapping = workflow.add_field_mapping(ctx, admin_id, "lead.tier", "account.tier_note")
    default = next(p for p in sales.list_processes(ctx) if p.is_default)
    ids = {"process": ("processes", default.id), "field": ("custom-fields", tier.id),
           "mapping": ("field-mappings", mapping.id)}
    before = (sales.list_processes(ctx), sales.list_custom_fields(ctx), workflow.list_field_mappings(ctx))
    path, record_id = ids[what]

    answer = post(admin, f"/settings/{path}/{record_id}", data)

    assert answer.status_code == status, answer.text[:300]
    form = {"process": "process", "field": "field", "mapping": "mapping"}[what]
    if control == "default":  # a checkbox: its message follows it
        assert message in answer.text
    else:
        shown = re.search(rf'id="{form}-{record_id}-{control}-error">([^<]*)<', answer.text)
        assert shown is not None and message in shown.group(1), answer.text
    assert (sales.list_processes(ctx), sales.list_custom_fields(ctx), workflow.list_field_mappings(ctx)) == before


def test_a_rep_cannot_post_an_edit(rep: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    tier = sales.add_custom_field(ctx, admin_id, "lead", "tier", "Tier", "text")

    refused = post(rep, f"/settings/custom-fields/{tier.id}", {"label": "Mine", "active": "on"})

    assert refused.status_code == 403
    assert sales.list_custom_fields(ctx) == [tier]
