"""How the pages word what they show, over HTTP (no browser; SQLite and PostgreSQL): a yes/no
field reads yes or no in the field history as in the fields (a lead's decision-maker flag, a
yes/no custom field of a lead and of an account), the history writes an owner by name, a
probability "40 %", a choice, a moment, an amount and a campaign or record by its name as the
pages do elsewhere, every time a record page shows (its history's included) says its zone, every record's history
is one table (when, who, field, from, to), and
a count takes its noun in the right number (the reports page's stages
note: "1 opportunity", never "1 opportunities")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.activities import log_activity
from leadline.services.campaigns.records import create_campaign
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.leads.records import create_lead, update_lead
from leadline.services.security.users import add_user
from tests.e2e.web_support import signed_in_client

#: A row of a field history table: its cells' texts.
ROW = re.compile(r"<tr>(.*?)</tr>", re.DOTALL)
CELL = re.compile(r"<td>(.*?)</td>", re.DOTALL)


@pytest.fixture
def client(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    with signed_in_client(ctx, engine, admin_id) as client:
        yield client


def history(html: str) -> list[list[str]]:
    section = html[html.index("Field history"):]
    return [[cell.strip() for cell in CELL.findall(row)] for row in ROW.findall(section) if "<td>" in row]


def test_a_yes_no_field_reads_yes_or_no_in_a_leads_history_as_in_its_fields(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "lead", "trial", "On trial", "boolean")
    lead = create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme"}).lead.id
    update_lead(ctx, admin_id, lead, {"is_decision_maker": True}, custom={"trial": True})
    update_lead(ctx, admin_id, lead, {"is_decision_maker": False}, custom={"trial": False})

    page = client.get(f"/leads/{lead}").text

    rows = history(page)
    flags = [row[2:5] for row in rows if row[2] in ("Decision maker", "On trial")]
    assert sorted(flags) == [["Decision maker", "no", "yes"], ["Decision maker", "yes", "no"],
                             ["Decision maker", "—", "no"], ["On trial", "yes", "no"], ["On trial", "—", "yes"]], rows
    assert not [row for row in rows if {"true", "false"} & set(row)]
    assert "<dt>Decision maker</dt><dd>no</dd>" in page and "<dt>On trial</dt><dd>no</dd>" in page


def test_a_yes_no_custom_field_reads_yes_or_no_in_an_accounts_history(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "account", "partner", "Partner", "boolean")
    add_custom_field(ctx, admin_id, "account", "motto", "Motto", "text")
    account = records.create_account(ctx, admin_id, {"name": "Bolt"}).id
    records.update_record(ctx, admin_id, "account", account, {"custom": {"partner": True, "motto": "true"}})

    rows = history(client.get(f"/accounts/{account}").text)

    assert ["partner", "—", "yes"] == next(row[2:5] for row in rows if row[2] == "partner")
    assert ["motto", "—", "true"] == next(row[2:5] for row in rows if row[2] == "motto")  # text stays as typed


def test_the_reports_page_counts_one_opportunity_in_the_singular(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Bolt"}).id
    records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Bolt pilot", "amount": "100"})

    page = client.get("/reports").text

    assert "1 opportunity, 0 won" in page
    assert not re.search(r"\b1 (opportunities|days|leads|rows)\b", page)


def test_an_opportunitys_and_a_contacts_history_name_their_account_not_its_id(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Bolt"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Pilot"}).id
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Bea"}).id

    for page in (f"/opportunities/{deal}", f"/contacts/{contact}"):
        rows = history(client.get(page).text)

        assert [row[2:5] for row in rows if row[2] == "account"] == [["account", "—", "Bolt"]], page
        assert str(account) not in client.get(page).text.split("Field history")[1], page


def test_an_opportunitys_history_writes_its_values_as_its_page_does(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    add_user(ctx, admin_id, name="Sam Rivers", email="sam@example.com")
    account = records.create_account(ctx, admin_id, {"name": "Bolt"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Pilot", "amount": "1000"}).id
    records.update_record(ctx, admin_id, "opportunity", deal, {
        "owner": "sam@example.com", "probability": "40", "forecast_category": "best_case", "amount": "12500"})

    page = client.get(f"/opportunities/{deal}").text
    rows: dict[str, list[str]] = {}
    for row in history(page):  # newest first: each field's latest change
        rows.setdefault(row[2], row[3:5])

    assert rows["owner"][1] == "Sam Rivers"
    assert "sam@example.com" not in page.split("Field history")[1].split("</table>")[0]
    assert rows["probability"][1] == "40 %" and "<dd>40 % (set by hand)</dd>" in page
    assert rows["forecast category"][1] == "best case"
    assert rows["amount"] == ["1,000.00 USD", "12,500.00 USD"]


def test_a_leads_history_names_its_owner_campaign_and_what_it_was_converted_into(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    add_user(ctx, admin_id, name="Sam Rivers", email="sam@example.com")
    spring = create_campaign(ctx, admin_id, {"name": "Spring webinar", "type": "webinar"}).id
    lead = create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme", "campaign_id": str(spring)}).lead.id
    update_lead(ctx, admin_id, lead, {"owner": "sam@example.com"})
    convert_lead(ctx, admin_id, lead, opportunity="none", qualification_override_reason="met at a fair")

    page = client.get(f"/leads/{lead}").text
    section = page.split("Field history")[1].split("</table>")[0]
    rows: dict[str, list[str]] = {}
    for row in history(page):  # newest first: each field's latest change
        rows.setdefault(row[2], row[3:5])

    assert rows["Owner"][1] == "Sam Rivers"
    assert rows["Campaign"] == ["—", "Spring webinar"]
    assert rows["Converted to account"] == ["—", "Acme"]
    assert rows["Converted to contact"] == ["—", "Ames"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d UTC", rows["Converted"][1]), rows["Converted"]
    assert "sam@example.com" not in section, section


#: A time of day as a page writes it, and what follows it.
TIME = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d(.{0,4})")


def test_every_time_a_records_page_shows_says_its_zone_its_historys_included(
        client: TestClient[Any], ctx: ServiceContext, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Bolt"}).id
    records.update_record(ctx, admin_id, "account", account, {"website": "bolt.example"})
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Pilot"}).id
    records.update_record(ctx, admin_id, "opportunity", deal, {"amount": "10"})
    contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": "Bea"}).id
    records.update_record(ctx, admin_id, "contact", contact, {"title": "Buyer"})
    lead = create_lead(ctx, admin_id, {"last_name": "Ames", "company": "Acme"}).lead.id
    update_lead(ctx, admin_id, lead, {"title": "Buyer"})
    for kind, record in (("account", account), ("opportunity", deal), ("contact", contact), ("lead", lead)):
        log_activity(ctx, admin_id, kind="task", subject=f"Call about the {kind}", links=[(kind, record)],
                     due_at=datetime(2026, 3, 9, 10, tzinfo=UTC))

    for page in (f"/accounts/{account}", f"/opportunities/{deal}", f"/contacts/{contact}", f"/leads/{lead}"):
        html = client.get(page).text
        in_history = TIME.findall(html.split("Field history")[1])

        assert in_history and set(in_history) == {" UTC"}, (page, in_history)
        assert set(TIME.findall(html)) == {" UTC"}, page
        assert "due 2026-03-09 10:00 UTC" in html, page  # an activity's times too, one line on every page
        # one table on every page: the same columns, who by name
        assert re.findall(r'<th scope="col">(\w+)</th>', html.split("Field history")[1]) == [
            "When", "Who", "Field", "From", "To"], page
        assert {row[1] for row in history(html)} == {"Ada Admin"}, page
