"""Money on the ``leadline`` command, on both databases: the close rule (a close is dated the day
it happens; only an admin back-dates it; never into the future), amounts that are the sum of their
line items, and a snapshot's accuracy. Dates are relative to today (the command's clock)."""

from __future__ import annotations

from datetime import timedelta

from tests.e2e.conftest import Cli
from tests.e2e.test_cli_forecast import SAM, TODAY, deal, read, team
from tests.e2e.test_cli_workflow import init, refused


def test_a_close_on_the_command_line_is_never_dated_in_the_future(cli: Cli) -> None:
    init(cli)
    team(cli)
    won = deal(cli, SAM, "1000")
    tomorrow, last_week = (TODAY + timedelta(days=1)).isoformat(), (TODAY - timedelta(days=7)).isoformat()
    refused(cli("opportunity", "close", won, "won", "--close-date", tomorrow, ok=False), 2, "close_date",
            "CLOSE_DATE_IN_FUTURE")
    refused(cli("opportunity", "close", won, "won", "--close-date", last_week, "--as", SAM, ok=False), 5,
            "close_date", "PERMISSION_DENIED")
    closed = read(cli, "opportunity", "close", won, "won", "--close-date", last_week)  # the admin back-dates
    assert (closed["outcome"], closed["close_date"]) == ("won", last_week)
    refused(cli("opportunity", "update", won, "--close-date", tomorrow, "--as", SAM, ok=False), 2, "close_date",
            "CLOSE_DATE_IN_FUTURE")
    corrected = read(cli, "opportunity", "update", won, "--amount", "1200", "--as", SAM)
    assert (corrected["amount"], corrected["close_date"]) == ("1200", last_week)
