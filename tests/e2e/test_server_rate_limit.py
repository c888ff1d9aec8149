"""`leadline serve --workers 2`: the rate limit counts the requests of both workers together."""

from __future__ import annotations

import time
from pathlib import Path

import httpx

from tests.e2e.conftest import Cli
from tests.e2e.test_server import REQUEST_TIMEOUT_S, serve, stop

LIMIT = 30


def test_two_workers_share_one_budget_and_junk_tokens_buy_no_more(cli: Cli, tmp_path: Path) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada")
    process, base = serve(cli, tmp_path, rate_limit=LIMIT)
    try:
        if time.time() % 60 > 45:  # a guard, not a measurement: keep the burst inside one minute's window
            time.sleep(61 - time.time() % 60)
        answers = _burst(base)
        if _windows(answers) > 1:  # a loaded machine took over 15 s: again, from the start of a minute
            time.sleep(61 - time.time() % 60)
            answers = _burst(base)
    finally:
        stop(process)
    assert [a.status_code for a in answers] == [401] * LIMIT + [429] * 10
    assert all(int(a.headers["retry-after"]) >= 1 for a in answers[LIMIT:])


def _burst(base: str) -> list[httpx.Response]:
    """``LIMIT + 10`` requests with junk tokens, each on a connection of its own, so the kernel
    spreads them over both workers."""
    return [httpx.get(f"{base}/me", headers={"Authorization": f"Bearer junk{n}"}, timeout=REQUEST_TIMEOUT_S)
            for n in range(LIMIT + 10)]


def _windows(answers: list[httpx.Response]) -> int:
    """How many minute windows the answers fell in: a new one begins where the seconds to the
    window's end (``RateLimit-Reset``) go up instead of down."""
    resets = [int(a.headers["ratelimit-reset"]) for a in answers]
    return 1 + sum(later > earlier for earlier, later in zip(resets, resets[1:], strict=False))
