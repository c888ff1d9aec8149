"""Money as the pages write it, in process on SQLite and PostgreSQL: an opportunity's field history
shows its amounts as money (in the currency of the moment), and the reports page writes its
amounts with thousands separated, as every other page does."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy.engine import Engine

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.opportunities.parts import add_line_item, create_product
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.e2e.web_support import screenshot, served, sign_in, signed_in_client


def history_cells(page: str) -> list[str]:
    table = page[page.index('class="records history"'):]
    table = table[:table.index("</table>")]
    return [re.sub(r"\s+", " ", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", table, re.S)]


def test_the_field_history_shows_amounts_as_money_in_the_currency_of_the_moment(
        ctx: ServiceContext, engine: Engine, admin_id: int, clock: FakeClock) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Big", "amount": "12000",
                                                      "currency": "USD", "stage": "Prospecting"}).id
    clock.advance(days=1)
    records.update_record(ctx, admin_id, "opportunity", deal, {"amount": "25000.5"})
    clock.advance(days=1)
    records.update_record(ctx, admin_id, "opportunity", deal, {"amount": "1500000", "currency": "JPY"})
    with signed_in_client(ctx, engine, admin_id) as client:
        page = client.get(f"/opportunities/{deal}")
    assert page.status_code == 200
    cells = history_cells(page.text)
    assert "25,000.50 USD" in cells and "12,000.00 USD" in cells  # the record's currency then
    assert "1,500,000 JPY" in cells and "25000.5" not in cells  # changed with the currency: the new one


def test_the_reports_page_writes_amounts_with_thousands_separated(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Big", "amount": "1234567.5",
                                               "currency": "USD", "stage": "Prospecting"})
    with signed_in_client(ctx, engine, admin_id) as client:
        page = client.get("/reports")
    assert page.status_code == 200
    assert '<td data-value="1234567.50">1,234,567.50 USD</td>' in page.text  # the chart's number stays plain
    assert "1 open, 1,234,567.50 USD in all." in page.text
    assert "1234567.50 USD" not in page.text


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
def test_the_history_and_the_reports_read_money_in_a_browser(
        page: Page, ctx: ServiceContext, engine: Engine, admin_id: int, clock: FakeClock) -> None:
    sam = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com", password="correct horse battery").id
    account = records.create_account(ctx, sam, {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, sam, {"account_id": account, "name": "Big", "amount": "12000",
                                                 "currency": "USD", "stage": "Prospecting"}).id
    clock.advance(days=1)
    records.update_record(ctx, sam, "opportunity", deal, {"amount": "1234567.5"})
    with served(ctx, engine.url.render_as_string(hide_password=False)) as base:
        sign_in(page, base, "sam@example.com", "correct horse battery")
        page.goto(f"{base}/opportunities/{deal}")
        change = page.locator("table.history tr", has_text="amount").first  # newest first
        expect(change).to_contain_text("12,000.00 USD")
        expect(change).to_contain_text("1,234,567.50 USD")
        screenshot(page, "opportunity-history-money")
        page.goto(f"{base}/reports")
        expect(page.locator("#pipeline-as-of .note")).to_contain_text("1,234,567.50 USD in all")
        screenshot(page, "reports-money")



def test_product_quantities_prices_and_discounts_are_written_as_plain_numbers_and_money(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    # given a lead interested in ten of a product at 1,000 each, and a deal with ten of it at 10 % off
    lead = leads.create_lead(ctx, admin_id, {"last_name": "Lee", "company": "Acme", "currency": "USD"},
                             products=[{"product": "Widget", "quantity": "10", "estimated_unit_price": "1000"}])
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": "Big", "currency": "USD",
                                                      "stage": "Prospecting"}).id
    widget = create_product(ctx, admin_id, name="Widget")
    add_line_item(ctx, admin_id, deal, product_id=widget.id, quantity="10", unit_price="1000", discount_percent="10")

    # when their pages are read
    with signed_in_client(ctx, engine, admin_id) as client:
        lead_page, deal_page = client.get(f"/leads/{lead.lead.id}").text, client.get(f"/opportunities/{deal}").text

    # then no number is written in exponent notation, and the price is money as everywhere else
    assert "Widget × 10 at 1,000.00 USD" in re.sub(r"\s+", " ", lead_page)
    item = re.sub(r"\s+", " ", deal_page[deal_page.index("data-line-item="):])
    item = item[:item.index("</tr>")]
    assert '<td class="number">10</td>' in item and '<td class="number">10 %</td>' in item
    assert "E+" not in lead_page and "E+" not in item
