"""The pipeline board's figures and cards, computed in the database (SQLite and PostgreSQL): per
stage count, amount and weighted amount converted at today's rate, a currency without a rate left
out and counted, the first cards of each column in order, closed columns holding the last 30
days' closes, and only the opportunities the user may read."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import Engine

from leadline.analytics.board import pipeline_board
from leadline.domain.errors import NotFoundError
from leadline.services import records
from leadline.services.configuration.sales import add_process
from leadline.services.context import ServiceContext
from leadline.services.forecast.settings import set_exchange_rate
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.query_counts import shown, statements_of


def test_columns_sum_what_the_user_may_read_at_todays_rate(ctx: ServiceContext, admin_id: int) -> None:
    set_sharing(ctx, admin_id, "opportunity", "private")
    sam = add_user(ctx, admin_id, name="Sam", email="sam@example.com").id
    jo = add_user(ctx, admin_id, name="Jo", email="jo@example.com").id
    set_exchange_rate(ctx, admin_id, "EUR", "1.10", "2025-01-01")
    set_exchange_rate(ctx, admin_id, "EUR", "1.20", "2026-06-01")  # not yet valid (today is 2026-03-02)
    account = records.create_account(ctx, sam, {"name": "Acme"}).id
    other = records.create_account(ctx, jo, {"name": "Other"}).id

    def deal(owner: int, at: int, name: str, stage: str, **values: str) -> None:
        records.create_opportunity(ctx, owner, {"account_id": at, "name": name, "stage": stage, **values})

    deal(sam, account, "usd", "Prospecting", amount="1000", close_date="2026-03-20")
    deal(sam, account, "eur", "Prospecting", amount="100", currency="EUR", close_date="2026-03-10")
    deal(sam, account, "gbp", "Prospecting", amount="50", currency="GBP", close_date="2026-03-15")
    deal(sam, account, "bare", "Prospecting")
    deal(sam, account, "won", "Closed Won", amount="300")
    deal(jo, other, "jo's", "Prospecting", amount="9000", close_date="2026-03-01")
    deal(admin_id, account, "long lost", "Closed Lost", amount="70", close_date="2026-01-10", loss_reason="Price")

    board = pipeline_board(ctx, sam, limit=2)

    columns = {c.stage.label: c for c in board.columns}
    assert [c.stage.label for c in board.columns][:2] == ["Prospecting", "Qualification"]
    prospecting = columns["Prospecting"]
    assert (prospecting.count, prospecting.amount, prospecting.weighted, prospecting.unconverted) == (
        4, Decimal("1110.00"), Decimal("111.00"), {"GBP": 1})  # 1000 + 100 EUR x 1.10; GBP has no rate
    assert [card.name for card in prospecting.cards] == ["eur", "gbp"]  # closest close dates first
    assert prospecting.more == 2
    assert (prospecting.cards[0].account, prospecting.cards[0].owner, prospecting.cards[0].currency) == (
        "Acme", "Sam", "EUR")
    won = columns["Closed Won"]
    assert (won.count, won.amount, won.weighted, [c.name for c in won.cards]) == (
        1, Decimal("300.00"), Decimal("300.00"), ["won"])
    assert columns["Closed Lost"].count == 0  # private to the admin, and closed before the last 30 days

    everything = {c.stage.label: c for c in pipeline_board(ctx, admin_id).columns}
    assert everything["Prospecting"].count == 5
    assert [c.name for c in everything["Prospecting"].cards] == ["jo's", "eur", "gbp", "usd", "bare"]
    assert everything["Closed Lost"].count == 0


def test_the_board_follows_the_process_picked(ctx: ServiceContext, admin_id: int) -> None:
    renewals = add_process(ctx, admin_id, "Renewals")

    board = pipeline_board(ctx, admin_id, str(renewals.id))

    assert board.process.name == "Renewals"
    assert {c.stage.process_id for c in board.columns} == {renewals.id}
    assert [p.name for p in board.processes] == [p.name for p in pipeline_board(ctx, admin_id, "renewals").processes]
    with pytest.raises(NotFoundError):
        pipeline_board(ctx, admin_id, "Nothing like it")


def test_the_boards_statements_do_not_grow_with_its_cards(ctx: ServiceContext, engine: Engine,
                                                         admin_id: int) -> None:
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id

    def add(count: int) -> None:
        for n in range(count):
            records.create_opportunity(ctx, admin_id, {"account_id": account, "name": f"deal {n}", "amount": "10",
                                                       "stage": ("Prospecting", "Negotiation")[n % 2]})

    add(2)
    pipeline_board(ctx, admin_id)  # the configuration cache filled
    few = statements_of(engine, lambda: pipeline_board(ctx, admin_id))
    add(20)
    many = statements_of(engine, lambda: pipeline_board(ctx, admin_id))

    assert len(many) == len(few) <= 4, shown(many)
