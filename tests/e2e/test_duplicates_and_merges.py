"""Duplicate rules, merges and exports over HTTP and on the ``leadline`` command, on both databases."""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar.testing import TestClient

from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller, add_rep, token_for
from tests.e2e.conftest import Cli
from tests.e2e.test_api import assert_problem

ANN = {"first_name": "Ann", "last_name": "Smith", "company": "Acme", "email": "ann@acme.example"}


def test_a_blocking_rule_refuses_a_duplicate_lead_until_a_reason_is_given(admin: Caller) -> None:
    first = admin("POST", "/leads", json=ANN).json()
    warned = admin("POST", "/leads", json={**ANN, "first_name": "Anne"})
    assert warned.status_code == 201
    assert [(d["id"], d["reasons"], d["action"]) for d in warned.json()["duplicates"]] == [
        (first["id"], ["e-mail ann@acme.example", "name Anne Smith at Acme"], "warn")]

    rule = admin("PUT", "/duplicate-rules/lead/email", json={"action": "block"})
    assert rule.json() == {"record_kind": "lead", "match": "email", "action": "block", "threshold": 85, "active": True}
    assert_problem(admin("POST", "/leads", json=ANN), 409, "DUPLICATE_BLOCKED", "duplicate_override_reason")
    kept = admin("POST", "/leads", json={**ANN, "duplicate_override_reason": "new office"})
    # each match takes the strictest action of its rules
    assert kept.status_code == 201 and {d["action"] for d in kept.json()["duplicates"]} == {"block"}
    history = admin("GET", f"/leads/{kept.json()['id']}/history").json()
    assert {"field": "duplicate_override", "new_value": "new office"}.items() <= next(
        h for h in history if h["field"] == "duplicate_override").items()


def test_an_account_warns_of_a_hidden_match_without_its_fields(client: TestClient[Any], ctx: ServiceContext,
                                                               admin: Caller, admin_id: int) -> None:
    assert admin("PATCH", "/config/sharing/account", json={"access": "private"}).status_code == 200
    rep, other = add_rep(ctx, admin_id, "sam@example.com"), add_rep(ctx, admin_id, "oz@example.com")
    as_rep, as_other = (Caller(client, token_for(ctx, admin_id, u)) for u in (rep, other))
    theirs = as_other("POST", "/accounts", json={"name": "Globex Corporation", "website": "globex.example"}).json()

    mine = as_rep("POST", "/accounts", json={"name": "Globex Corp", "website": "https://globex.example"})

    assert mine.status_code == 201, mine.text
    (told,) = mine.json()["duplicates"]
    assert told["id"] is None and told["score"] is None and told["record_kind"] == "account"
    assert theirs["id"] not in mine.text and "Corporation" not in mine.text
    checked = as_rep("POST", "/duplicates/check", json={"record_kind": "account",
                                                         "values": {"name": "Globex", "website": "globex.example"}})
    assert checked.status_code == 200
    assert [d["id"] for d in checked.json()["duplicates"]] == [mine.json()["id"], None]  # the rep's own, then hidden
    assert theirs["id"] not in checked.text


def test_merge_and_undo_over_http_with_the_merged_id_answering_the_survivor(admin: Caller) -> None:
    a = admin("POST", "/leads", json=ANN).json()["id"]
    b = admin("POST", "/leads", json={**ANN, "title": "CTO"}).json()["id"]

    merged = admin("POST", "/merges", json={"record_kind": "lead", "record_ids": [a, b], "keep": a})

    assert merged.status_code == 201, merged.text
    assert admin("GET", f"/leads/{b}").json()["id"] == a
    assert admin("GET", f"/leads/{a}").json()["title"] == "CTO"
    assert [i["id"] for i in admin("GET", "/leads").json()["items"]] == [a]
    assert_problem(admin("DELETE", f"/leads/{b}"), 409, "RECORD_MERGED", "lead")  # deleted already, by the merge
    assert admin("GET", f"/leads/{a}").status_code == 200
    undone = admin("POST", f"/merges/{merged.json()['id']}/undo")
    assert undone.status_code == 200 and undone.json()["undone_at"] is not None
    assert admin("GET", f"/leads/{b}").json()["id"] == b
    assert_problem(admin("POST", f"/merges/{merged.json()['id']}/undo"), 409, "MERGE_REFUSED", "merge")


def test_the_scan_stores_groups(admin: Caller) -> None:
    a = admin("POST", "/leads", json=ANN).json()["id"]
    b = admin("POST", "/leads", json={**ANN, "email": "ann.smith@acme.example"}).json()["id"]

    assert admin("POST", "/duplicates/scan").json() == {"lead": 1, "contact": 0, "account": 0}
    (group,) = admin("GET", "/duplicates/groups").json()
    assert group["record_ids"] == sorted([a, b], key=int) and group["reasons"] == ["name Ann Smith at Acme"]


def test_the_leads_export_streams_csv_with_the_lists_filters(admin: Caller) -> None:
    admin("POST", "/leads", json={**ANN, "last_name": "=1+2"})
    admin("POST", "/leads", json={"last_name": "Other", "company": "Globex"})

    response = admin("GET", "/leads/export", params={"format": "csv", "q": "acme"})

    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["last_name"], r["company"]) for r in rows] == [("'=1+2", "Acme")]
    xlsx = admin("GET", "/leads/export", params={"format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"


def test_the_commands_check_merge_undo_and_export(cli: Cli) -> None:
    cli("init", "--admin-email", "ada@example.com", "--admin-name", "Ada Admin")
    cli("duplicates", "rules", "--kind", "lead", "--match", "email", "--action", "block")
    add = ("lead", "add", "--last-name", "Smith", "--company", "Acme", "--email", "ann@acme.example", "--json")
    first = cli(*add).json()["id"]
    refusal = cli(*add, ok=False)
    assert refusal.code == 4 and "DUPLICATE_BLOCKED" in refusal.err
    second = cli(*add, "--duplicate-override-reason", "second office").json()["id"]
    assert "duplicate: lead" in cli("duplicates", "check", "lead", "--value", "email=ann@acme.example").out

    merged = cli("merge", "leads", first, second, "--keep", first, "--json").json()
    assert merged["merged_ids"] == [second]
    assert cli("lead", "show", second, "--json").json()["id"] == first
    assert "undone" in cli("merge", "undo", merged["id"]).out

    out = cli.workdir / "leads.csv"
    assert "exported 2 lead rows" in cli("export", "leads", "--output", str(out)).out
    assert out.read_text().splitlines()[0].startswith("id,first_name,last_name,company,email")
    assert "lead: 1 group\n" in cli("duplicates", "scan").out
    assert first in cli("duplicates", "groups").out
    acme = ("account", "add", "--name", "Acme Inc", "--website", "acme.example")
    cli(*acme)
    assert "duplicate: account" in cli(*acme).err
