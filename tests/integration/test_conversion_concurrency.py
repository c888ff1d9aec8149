"""Two conversions of one lead at once, on SQLite and PostgreSQL: the lock on the lead lets one
through; the other finds it converted (the conversion rules run on the fake in
tests/use_cases/test_conversion.py)."""

from __future__ import annotations

import threading

from leadline.domain.errors import LeadAlreadyConvertedError
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from tests.integration.conversion_support import counts, new_lead


def test_two_conversions_of_one_lead_at_once_make_one_conversion(ctx: ServiceContext, admin_id: int) -> None:
    lead_id = new_lead(ctx, admin_id)
    before = counts(ctx)
    start = threading.Barrier(2)
    outcomes: list[object] = []

    def convert(key: str) -> None:
        start.wait()
        try:
            outcomes.append(conversion.convert_lead(ctx, admin_id, lead_id, idempotency_key=key))
        except LeadAlreadyConvertedError as error:
            outcomes.append(error)

    threads = [threading.Thread(target=convert, args=(f"key-{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(type(o).__name__ for o in outcomes) == ["ConversionResult", "LeadAlreadyConvertedError"]
    assert counts(ctx) == (before[0] + 1, before[1] + 1, before[2] + 1)
