"""``leadline opportunity list`` filters and names, and history by name, on the ``leadline`` command
and both databases."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.e2e.conftest import Cli, misreported, pin_command_day
from tests.e2e.test_cli_workflow import init

TODAY = datetime.now(UTC).date()


@pytest.fixture(autouse=True)
def _command_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The command's dates are ``TODAY``'s however long the run takes (see ``pin_command_day``)."""
    pin_command_day(monkeypatch, TODAY)


def read(cli: Cli, *args: str) -> Any:
    return cli(*args, "--json").json()


def deal(cli: Cli, amount: str, close: str) -> str:
    lead = read(cli, "lead", "add", "--last-name", f"Buyer {amount}", "--company", f"Company {amount}",
                "--budget", amount, "--timeframe", close, "--product", "Widget", "--source", "Customer referral")
    return str(read(cli, "lead", "convert", lead["id"], "--qualification-override-reason", "referred by a client")
               ["opportunity_id"])


def test_opportunities_are_listed_by_stage_process_outcome_close_date_and_amount(cli: Cli) -> None:
    init(cli)
    soon, later = (TODAY + timedelta(days=10)).isoformat(), (TODAY + timedelta(days=90)).isoformat()
    small, large = deal(cli, "1000", soon), deal(cli, "50000", later)
    cli("opportunity", "stage", large, "Negotiation")

    def ids(*filters: str) -> list[str]:
        return sorted(str(o["id"]) for o in read(cli, "opportunity", "list", *filters))

    assert ids("--stage", "Negotiation") == [large]
    assert ids("--stage", "prospecting", "--stage", "Negotiation", "--outcome", "open") == sorted([small, large])
    assert ids("--process", "New Business", "--close-to", soon) == [small]
    assert ids("--close-from", later, "--close-to", later) == [large]
    assert ids("--amount-from", "10000") == [large] and ids("--amount-to", "1000") == [small]
    assert ids("--outcome", "won") == []
    listed = read(cli, "opportunity", "list", "--stage", "Negotiation")[0]
    assert (listed["stage"], listed["process"]) == ("Negotiation", "New Business") and listed["process_id"]
    table = cli("opportunity", "list", "--stage", "Negotiation").out
    assert "Negotiation" in table and "New Business" in table
    shown = read(cli, "opportunity", "show", large)
    assert (shown["stage"], shown["process"]) == ("Negotiation", "New Business")
    assert misreported(cli, [
        (["opportunity", "list", "--stage", "Haggling"], 2, "stage"),
        (["opportunity", "list", "--process", "Upsell"], 2, "process"),
        (["opportunity", "list", "--outcome", "maybe"], 2, "outcome"),
        (["opportunity", "list", "--close-from", "tomorrow"], 2, "close_from"),
        (["opportunity", "list", "--amount-from", "9", "--amount-to", "1"], 2, "amount_from"),
    ]) == []

    lead = read(cli, "lead", "add", "--last-name", "X", "--company", "C", "--source", "Customer referral")
    cli("lead", "update", lead["id"], "--source", "Trade show")
    changes = [(c["old_value"], c["new_value"]) for c in read(cli, "lead", "history", lead["id"])
               if c["field"] == "source_id"]
    assert changes == [(None, "Customer referral"), ("Customer referral", "Trade show")]
