"""A second sales process on the command line and over HTTP: a stage added at a position keeps
the positions a clean sequence, and an opportunity created in the process (named, or by its
type, or by a stage id) takes any stage of it and moves within it."""

from __future__ import annotations

from typing import Any

from tests.e2e.api_support import Caller
from tests.e2e.conftest import Cli
from tests.e2e.test_api import assert_problem
from tests.e2e.test_cli_workflow import navy_lead, refused


def test_cli_stages_keep_clean_positions_and_an_opportunity_uses_the_second_process(ready_cli: Cli) -> None:
    cli = ready_cli
    cli("stage", "add-process", "Renewals", "--for-type", "renewal")
    stages: Any = cli("stage", "add", "Renewal Review", "--process", "Renewals", "--position", "0",
                      "--probability", "20", "--json").json()
    assert [s["order"] for s in stages] == list(range(9)) and stages[0]["label"] == "Renewal Review"
    assert [s["label"] for s in stages[:2]] == ["Renewal Review", "Prospecting"]
    account = cli("lead", "convert", navy_lead(cli), "--opportunity", "none", "--json").json()["account_id"]

    named: Any = cli("opportunity", "add", "--account", account, "--name", "Renewal 2027", "--process", "Renewals",
                     "--stage", "Renewal Review", "--json").json()
    assert (named["stage"], named["probability"]) == ("Renewal Review", 20)
    typed: Any = cli("opportunity", "add", "--account", account, "--name", "Renewal 2028", "--type", "renewal",
                     "--stage", "Renewal Review", "--json").json()
    assert typed["stage"] == "Renewal Review"
    assert "Negotiation" in cli("opportunity", "stage", named["id"], "Negotiation").out
    lines = refused(cli("opportunity", "add", "--account", account, "--name", "New", "--stage", "Renewal Review",
                        ok=False), 2, "stage", "VALIDATION_FAILED")
    assert "'New Business'" in lines[0]


def test_api_stages_keep_clean_positions_and_an_opportunity_uses_the_second_process(admin: Caller) -> None:
    assert admin("POST", "/config/processes", json={"name": "Renewals", "opportunity_type": "renewal"}
                 ).status_code == 201
    added = admin("POST", "/config/stages", json={"label": "Renewal Review", "probability": 20,
                                                  "process": "Renewals", "position": 0})
    assert added.status_code == 201 and added.json()["order"] == 0
    stages = admin("GET", "/config/stages", params={"process": "Renewals"}).json()
    assert [s["order"] for s in stages] == list(range(9)) and stages[1]["label"] == "Prospecting"
    review = stages[0]["id"]
    account = admin("POST", "/accounts", json={"name": "Acme"}).json()["id"]

    def create(**values: Any) -> Any:
        return admin("POST", "/opportunities", json={"account_id": account, "name": "Renewal", **values})

    for values in ({"process": "Renewals", "stage": "Renewal Review"}, {"stage": review},
                   {"type": "renewal", "stage": "Renewal Review"}):
        created = create(**values)
        assert created.status_code == 201, created.text
        assert created.json()["stage_id"] == review
    assert_problem(create(stage="Renewal Review"), 422, "VALIDATION_FAILED", "stage")
    assert_problem(create(process="Partners"), 422, "VALIDATION_FAILED", "process")
    moved = admin("PATCH", f"/opportunities/{create(process='Renewals').json()['id']}", json={"stage": "Quote"})
    assert_problem(moved, 422, "VALIDATION_FAILED", "stage")  # Renewals has no stage named Quote
