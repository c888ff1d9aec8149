"""The Python side of the forecast page, paired in one process: the baseline's
``domain/forecast.py`` (another checkout's, loaded under another name) against this one's, folding
the same category sums into the organisation's, the heads' and the 1,000 owners' forecasts, and
the SQLite overflow check over every value against the check over the two sums; alternating, 60
times each, medians of the process's CPU time.

Example::

    .venv/bin/python bench/pair_forecast_folding.py sqlite:////tmp/leadline-forecast-xxxx/forecast.db \\
        /tmp/base/src
"""

from __future__ import annotations

import importlib.util
import logging
import statistics
import sys
import time
from collections.abc import Callable
from types import ModuleType
from typing import Any

from sqlalchemy import text

from leadline.bootstrap import build_application
from leadline.config import Settings
from leadline.domain import forecast as change
from leadline.persistence.forecast import queries
from leadline.services.forecast.figures import category_sums
from leadline.services.forecast.settings import period_named
from leadline.services.security.access import load_viewer


def load_baseline(source: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location("baseline_forecast", f"{source}/leadline/domain/forecast.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_forecast"] = module
    spec.loader.exec_module(module)
    return module


def main() -> None:
    url, source = sys.argv[1], sys.argv[2]
    baseline = load_baseline(source)
    logging.disable(logging.INFO)
    application = build_application(Settings(database_url=url, rate_limit_per_minute=0))
    with application.engine.connect() as connection:
        admin = connection.execute(text("SELECT id FROM users WHERE role = 'admin' ORDER BY id LIMIT 1")).scalar()
    ctx = application.context
    with ctx.reader() as uow:
        viewer = load_viewer(uow, admin, ctx)  # type: ignore[arg-type]
        config, period = ctx.config(uow), period_named(ctx, uow, "2026-Q4")
        sums, _ = category_sums(ctx, uow, viewer, period, set(config.users), len(config.users))
        rate = queries._rate_on_close_date(uow.exchange_rates.list(), period.start, period.end, ctx.currency)
        where = [queries.Opp.close_date >= period.start, queries.Opp.close_date < period.end,
                 queries.Opp.amount.is_not(None), queries._COUNTED]
        rows = uow.forecast.session.connection().execute(  # type: ignore[attr-defined]
            queries._per_rate_query(where, rate, 1)).all()
    print(f"{len(sums)} category sums, {len(rows)} rows per rate")

    def fold(module: Any, only_when_adjusted: bool) -> None:
        def finish(forecast: Any) -> Any:  # no quotas nor adjustments in the generated data
            forecast.quota = None
            return forecast if only_when_adjusted else module.apply_adjustments(forecast, [])
        heads = module.top_of_hierarchy(config.hierarchy, sums)
        module.forecast_of(None, period, sums)
        [finish(f) for f in module.roll_up_many(heads, period, sums, config.hierarchy).values()]
        [finish(f) for f in sorted(module.by_owner(period, sums).values(), key=lambda f: str(f.user_id))]

    cases: dict[str, Callable[[], object]] = {
        "overflow check, every value (baseline)": lambda: any(isinstance(v, float) for r in rows for v in r),
        "overflow check, the two sums (change)": lambda: any(isinstance(v, float) for r in rows for v in r[-2:]),
        "forecasts folded (baseline)": lambda: fold(baseline, False),
        "forecasts folded (change)": lambda: fold(change, True),
    }
    times: dict[str, list[float]] = {label: [] for label in cases}
    for n in range(60):
        for label, case in (cases.items() if n % 2 else reversed(cases.items())):
            started = time.process_time()
            case()
            times[label].append(time.process_time() - started)
    for label, found in times.items():
        print(f"{label}: median {statistics.median(found) * 1000:.1f} ms CPU over {len(found)}")


if __name__ == "__main__":
    main()
