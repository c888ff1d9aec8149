"""``leadline account|contact add|update|list|show`` and custom fields of every record type through
the ``leadline`` command, on both databases: the same use cases, so the same rules as the API."""

from __future__ import annotations

from typing import Any

from tests.e2e.conftest import Cli, misreported


def _ready(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin", stdin="")
    cli("field", "add", "--object", "account", "--name", "tier", "--type", "picklist", "--option", "Gold",
        "--option", "Silver")
    cli("field", "add", "--object", "contact", "--name", "language", "--type", "text")
    cli("field", "add", "--object", "opportunity", "--name", "competitor", "--type", "text")
    cli("user", "add", "--email", "sam@example.com", "--name", "Sam", "--role", "rep")


def _json(cli: Cli, *args: str) -> Any:
    return cli(*args, "--json").json()


def test_accounts_and_contacts_are_created_changed_listed_and_shown_with_custom_values(cli: Cli) -> None:
    _ready(cli)
    assert [f["name"] for f in _json(cli, "field", "list", "--object", "account")] == ["tier"]
    account = _json(cli, "account", "add", "--name", "Globex", "--website", "https://www.globex.example",
                    "--employees", "120", "--country", "US", "--custom", "tier=gold")
    assert (account["domain"], account["number_of_employees"], account["billing_country"], account["custom"]) == (
        "globex.example", 120, "US", {"tier": "Gold"})
    changed = _json(cli, "account", "update", account["id"], "--industry", "Energy", "--custom", "tier=Silver",
                    "--if-version", "1")
    assert (changed["industry"], changed["custom"], changed["version"]) == ("Energy", {"tier": "Silver"}, 2)
    other = _json(cli, "account", "add", "--name", "Initech", "--owner", "sam@example.com", "--custom", "tier=Gold")

    contact = _json(cli, "contact", "add", "--account", account["id"], "--first-name", "Hank", "--last-name",
                    "Scorpio", "--email", "Hank@Globex.example", "--custom", "language=German")
    assert (contact["email"], contact["account_id"], contact["custom"]) == (
        "hank@globex.example", account["id"], {"language": "German"})
    moved = _json(cli, "contact", "update", contact["id"], "--title", "CEO", "--account", other["id"],
                  "--custom", "language=")
    assert (moved["title"], moved["account_id"], moved["custom"], moved["version"]) == ("CEO", other["id"], {}, 2)

    assert [a["id"] for a in _json(cli, "account", "list", "--custom", "tier=silver")] == [account["id"]]
    assert [a["id"] for a in _json(cli, "account", "list", "--owner", "sam@example.com")] == [other["id"]]
    assert [c["id"] for c in _json(cli, "contact", "list", "--account", other["id"])] == [contact["id"]]
    assert _json(cli, "contact", "list", "--custom", "language=German") == []
    shown = cli("account", "show", account["id"]).out
    assert "custom.tier" in shown and "Silver" in shown and "Energy" in shown
    assert _json(cli, "account", "show", account["id"])["account"]["custom"] == {"tier": "Silver"}
    assert "CEO" in cli("contact", "show", contact["id"]).out


def test_opportunity_custom_values_are_changed_shown_and_filtered(cli: Cli) -> None:
    _ready(cli)
    lead = _json(cli, "lead", "add", "--last-name", "Lovelace", "--company", "Engines", "--status", "Qualified",
                 "--override-reason", "test")
    converted = _json(cli, "lead", "convert", lead["id"], "--override-reason", "test")
    deal = converted["opportunity_id"]
    updated = _json(cli, "opportunity", "update", deal, "--custom", "competitor=Initech")
    assert updated["custom"] == {"competitor": "Initech"}
    assert "custom.competitor" in cli("opportunity", "show", deal).out
    assert [o["id"] for o in _json(cli, "opportunity", "list", "--custom", "competitor=initech")] == [deal]
    assert _json(cli, "opportunity", "show", deal)["custom"] == {"competitor": "Initech"}


def test_bad_account_and_contact_input_is_refused_as_the_api_refuses_it(sqlite_cli: Cli) -> None:
    """The command line itself (the rules are the use cases', tested on both databases)."""
    cli = sqlite_cli
    _ready(cli)
    account = _json(cli, "account", "add", "--name", "Globex")["id"]
    cases = [
        (["account", "add", "--website", "x.example"], 2, "name"),
        (["account", "add", "--name", "X", "--employees", "many"], 2, "number_of_employees"),
        (["account", "add", "--name", "X", "--custom", "tier=Platinum"], 2, "custom.tier"),
        (["account", "add", "--name", "X", "--custom", "language=German"], 2, "custom.language"),
        (["account", "add", "--name", "X", "--custom", "tier"], 2, "custom"),
        (["account", "add", "--name", "X", "--parent", "123"], 3, "account"),
        (["account", "update", account], 2, "account"),
        (["account", "update", account, "--name", "Y", "--if-version", "7"], 4, "version"),
        (["account", "update", "123", "--name", "Y"], 3, "account"),
        (["account", "list", "--custom", "tier=Platinum"], 2, "custom.tier"),
        (["contact", "add", "--last-name", "S"], 2, "account_id"),
        (["contact", "add", "--account", account], 2, "last_name"),
        (["contact", "add", "--account", account, "--last-name", "S", "--email", "nope"], 2, "email"),
        (["contact", "add", "--account", account, "--last-name", "S", "--custom", "nope=1"], 2, "custom.nope"),
        (["contact", "list", "--custom", "nope=1"], 2, "custom.nope"),
        (["opportunity", "list", "--custom", "tier=Gold"], 2, "custom.tier"),
        (["account", "update", account, "--owner", "ada@example.com", "--as", "sam@example.com"], 3, "account"),
    ]
    assert misreported(cli, cases) == []
    assert [a["name"] for a in _json(cli, "account", "list")] == ["Globex"]


def test_lead_list_sorts_by_score_with_a_floor_and_pages_by_cursor(cli: Cli, database_url: str) -> None:
    from datetime import UTC, datetime

    from leadline.persistence.database import make_engine
    from leadline.persistence.unit_of_work import SqlUnitOfWork
    from leadline.services.contact_points import LibraryContactPointChecker
    from leadline.services.context import ServiceContext
    from leadline.services.scoring.scores import rescore_leads
    from tests.conftest import FakeClock
    from tests.integration.test_scoring_paths import store_model

    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    ids = {name: cli("lead", "add", "--last-name", name, "--company", f"{name} Co", *source, "--json").json()["id"]
           for name, source in (("Trade", ["--source", "Trade show"]), ("Web", ["--source", "Website form"]),
                                ("Plain", []), ("Unscored", []))}
    engine = make_engine(database_url)
    clock = FakeClock(datetime.now(UTC))
    ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                         clock=clock, currency="USD", phone_region="US",
                         contact_points=LibraryContactPointChecker("US"))
    store_model(ctx, clock)
    with ctx.uow_factory() as uow:
        rescore_leads(ctx, uow, [int(ids[name]) for name in ("Trade", "Web", "Plain")])
        uow.commit()
    engine.dispose()
    listed = cli("lead", "list", "--sort=-score", "--json").json()
    assert [row["name"] for row in listed] == ["Trade", "Plain", "Web", "Unscored"]
    floor = cli("lead", "list", "--sort=-score", "--min-score", str(listed[1]["score"]), "--json").json()
    assert [row["name"] for row in floor] == ["Trade", "Plain"]
    first = cli("lead", "list", "--sort=score", "--limit", "2")
    cursor = first.out.split("--cursor ")[1].split()[0]
    rest = cli("lead", "list", "--sort=score", "--limit", "2", "--cursor", cursor, "--json").json()
    assert [row["name"] for row in rest] == ["Trade", "Unscored"]
    refused = cli("lead", "list", "--sort=score", "--after", ids["Trade"], ok=False)
    assert refused.code != 0 and "--after" in refused.err + refused.out
