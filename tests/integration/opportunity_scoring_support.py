"""A history of closed opportunities with known counts, for the opportunity scoring tests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta

from leadline.domain.scoring.reading import reading_draw
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.opportunities import lifecycle
from tests.conftest import FakeClock

#: the shortest life of the history's deals (half of them live exactly this long)
LIFE = timedelta(days=3)


def open_deal(ctx: ServiceContext, actor: int, account: int, name: str, stage: str = "Prospecting") -> int:
    return records.create_opportunity(ctx, actor, {"account_id": account, "name": name, "amount": "1000",
                                                   "close_date": "2026-12-31", "stage": stage}).id


def lives_that_teach(ids: list[int], kind: str = "opportunity") -> dict[int, timedelta]:
    """A life for each deal such that every one teaches through the general reading
    (``domain.scoring.reading``): ``LIFE`` times the larger of 1 and the deal's own draw. The
    median life is then ``LIFE`` (whenever fewer than half the draws pass 2, all but certain for
    30), the mean reading age ``LIFE / 2``, and each deal is read at ``LIFE / 2`` times its draw,
    before it closes."""
    return {record: LIFE * max(1.0, reading_draw(kind, record)) for record in ids}


def close_in_turn(clock: FakeClock, lives: dict[int, timedelta], close: Callable[[int], object]) -> None:
    """Close (decide) each record, all opened at ``clock``'s now, when its life is over, in that order."""
    opened: datetime = clock.now
    for deal in sorted(lives, key=lives.__getitem__):
        clock.advance(seconds=(opened + lives[deal] - clock.now).total_seconds())
        close(deal)


def closed_history(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> int:
    """30 closed opportunities, each open in one stage: in Negotiation 8 of 10 won, in Prospecting
    2 of 20 won. All opened at one instant and closed days later, each after its drawn reading age
    (``lives_that_teach``): every one of the 30 teaches, read at its drawn age, with these counts."""
    account = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    deals = [open_deal(ctx, admin_id, account, f"Old {i}", "Negotiation" if i < 10 else "Prospecting")
             for i in range(30)]
    won = {deal for i, deal in enumerate(deals) if (i < 10 and i not in (0, 5)) or i in (10, 11)}

    def close(deal: int) -> None:
        lifecycle.close_opportunity(ctx, admin_id, deal, "won" if deal in won else "lost",
                                    reason=None if deal in won else "Price")

    close_in_turn(clock, lives_that_teach(deals), close)
    return account
