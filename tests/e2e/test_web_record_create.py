"""The create forms of accounts, contacts and opportunities: over HTTP (no browser; SQLite and
PostgreSQL) each refusal is the use case's message beside its control with what was typed kept,
nothing is written, and a post without the CSRF token is refused; in a real headless Chromium
(SQLite) a rep makes an account, a contact at it and an opportunity at a stage of their choosing,
with the keyboard alone. And the lead page's checklist shows a budget at its currency's scale."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.domain.queries import Page as RecordPage
from leadline.domain.queries import RecordQuery
from leadline.services import records
from leadline.services.configuration.sales import list_stages
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead
from leadline.services.security.users import add_user
from tests.e2e.web_support import follow, landing, served, sign_in, signed_in_client

CSRF = re.compile(r'name="_csrf_token" value="([^"]+)"')
REP, PASSWORD = "rita@example.com", "correct horse battery"
SQLITE_ONLY = pytest.mark.parametrize("engine", ["sqlite"], indirect=True)


@pytest.fixture
def client(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    with signed_in_client(ctx, engine, admin_id) as client:
        yield client


def post(client: TestClient[Any], action: str, data: dict[str, str], *, token: bool = True) -> Any:
    """Post ``data`` to ``action`` (with the session's CSRF token unless ``token`` is False)."""
    found = CSRF.search(client.get(action).text)
    assert found is not None
    sent = {**data, "_csrf_token": found.group(1)} if token else data
    return client.post(action, data=sent, follow_redirects=False)


def _all(ctx: ServiceContext, admin_id: int, kind: str) -> list[Any]:
    return records.list_records(ctx, admin_id, kind, RecordQuery(), RecordPage(limit=100))


def test_the_list_pages_offer_a_new_record(client: TestClient[Any]) -> None:
    for path, text in (("/accounts", "New account"), ("/contacts", "New contact"),
                       ("/opportunities", "New opportunity")):
        answer = client.get(path)
        assert f'href="{path}/new"' in answer.text and text in answer.text, path
        form = client.get(f"{path}/new")
        assert form.status_code == 200 and "_csrf_token" in form.text, path


def test_an_account_is_created_and_its_page_opened(client: TestClient[Any], ctx: ServiceContext,
                                                    admin_id: int) -> None:
    answer = post(client, "/accounts/new", {"name": " Acme ", "website": "https://acme.example", "industry": "",
                                            "owner": "ada@example.com"})

    assert answer.status_code == 303
    [account] = _all(ctx, admin_id, "account")
    assert answer.headers["location"] == f"/accounts/{account.id}"
    assert (account.name, account.website, account.industry) == ("Acme", "https://acme.example", None)


def test_a_record_a_warn_rule_matches_is_created_and_its_page_names_the_duplicates(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    """Given an account, a contact and a lead already stored, when the same ones are made on the
    web (the warn rules, the default), each is created and its page says which it may duplicate,
    linked, as the API's answer does; a record nothing matches says nothing."""
    account = records.create_account(ctx, admin_id, {"name": "Acme", "website": "acme.example"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Smith",
                                                     "email": "ann@acme.example"}).id
    lead = create_lead(ctx, admin_id, {"last_name": "Smith", "company": "Acme", "email": "ann@acme.example"}).lead.id

    for action, data, kind, matched in (
            ("/accounts/new", {"name": "Acme", "website": "https://www.acme.example"}, "account", account),
            ("/contacts/new", {"account_id": str(account), "last_name": "Smith", "email": "Ann@acme.example"},
             "contact", contact),
            ("/leads/new", {"last_name": "Smith", "company": "Acme", "email": "ann@acme.example",
                            "currency": "USD"}, "lead", lead)):
        answer = post(client, action, data)
        assert answer.status_code == 303, answer.text
        page = client.get(answer.headers["location"])
        assert f'may duplicate <a href="/{kind}s/{matched}">{kind} {matched}</a>' in page.text, kind
    alone = post(client, "/accounts/new", {"name": "Globex", "website": "globex.example"})
    assert "may duplicate" not in client.get(alone.headers["location"]).text


def test_an_account_without_a_name_is_refused_beside_the_field_and_nothing_is_written(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    answer = post(client, "/accounts/new", {"name": "  ", "industry": "Machinery", "number_of_employees": "12"})

    assert answer.status_code == 422
    assert 'id="new-name-error"' in answer.text
    assert 'value="Machinery"' in answer.text  # what was typed stays
    assert _all(ctx, admin_id, "account") == []


def test_a_contact_with_a_bad_email_is_refused_beside_the_field(client: TestClient[Any], ctx: ServiceContext,
                                                               admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    form = client.get(f"/contacts/new?account={account}")
    assert f'<option value="{account}" selected>Acme</option>' in form.text

    answer = post(client, "/contacts/new", {"account_id": str(account), "last_name": "Cole", "email": "cara at acme"})

    assert answer.status_code == 422
    assert 'id="new-email-error"' in answer.text and "is not a valid e-mail address" in answer.text
    assert 'value="cara at acme"' in answer.text
    assert _all(ctx, admin_id, "contact") == []
    created = post(client, "/contacts/new", {"account_id": str(account), "last_name": "Cole",
                                             "email": "cara@acme.example"})
    assert created.status_code == 303
    [contact] = _all(ctx, admin_id, "contact")
    assert (contact.account_id, contact.email) == (account, "cara@acme.example")


def test_a_contact_needs_an_account(client: TestClient[Any]) -> None:
    answer = post(client, "/contacts/new", {"account_id": "", "last_name": "Cole"})

    assert answer.status_code == 422
    assert 'id="new-account_id-error"' in answer.text


def test_an_opportunity_is_created_at_the_stage_amount_currency_and_close_date_chosen(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    stage = next(s for s in list_stages(ctx) if s.label == "Qualification")

    answer = post(client, "/opportunities/new", {
        "name": "Acme pilot", "account_id": str(account), "stage": str(stage.id), "amount": "1250.5",
        "currency": "EUR", "close_date": "2031-03-31", "type": "", "owner": "ada@example.com"})

    assert answer.status_code == 303, answer.text
    [deal] = _all(ctx, admin_id, "opportunity")
    assert (deal.name, deal.stage_id, str(deal.amount), deal.currency, deal.close_date.isoformat()) == (
        "Acme pilot", stage.id, "1250.5000", "EUR", "2031-03-31")
    assert answer.headers["location"] == f"/opportunities/{deal.id}"


@pytest.mark.parametrize(("sent", "control"), [
    ({"amount": "lots"}, "amount"), ({"close_date": "31/03/2031"}, "close_date"), ({"currency": "XXY"}, "currency"),
    ({"close_date": "20310331"}, "close_date"), ({"stage": "999999"}, "stage"), ({"name": ""}, "name"),
])
def test_an_opportunity_refused_shows_why_beside_the_control_and_writes_nothing(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int, sent: dict[str, str], control: str) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id

    answer = post(client, "/opportunities/new", {"name": "Acme pilot", "account_id": str(account), **sent})

    assert answer.status_code == 422
    assert f'id="new-{control}-error"' in answer.text, answer.text
    assert _all(ctx, admin_id, "opportunity") == []


def test_a_create_form_posted_without_the_csrf_token_is_refused(client: TestClient[Any], ctx: ServiceContext,
                                                               admin_id: int) -> None:
    answer = post(client, "/accounts/new", {"name": "Acme"}, token=False)

    assert answer.status_code == 403
    assert _all(ctx, admin_id, "account") == []


@pytest.fixture
def site(ctx: ServiceContext, admin_id: int, engine: Engine) -> Iterator[str]:
    add_user(ctx, admin_id, name="Rita Rep", email=REP, password=PASSWORD)
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        yield base


@SQLITE_ONLY
def test_a_rep_creates_an_account_a_contact_and_an_opportunity_with_the_keyboard(page: Page, site: str) -> None:
    sign_in(page, site, REP, PASSWORD)
    page.goto(f"{site}/accounts")
    page.get_by_role("link", name="New account").focus()
    with landing(page):
        page.keyboard.press("Enter")
    page.get_by_label("Name").focus()
    page.keyboard.type("Bolt Industries")
    with landing(page):
        page.keyboard.press("Enter")  # submits the form
    expect(page.get_by_role("heading", level=1)).to_have_text("Bolt Industries")

    follow(page, page.get_by_role("link", name="New contact"))
    expect(page.get_by_label("Account")).to_have_value(re.compile(r"^\d+$"))  # the account it came from
    page.get_by_label("Last name").fill("Bolt")
    page.get_by_label("E-mail").fill("bea at bolt")
    follow(page, page.get_by_role("button", name="Create the contact"))
    expect(page.locator("#new-email-error")).to_contain_text("is not a valid e-mail address")
    expect(page.get_by_label("E-mail")).to_have_value("bea at bolt")
    page.get_by_label("E-mail").fill("bea@bolt.example")
    follow(page, page.get_by_role("button", name="Create the contact"))
    expect(page.locator("dl.fields")).to_contain_text("bea@bolt.example")

    follow(page, page.get_by_role("link", name="Bolt Industries"))
    follow(page, page.get_by_role("link", name="New opportunity"))
    page.get_by_label("Name").fill("Bolt pilot")
    page.get_by_label("Stage").select_option(label="New Business: Proposal/Quote")
    page.get_by_label("Amount").fill("4200")
    page.get_by_label("Currency").select_option("EUR")
    page.get_by_label("Close date").fill("2031-03-31")
    page.get_by_role("button", name="Create the opportunity").click()
    expect(page.locator("dd.stage")).to_have_text("Proposal/Quote")
    expect(page.locator("dd.amount")).to_have_text("4,200.00 EUR")


def test_the_lead_pages_checklist_shows_the_budget_at_its_currencys_scale(client: TestClient[Any],
                                                                          ctx: ServiceContext, admin_id: int) -> None:
    lead = create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme", "budget_amount": "25000",
                                       "currency": "EUR"}).lead.id

    page = client.get(f"/leads/{lead}")

    assert page.status_code == 200
    assert "Budget 25,000.00 EUR is at least 1000" in page.text and "25000.0000" not in page.text
    assert "budget_amount" not in page.text  # the field by its label
