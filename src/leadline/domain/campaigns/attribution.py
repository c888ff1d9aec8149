"""Which campaigns an opportunity is owed to: first touch and last touch.

A touch is a campaign membership, of the opportunity's contacts or of the lead it was converted
from, with a first-response date on or before the opportunity was created (a response after it
did not bring it). First touch is the earliest such response, last touch the latest; on the same
moment the smaller campaign id wins, so the answer never depends on reading order.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Touch:
    campaign_id: int
    responded_at: datetime


@dataclass(frozen=True, slots=True)
class Attribution:
    first_touch_campaign_id: int | None
    last_touch_campaign_id: int | None
    touches: tuple[Touch, ...] = ()


def attribute(touches: Iterable[Touch], opportunity_created_at: datetime) -> Attribution:
    """First- and last-touch campaigns of an opportunity created at ``opportunity_created_at``.

    >>> from datetime import UTC
    >>> t = lambda c, d: Touch(c, datetime(2026, 1, d, tzinfo=UTC))
    >>> found = attribute([t(2, 5), t(1, 3), t(3, 20)], datetime(2026, 1, 10, tzinfo=UTC))
    >>> found.first_touch_campaign_id, found.last_touch_campaign_id
    (1, 2)
    """
    counted = sorted({t for t in touches if t.responded_at <= opportunity_created_at},
                     key=lambda t: (t.responded_at, t.campaign_id))
    if not counted:
        return Attribution(None, None, ())
    last = max(counted, key=lambda t: (t.responded_at, -t.campaign_id))
    return Attribution(counted[0].campaign_id, last.campaign_id, tuple(counted))

