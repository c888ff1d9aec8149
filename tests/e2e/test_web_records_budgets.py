"""Query-count budgets of the record pages, on SQLite and PostgreSQL (tests/query_counts.py): an
account's page with ten contacts and opportunities sends the statements of one with one; an
opportunity's page with six line items and contact roles those of one with one; a contact's page
whose field history names eight accounts those of one naming one (the names are read per kind,
never per record: web/record_history.py); a list page of 50 rows those of a page of 14."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from litestar.testing import TestClient
from sqlalchemy import Engine

from leadline.services import records
from leadline.services.activities import log_activity
from leadline.services.context import ServiceContext
from leadline.services.opportunities.parts import add_contact_role, add_line_item, create_product, set_list_price
from tests import query_counts as counts
from tests.e2e.web_support import signed_in_client


@pytest.fixture
def browser_of(ctx: ServiceContext, engine: Engine, admin_id: int) -> Iterator[TestClient[Any]]:
    """The web pages in process, signed in as the admin (the session cookie of a web sign-in)."""
    counts.prepare(ctx, admin_id)
    with signed_in_client(ctx, engine, admin_id) as client:
        yield client


def _cost(engine: Engine, client: TestClient[Any], path: str) -> list[str]:
    first = client.get(path)  # the caches filled
    assert first.status_code == 200, first.text
    return counts.statements_of(engine, lambda: client.get(path))


def _account(ctx: ServiceContext, admin_id: int, size: int) -> int:
    account = records.create_account(ctx, admin_id, {"name": f"Account of {size}"}).id
    for n in range(size):
        records.create_contact(ctx, admin_id, {"account_id": account, "last_name": f"Contact {n}"})
        records.create_opportunity(ctx, admin_id, {"account_id": account, "name": f"Deal {n}", "amount": "10"})
    return account


def _opportunity(ctx: ServiceContext, admin_id: int, size: int, product: int) -> int:
    account = records.create_account(ctx, admin_id, {"name": f"Home of {size}"}).id
    deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": f"Deal of {size}"}).id
    for n in range(size):
        contact = records.create_contact(ctx, admin_id, {"account_id": account, "last_name": f"Contact {n}"}).id
        add_contact_role(ctx, admin_id, deal, contact_id=contact, role="influencer")
        add_line_item(ctx, admin_id, deal, product_id=product, quantity=str(n + 1))
    return deal


def test_an_accounts_page_costs_the_same_for_one_related_record_as_for_ten(
        ctx: ServiceContext, engine: Engine, admin_id: int, browser_of: TestClient[Any]) -> None:
    small, large = _account(ctx, admin_id, 1), _account(ctx, admin_id, 10)

    one, ten = (_cost(engine, browser_of, f"/accounts/{a}") for a in (small, large))

    assert len(ten) == len(one), counts.shown(ten)


def test_an_opportunitys_page_costs_the_same_for_one_part_as_for_six(
        ctx: ServiceContext, engine: Engine, admin_id: int, browser_of: TestClient[Any]) -> None:
    product = create_product(ctx, admin_id, name="Widget").id
    set_list_price(ctx, admin_id, product_id=product, currency="USD", unit_price="100")
    small, large = _opportunity(ctx, admin_id, 1, product), _opportunity(ctx, admin_id, 6, product)

    one, six = (_cost(engine, browser_of, f"/opportunities/{o}") for o in (small, large))

    assert len(six) == len(one), counts.shown(six)


def _moved_contact(ctx: ServiceContext, admin_id: int, moves: int) -> int:
    """A contact moved through ``moves`` accounts: its history names each of them, and its owners."""
    owners = [records.create_account(ctx, admin_id, {"name": f"Start of {moves}"}).id]
    contact = records.create_contact(ctx, admin_id, {"account_id": owners[0], "last_name": f"Mover {moves}"}).id
    for n in range(moves):
        account = records.create_account(ctx, admin_id, {"name": f"Stop {n} of {moves}"}).id
        records.update_record(ctx, admin_id, "contact", contact, {"account_id": account})
    return contact


def test_a_contacts_page_costs_the_same_whether_its_history_names_one_account_or_eight(
        ctx: ServiceContext, engine: Engine, admin_id: int, browser_of: TestClient[Any]) -> None:
    small, large = _moved_contact(ctx, admin_id, 1), _moved_contact(ctx, admin_id, 8)

    one, eight = (_cost(engine, browser_of, f"/contacts/{c}") for c in (small, large))

    assert "Stop 7 of 8" in browser_of.get(f"/contacts/{large}").text
    assert len(eight) == len(one), counts.shown(eight)


#: a field each kind's busy record changes
CHANGED = {"account": "industry", "contact": "title", "opportunity": "next_step"}


def _busy(ctx: ServiceContext, admin_id: int, kind: str, size: int) -> int:
    """An account, contact or opportunity with ``size`` activities (each also linking a record of
    its own kind) and ``size`` changes; a contact with ``size`` opportunities it has a role on."""
    account = records.create_account(ctx, admin_id, {"name": f"Busy {kind} {size}"}).id
    made = {"account": lambda n: records.create_account(ctx, admin_id, {"name": f"Other {n} of {size}"}).id,
            "contact": lambda n: records.create_contact(ctx, admin_id, {"account_id": account,
                                                                        "last_name": f"Other {n}"}).id,
            "opportunity": lambda n: records.create_opportunity(ctx, admin_id, {"account_id": account,
                                                                                "name": f"Other {n}"}).id}[kind]
    record = account if kind == "account" else made(-1)
    for n in range(size):
        log_activity(ctx, admin_id, kind="call", subject=f"Call {n}", links=[(kind, record), (kind, made(n))])
        records.update_record(ctx, admin_id, kind, record, {CHANGED[kind]: f"v{n}"})
        if kind == "contact":
            deal = records.create_opportunity(ctx, admin_id, {"account_id": account, "name": f"Deal {n}"}).id
            add_contact_role(ctx, admin_id, deal, contact_id=record, role="influencer")
    return record


@pytest.mark.parametrize("kind", ["account", "contact", "opportunity"])
def test_a_records_page_costs_the_same_for_one_activity_change_and_role_as_for_eight(
        ctx: ServiceContext, engine: Engine, admin_id: int, browser_of: TestClient[Any], kind: str) -> None:
    path = "/opportunities" if kind == "opportunity" else f"/{kind}s"
    small, large = _busy(ctx, admin_id, kind, 1), _busy(ctx, admin_id, kind, 8)

    one, eight = (_cost(engine, browser_of, f"{path}/{r}") for r in (small, large))

    assert "Call 7" in browser_of.get(f"{path}/{large}").text
    assert len(eight) == len(one), counts.shown(eight)


@pytest.mark.parametrize("engine", ["sqlite"], indirect=True)
@pytest.mark.parametrize("kind", ["account", "contact", "opportunity"])
def test_a_list_page_of_50_costs_the_same_as_a_page_of_14(
        ctx: ServiceContext, engine: Engine, admin_id: int, browser_of: TestClient[Any], kind: str) -> None:
    counts.add_records(ctx, admin_id, kind, 50)
    path = "/opportunities" if kind == "opportunity" else f"/{kind}s"
    few = _cost(engine, browser_of, f"{path}?q=1")  # 14 of the 50: 1, 10 to 19, 21, 31, 41
    many = _cost(engine, browser_of, path)

    assert len(many) == len(few), counts.shown(many)
