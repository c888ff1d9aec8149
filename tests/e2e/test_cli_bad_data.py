"""Bad data the CLI refuses, on both databases (issue 14, items 6 and 9): each with exit code 2 and
one line naming the field; and a phone extension kept and shown back."""

from __future__ import annotations

from tests.e2e.conftest import Cli, misreported


def test_bad_currencies_positions_numbers_and_emails_are_refused_naming_the_field(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    cli("product", "add", "Widget")
    lead = ["lead", "add", "--last-name", "Lovelace", "--company", "Engines"]
    assert misreported(cli, [
        ([*lead, "--currency", "ZZZ"], 2, "currency"),
        (["rate", "set", "ZZZ", "1.1", "--from", "2026-01-01"], 2, "currency"),
        (["product", "price", "Widget", "1000", "--currency", "ZZZ"], 2, "currency"),
        ([*lead, "--budget", "１２"], 2, "budget_amount"),
        ([*lead, "--budget", "١٢"], 2, "budget_amount"),
        (["rate", "set", "EUR", "１.１", "--from", "2026-01-01"], 2, "rate"),
        ([*lead, "--email", "a" * 65 + "@example.com"], 2, "email"),
        (["status", "add", "Parked", "--kind", "working", "--position", "2147483648"], 2, "position"),
        (["status", "add", "Parked", "--kind", "working", "--position", "-1"], 2, "position"),
        (["stage", "add", "Pilot", "--probability", "40", "--position", str(2**63)], 2, "position"),
    ]) == []
    full_width = cli("status", "add", "Parked", "--kind", "working", "--position", "１２", ok=False)
    assert full_width.code == 2 and "digits 0-9" in full_width.err + full_width.out


def test_a_phone_extension_is_kept_and_shown_back(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    added = cli("lead", "add", "--last-name", "Lovelace", "--company", "Engines", "--phone",
                "+1 (415) 555-0100 ext 99", "--json").json()
    assert added["phone"] == "+14155550100;ext=99"
    assert cli("lead", "show", added["id"], "--json").json()["phone"] == "+14155550100;ext=99"
    assert "+14155550100;ext=99" in cli("lead", "show", added["id"]).out
