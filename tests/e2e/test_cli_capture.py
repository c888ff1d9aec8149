"""``leadline form ...`` and ``leadline capture ...`` as a user runs them, on SQLite and
PostgreSQL: a quiz form defined from a file, its snippet, a submission held in quarantine then
released, quick call capture with its call, and a referral listed on its referrer."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from leadline.persistence.database import make_engine
from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.capture.submissions import Outcome, submit_form
from leadline.services.context import ServiceContext
from tests.e2e.conftest import Cli

QUIZ = [{"key": "when", "label": "When do you buy?", "kind": "single", "required": True,
         "options": [{"value": "now", "points": 30}, {"value": "later", "points": 1}]}]


def _init(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")


def _submit(database_url: str, key: str, **posted: Any) -> Any:
    """A bot's post to the form's public address (through the use case the endpoint runs)."""
    engine = make_engine(database_url)
    try:
        ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only))
        return submit_form(ctx, key, posted, secret="dev-insecure-change-me", client_address="192.0.2.9",
                           body_size=200)
    finally:
        engine.dispose()


def test_a_quiz_form_its_snippet_and_its_quarantine(cli: Cli, database_url: str, tmp_path: Path) -> None:
    _init(cli)
    quiz = tmp_path / "quiz.json"
    quiz.write_text(json.dumps(QUIZ))
    made = cli("form", "add", "Demo request", "--field", "last_name", "--field", "company", "--field", "email",
               "--source", "Website form", "--origin", "https://www.acme.example", "--quiz", str(quiz),
               "--hot", "25", "--warm", "5", "--spam", "min_seconds=4", "--json").json()
    assert isinstance(made, dict) and made["spam"]["min_seconds"] == 4 and made["thresholds"] == {"hot": 25, "warm": 5}
    listed = cli("form", "list", "--json").json()
    assert [f["name"] for f in listed] == ["Demo request"]  # type: ignore[union-attr]
    html = cli("form", "snippet", str(made["id"]), "--base-url", "https://crm.acme.example").out
    assert f'action="https://crm.acme.example/f/{made["key"]}"' in html and 'name="_lt"' in html
    held = _submit(database_url, made["key"], last_name="Bot", company="Spam", email="bot@spam.example",
                   when="now", website_url="filled")
    assert held.outcome is Outcome.QUARANTINED
    queue = cli("capture", "quarantine", "list", "--json").json()
    assert [(q["id"], q["reasons"]) for q in queue] == [(str(held.quarantine_id), ["honeypot", "token_missing"])]  # type: ignore[index]
    released = cli("capture", "quarantine", "release", str(held.quarantine_id)).out
    lead_id = released.strip().rsplit(" ", 1)[1]
    lead = cli("lead", "show", lead_id, "--json").json()
    assert (lead["last_name"], lead["rating"]) == ("Bot", "hot")  # type: ignore[index]
    assert cli("capture", "quarantine", "list", "--json").json() == []
    refused = cli("capture", "quarantine", "discard", str(held.quarantine_id), ok=False)
    assert refused.code != 0 and "CONFLICT" in refused.err


def test_a_call_and_a_referral(cli: Cli) -> None:
    _init(cli)
    account = cli("account", "add", "--name", "Referrer Inc", "--json").json()
    call = cli("capture", "call", "--phone", "+1 415 555 0100", "--last-name", "Ames", "--notes", "Wants a demo",
               "--referred-by-account", str(account["id"]), "--json").json()  # type: ignore[index]
    activities = cli("lead", "show", str(call["lead_id"]), "--json").json()  # type: ignore[index]
    assert activities["company"] == "[not provided]"  # type: ignore[index]
    referred = cli("capture", "referrals", "account", str(account["id"]), "--json").json()  # type: ignore[index]
    assert [r["lead_id"] for r in referred] == [call["lead_id"]]  # type: ignore[index]
    missing = cli("capture", "call", "--phone", "+14155550100", ok=False)
    assert missing.code != 0 and "last name or a company" in missing.err


def test_prune_says_what_it_forgot_and_takes_the_retention_from_the_settings(cli: Cli, database_url: str) -> None:
    _init(cli)
    made = cli("form", "add", "Contact", "--json").json()
    held = _submit(database_url, made["key"], last_name="Bot", company="Spam",
                   email="bot@spam.example", website_url="filled")  # type: ignore[index]
    cli("capture", "quarantine", "discard", str(held.quarantine_id))
    assert cli("capture", "prune", "--json").json() == {"tokens": 0, "counters": 0, "discarded": 0}
    assert cli("capture", "prune", "--discarded-days", "0").out.strip() == \
        "pruned 0 used tokens, 0 rate counters, 0 discarded submissions"
    refused = cli("capture", "prune", "--discarded-days", "-1", ok=False)
    assert refused.code != 0
