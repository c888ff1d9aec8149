"""Day-one behaviour of the ``leadline`` command (issue 13): ``init`` says exactly what it did with
the admin and fails unattended without one; a reader that closes the output ends a command quietly."""

from __future__ import annotations

import os
import subprocess
from decimal import Decimal

from tests.e2e.conftest import LEADLINE, Cli
from tests.e2e.test_cli_forecast import MIA, OZ, SAM, deal, read, team
from tests.e2e.test_cli_workflow import init, refused


def test_init_on_an_organisation_with_an_admin_keeps_it_and_adds_no_other(cli: Cli) -> None:
    first = cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    assert "created first admin: ada@example.com" in first.out

    again = cli("init", "--admin-email", "other@example.com", "--admin-name", "Other")
    assert "created first admin" not in again.out
    assert "admin exists: kept ada@example.com; no admin created; other@example.com not added" in again.out
    assert [u["email"] for u in cli("user", "list", "--json").json() if u["role"] == "admin"] == ["ada@example.com"]

    same = cli("init", "--admin-email", "ada@example.com")
    assert "admin exists: kept ada@example.com; no admin created\n" in same.out and "not added" not in same.out


def test_init_without_a_terminal_or_admin_settings_fails_naming_the_option_and_the_setting(cli: Cli) -> None:
    result = cli("init", stdin="", ok=False)
    refused(result, 2, "admin_email", "VALIDATION_FAILED")
    assert "--admin-email" in result.err and "LEADLINE_ADMIN_EMAIL" in result.err
    assert "schema" in result.out  # the schema and the configuration are ready: only the admin is missing
    init(cli)  # then naming the admin works
    assert cli("user", "list", "--json").json()[0]["email"] == "ada@example.com"


def test_init_with_the_admin_setting_in_the_environment_as_make_run_does(cli: Cli) -> None:
    cli.env.update(LEADLINE_ADMIN_EMAIL="admin@leadline.example", LEADLINE_ADMIN_NAME="Ada Admin")
    assert "created first admin: admin@leadline.example" in cli("init", stdin="").out
    assert "admin exists: kept admin@leadline.example" in cli("init", stdin="").out


def test_a_command_whose_output_is_closed_early_exits_quietly(cli: Cli) -> None:
    init(cli)
    for number in range(3):
        cli("lead", "add", "--last-name", f"Reader {number}", "--company", "Pipes")
    for args in (["lead", "list", "--json"], ["lead", "list"], ["status", "list"]):
        reader, writer = os.pipe()
        os.close(reader)  # the reader has gone before the command writes a byte (`| head` done reading)
        try:
            done = subprocess.run([str(LEADLINE), *args], stdout=writer, stderr=subprocess.PIPE, text=True,
                                  env=cli.env, cwd=cli.workdir, timeout=120)
        finally:
            os.close(writer)
        assert (done.returncode, done.stderr) == (1, ""), args


def test_an_admins_forecast_is_the_organisations_by_the_top_of_the_hierarchy(cli: Cli) -> None:
    init(cli)
    team(cli)  # Mia manages Sam; Oz reports to nobody; the admin owns nothing
    deal(cli, SAM, "2000")
    deal(cli, OZ, "4000")
    whole = read(cli, "forecast")
    assert (whole["scope"], whole["forecast"]["user"]) == ("organisation", "(organisation)")
    assert Decimal(whole["forecast"]["categories"]["pipeline"]["total"]) == 6000
    assert [(r["user"], Decimal(r["categories"]["pipeline"]["total"])) for r in whole["reports"]] == [
        ("Mia", 2000), ("Oz", 4000)]
    assert sorted(o["user"] for o in whole["owners"]) == ["Oz", "Sam"]
    table = cli("forecast").out
    assert "of the organisation" in table and "Top of the hierarchy" in table and "6,000.00" in table
    by_owner = cli("forecast", "--by", "owner").out
    assert "Sam" in by_owner and "Oz" in by_owner and "2,000.00" in by_owner
    assert read(cli, "forecast", "--as", MIA)["scope"] == "user"  # the top of her tree: her team, as before


def test_a_lead_captured_with_a_past_timeframe_is_kept_with_a_warning_on_stderr_and_in_json(cli: Cli) -> None:
    init(cli)
    added = cli("lead", "add", "--last-name", "Late", "--company", "Past", "--timeframe", "2020-01-31", "--json")
    assert added.json()["purchase_timeframe"] == "2020-01-31"
    assert [(w["field"], w["code"]) for w in added.json()["warnings"]] == [("purchase_timeframe", "TIMEFRAME_IN_PAST")]
    assert added.err.startswith("warning: purchase_timeframe: 2020-01-31 is in the past") and \
        added.err.rstrip().endswith("[TIMEFRAME_IN_PAST]")
    table = cli("lead", "update", added.json()["id"], "--timeframe", "2020-02-29")
    assert "TIMEFRAME_IN_PAST" in table.err and "2020-02-29" in table.out
    assert cli("lead", "add", "--last-name", "Soon", "--company", "Future", "--timeframe", "2999-01-31").err == ""


def test_money_shows_its_currencys_places_and_counts_speak_in_the_right_number(cli: Cli) -> None:
    init(cli)
    yen = read(cli, "lead", "add", "--last-name", "Sato", "--company", "Tokyo", "--currency", "JPY",
               "--budget", "120000", "--product", "Widget:2:500")
    assert (yen["budget_amount"], yen["products"][0]["estimated_unit_price"]) == ("120000", "500")
    assert yen["products"][0]["quantity"] == "2"  # a quantity is not money
    dollars = read(cli, "lead", "add", "--last-name", "Doe", "--company", "Ohio", "--budget", "0")
    assert dollars["budget_amount"] == "0.00"
    euros = deal(cli, "ada@example.com", "1000", "--currency", "EUR")
    cli("opportunity", "close", euros, "won")
    assert "left out: 1 opportunity in EUR" in cli("forecast").out
    assert read(cli, "forecast")["forecast"]["categories"]["closed"]["total"] == "0.00"
