"""``leadline score train|evaluate --kind`` and the opportunity score in ``opportunity show|list``,
through the ``leadline`` command on SQLite (the use cases are tested on both databases)."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Cli, misreported


def _json(cli: Cli, *args: str) -> Any:
    return cli(*args, "--json").json()


def _closed_history(cli: Cli) -> str:
    """20 closed deals: from Negotiation 5 of 6 won, from Prospecting 2 of 14."""
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    account = _json(cli, "account", "add", "--name", "Acme")["id"]
    for i in range(20):
        stage = "Negotiation" if i < 6 else "Prospecting"
        deal = _json(cli, "opportunity", "add", "--account", account, "--name", f"Old {i}", "--amount", "1000",
                     "--stage", stage)["id"]
        won = i in (0, 1, 2, 3, 4, 17, 19)
        cli("opportunity", "close", deal, "won" if won else "lost", *([] if won else ["--reason", "Price"]))
    return str(account)


def test_score_train_learns_from_closed_deals_and_show_and_list_carry_the_score(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    account = _closed_history(cli)
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


def test_bad_scoring_input_is_refused_naming_the_field(sqlite_cli: Cli) -> None:
    cli = sqlite_cli
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    assert misreported(cli, [
        (["score", "train", "--kind", "deals"], 2, "kind"),
        (["score", "train", "--kind", "opportunities"], 2, "outcomes"),
        (["opportunity", "list", "--min-score", "101"], 2, "min_score"),
    ]) == []
