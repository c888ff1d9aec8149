"""`leadline serve --workers 2`: the rate limit counts the requests of both workers together."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.e2e.conftest import LEADLINE, Cli
from tests.e2e.test_server import free_port

LIMIT = 30


def test_two_workers_share_one_budget_and_junk_tokens_buy_no_more(cli: Cli, tmp_path: Path) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada")
    port = free_port()
    env = {**cli.env, "LEADLINE_RATE_LIMIT_PER_MINUTE": str(LIMIT)}
    command = [str(LEADLINE), "serve", "--port", str(port), "--workers", "2", "--threads", "1"]
    process = subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/api/v1"
    try:
        _wait_for(base, process)
        if time.time() % 60 > 45:  # a guard, not a measurement: keep the burst inside one minute's window
            time.sleep(61 - time.time() % 60)
        # each request on a connection of its own, so the kernel spreads them over both workers
        answers = [httpx.get(f"{base}/me", headers={"Authorization": f"Bearer junk{n}"}, timeout=10)
                   for n in range(LIMIT + 10)]
    finally:
        process.terminate()
        process.wait(timeout=15)
    assert [a.status_code for a in answers] == [401] * LIMIT + [429] * 10
    assert all(int(a.headers["retry-after"]) >= 1 for a in answers[LIMIT:])


def _wait_for(base: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.2)
    process.kill()  # first: reading the output of a server still running would wait for ever
    output, _ = process.communicate(timeout=15)
    pytest.fail(f"the server did not answer: {output[-2000:]!r}")
