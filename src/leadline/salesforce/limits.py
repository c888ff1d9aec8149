"""``limits``: DailyApiRequests counted per organisation (one database is one organisation) and
UTC day. Every authenticated call of the Salesforce-compatible API counts one, in a small counter
file of its own beside the rate limiter's (``RateCounters``, docs/adr/0012): one short SQLite
write per call, never a statement on the application's database. With a shared
``LEADLINE_RATE_LIMIT_STORE`` the workers of a server count together; without one, each process
counts its own calls.

``Max`` is the rate limit's day (``LEADLINE_RATE_LIMIT_PER_MINUTE`` x 1,440); with no rate limit
it is ``UNLIMITED_MAX``, Salesforce's Enterprise Edition base allowance (nominal: Leadline refuses
nothing then, and scripts that pace themselves on ``Remaining`` still see it fall).
``Remaining`` never goes below 0.
"""

from __future__ import annotations

import threading
from typing import Any

from litestar import Request
from litestar.datastructures import State

from leadline.persistence.security.rate_counters import MEMORY, RateCounters
from leadline.services.context import ServiceContext

KEY = "salesforce-daily-api-requests"
UNLIMITED_MAX = 100_000
_MADE = threading.Lock()


def _counters(state: State) -> RateCounters:
    counters: RateCounters | None = getattr(state, "salesforce_daily_counters", None)
    if counters is None:
        with _MADE:
            counters = getattr(state, "salesforce_daily_counters", None)
            if counters is None:
                store = state.application.settings.rate_limit_store
                # a file of its own: the rate limiter drops windows older than its minute from its file
                counters = RateCounters(f"{store}.salesforce-daily" if store else MEMORY)
                state.salesforce_daily_counters = counters
    return counters


def count_request(request: Request[Any, Any, Any], state: State, ctx: ServiceContext) -> None:
    """Count one call for today (UTC); the count is kept on the request for ``limits``."""
    request.state.api_requests_today = _counters(state).hit(KEY, ctx.now().date().toordinal())


def daily_api_requests(request: Request[Any, Any, Any], state: State) -> dict[str, int]:
    """``{"Max", "Remaining"}`` of today, this call included."""
    per_minute = state.application.settings.rate_limit_per_minute
    most = per_minute * 24 * 60 if per_minute else UNLIMITED_MAX
    used = int(getattr(request.state, "api_requests_today", 0))
    return {"Max": most, "Remaining": max(most - used, 0)}
