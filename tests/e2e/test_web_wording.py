"""How the pages word what they show, over HTTP (no browser; SQLite and PostgreSQL): a yes/no
field reads yes or no in the field history as in the fields (a lead's decision-maker flag, a
yes/no custom field of a lead and of an account), and a count takes its noun in the right
number (the reports page's stages note: "1 opportunity", never "1 opportunities")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads.records import create_lead, update_lead
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

    assert ["partner", "—", "yes"] == next(row[1:4] for row in rows if row[1] == "partner")
    assert ["motto", "—", "true"] == next(row[1:4] for row in rows if row[1] == "motto")  # text stays as typed


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

        assert [row[1:4] for row in rows if row[1] == "account"] == [["account", "—", "Bolt"]], page
        assert str(account) not in client.get(page).text.split("Field history")[1], page
