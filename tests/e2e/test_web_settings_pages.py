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
from leadline.services.configuration.statuses import add_status, list_sources, list_statuses
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.security import auth
from leadline.services.security.users import add_user
from leadline.web.session import SESSION_COOKIE
from leadline.web.settings import SECTIONS

PAGES = ["/settings", *(path for path, _, _ in SECTIONS)]
CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')


@pytest.fixture
def app(ctx: ServiceContext, engine: Engine) -> Any:
    url = engine.url.render_as_string(hide_password=False)
    return create_app(Application(Settings(database_url=url, rate_limit_per_minute=0), ctx, engine=None))


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

    for action, data in (("/settings/sources", {"label": "Podcast"}), ("/settings/tokens", {"name": "mine"})):
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
    ("/settings/forecast/quotas", {"user": "ada@example.com", "period": "2026-Q1", "amount": "lots"},
     "add-quota-amount", 422, "'lots' is not a number"),
    ("/settings/criteria", {"purpose": "qualification", "framework": "BANT", "name": "x", "conditions": "budget"},
     "add-criterion-conditions", 422, "is not FIELD:OPERATOR[:VALUE]"),
    ("/settings/users/password", {"user": "ada@example.com", "password": "short1"}, "set-password-password", 422,
     "at least"),
    ("/settings/processes", {"name": "New Business"}, "add-process-name", 409, "'New Business' already exists"),
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
