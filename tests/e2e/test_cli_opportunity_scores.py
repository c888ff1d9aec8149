"""``leadline score train|evaluate --kind`` and the opportunity score in ``opportunity show|list``,
through the ``leadline`` command on SQLite (the use cases are tested on both databases)."""

from __future__ import annotations

from typing import Any

from tests.conftest import FakeClock
from tests.e2e.conftest import Cli, misreported
from tests.integration.opportunity_scoring_support import close_in_turn, lives_that_teach


def _json(cli: Cli, *args: str) -> Any:
    return cli(*args, "--json").json()


def _closed_history(cli: Cli, clock: FakeClock) -> str:
    """20 closed deals: from Negotiation 5 of 6 won, from Prospecting 2 of 14, all opened at one
    instant and closed days later, each after its drawn reading age: every one teaches. The order
    they close in follows their drawn ages (of their random ids), so which deal is won is chosen by
    that order: the last Negotiation deal to close is the lost one, the last two Prospecting deals
    to close the won ones, and the latest five (evaluate's test quarter) always hold both outcomes."""
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    account = _json(cli, "account", "add", "--name", "Acme")["id"]
    deals = [int(_json(cli, "opportunity", "add", "--account", account, "--name", f"Old {i}", "--amount", "1000",
                       "--stage", "Negotiation" if i < 6 else "Prospecting")["id"]) for i in range(20)]
    lives = lives_that_teach(deals)
    in_turn = sorted(lives, key=lives.__getitem__)  # as close_in_turn closes them
    negotiation = [deal for deal in in_turn if deal in deals[:6]]
    prospecting = [deal for deal in in_turn if deal in deals[6:]]
    won = {*negotiation[:-1], *prospecting[-2:]}
    close_in_turn(clock, lives, lambda deal: cli("opportunity", "close", str(deal), *(
        ["won"] if deal in won else ["lost", "--reason", "Price"])))
    return str(account)


def test_score_train_learns_from_closed_deals_and_show_and_list_carry_the_score(sqlite_cli: Cli,
                                                                              command_clock: FakeClock) -> None:
    cli = sqlite_cli
    account = _closed_history(cli, command_clock)
    deal = _json(cli, "opportunity", "add", "--account", account, "--name", "New", "--amount", "500",
                 "--stage", "Negotiation")["id"]
    assert _json(cli, "opportunity", "show", deal)["score"] is None
    trained = _json(cli, "score", "train")
    assert "skipped" in trained["leads"]  # no lead has an outcome: the lead model is skipped, with why
    assert (trained["opportunities"]["version"], trained["opportunities"]["outcomes"]) == ("frequency@1", 20)
    score = _json(cli, "opportunity", "show", deal)["score"]
    assert score["model_version"] == "frequency@1" and "in stage Negotiation: 5 of 6 won" in score["up"]
    shown = cli("opportunity", "show", deal).out
    assert "predicted win %" in shown and "in stage Negotiation: 5 of 6 won" in shown
    listed = _json(cli, "opportunity", "list", "--min-score", str(score["score"]))
    assert [o["id"] for o in listed] == [deal] and listed[0]["score"]["score"] == score["score"]
    evaluated = _json(cli, "score", "evaluate", "--kind", "opportunities")
    assert set(evaluated["models"]) == {"Leadline (frequency)", "naive Bayes (Odoo-style frequencies)",
                                        "logistic regression"}
    assert (evaluated["train_rows"], evaluated["test_rows"]) == (15, 5)
    # every kind's models, keyed by kind; one kind's, a list
    models = _json(cli, "score", "models")
    assert models["leads"] == [] and [m["version"] for m in models["opportunities"]] == ["frequency@1"]
    assert models["opportunities"][0]["outcomes"] == 20
    assert _json(cli, "score", "models", "--kind", "opportunities") == models["opportunities"]
    assert _json(cli, "score", "list") == models  # `list`, as every other group names it


def test_bad_scoring_input_is_refused_naming_the_field(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    assert misreported(cli, [
        (["score", "train", "--kind", "deals"], 2, "kind"),
        (["score", "train", "--kind", "opportunities"], 2, "outcomes"),
        (["opportunity", "list", "--min-score", "101"], 2, "min_score"),
    ]) == []


def test_an_organisation_without_outcomes_says_why_nothing_is_scored(sqlite_cli: Cli) -> None:
    # given a new organisation: one open lead, one open and one closed deal, no model
    cli = sqlite_cli
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    lead = _json(cli, "lead", "add", "--last-name", "One", "--company", "One Co")["id"]
    account = _json(cli, "account", "add", "--name", "Acme")["id"]
    deal = _json(cli, "opportunity", "add", "--account", account, "--name", "Open", "--amount", "500")["id"]
    closed = _json(cli, "opportunity", "add", "--account", account, "--name", "Lost", "--amount", "500")["id"]
    cli("opportunity", "close", closed, "lost", "--reason", "Price")
    no_model = "no lead model yet: an admin's 'leadline score train' learns one once at least 20 leads"
    # when the scores are asked for, each says why there is none, in the table and in JSON
    assert cli("score", "show", lead).out.startswith(f"not scored: {no_model}")
    assert _json(cli, "score", "show", lead)["score_note"].startswith(no_model)
    assert _json(cli, "lead", "show", lead)["score_note"].startswith(no_model)
    assert f"not scored: {no_model}" in " ".join(cli("lead", "show", lead).out.split())
    assert _json(cli, "opportunity", "show", deal)["score_note"].startswith(
        "no opportunity model yet: an admin's 'leadline score train' learns one once at least 20 opportunities")
    assert _json(cli, "opportunity", "show", closed)["score_note"] == "the opportunity is closed: its outcome is known"
