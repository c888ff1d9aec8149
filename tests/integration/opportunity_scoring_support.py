"""A history of closed opportunities with known counts, for the opportunity scoring tests."""

from __future__ import annotations

from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from tests.conftest import FakeClock


def open_deal(ctx: ServiceContext, actor: int, account: int, name: str, stage: str = "Prospecting") -> int:
    return records.create_opportunity(ctx, actor, {"account_id": account, "name": name, "amount": "1000",
                                                   "close_date": "2026-12-31", "stage": stage}).id


def closed_history(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> int:
    """30 closed opportunities: from Negotiation 8 of 10 won, from Prospecting 2 of 20 won."""
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    for i in range(30):
        deal = open_deal(ctx, admin_id, account, f"Old {i}")
        clock.advance(days=3)
        if i < 10:
            lifecycle.move_stage(ctx, admin_id, deal, "Negotiation")
        clock.advance(days=2)
        won = (i < 10 and i not in (0, 5)) or i in (10, 11)
        lifecycle.close_opportunity(ctx, admin_id, deal, "won" if won else "lost",
                                    reason=None if won else "Price")
    return account
