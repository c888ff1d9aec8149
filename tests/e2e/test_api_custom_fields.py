"""Custom fields of accounts, contacts and opportunities through the REST API, on both databases:
``custom`` in the JSON, set by POST and PATCH, validated as the lead's, and a list filter."""

from __future__ import annotations

from typing import Any

from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from tests.e2e.api_support import Caller
from tests.e2e.test_api import assert_problem


def _define(ctx: ServiceContext, admin_id: int) -> None:
    add_custom_field(ctx, admin_id, "account", "tier", "Tier", "picklist", options=["Gold", "Silver"])
    add_custom_field(ctx, admin_id, "account", "seats", "Seats", "number")
    add_custom_field(ctx, admin_id, "contact", "language", "Language", "text")
    add_custom_field(ctx, admin_id, "opportunity", "competitor", "Competitor", "text")
    add_custom_field(ctx, admin_id, "lead", "segment", "Segment", "text")


def test_custom_values_are_set_read_and_changed_on_every_record_type(
    admin: Caller, ctx: ServiceContext, admin_id: int,
) -> None:
    _define(ctx, admin_id)
    account = admin("POST", "/accounts", json={"name": "Globex", "custom": {"tier": "gold", "seats": "40"}})
    assert account.status_code == 201, account.text
    assert account.json()["custom"] == {"tier": "Gold", "seats": "40.0000"}
    account_id = account.json()["id"]
    patched = admin("PATCH", f"/accounts/{account_id}", json={"custom": {"tier": "Silver", "seats": None}},
                    headers={"If-Match": account.headers["ETag"]})
    assert patched.status_code == 200, patched.text
    assert patched.json()["custom"] == {"tier": "Silver"} and patched.json()["version"] == 2
    assert admin("GET", f"/accounts/{account_id}").json()["custom"] == {"tier": "Silver"}
    history = {(h["field"], h["old_value"], h["new_value"]) for h in admin("GET", f"/accounts/{account_id}/history")
               .json()}
    assert ("custom.tier", "Gold", "Silver") in history and ("custom.seats", "40", None) in history

    contact = admin("POST", "/contacts", json={"account_id": account_id, "last_name": "Simpson",
                                               "custom": {"language": "German"}}).json()
    assert contact["custom"] == {"language": "German"}
    assert admin("PATCH", f"/contacts/{contact['id']}", json={"custom": {"language": "French"}}).json()["custom"] \
        == {"language": "French"}

    deal = admin("POST", "/opportunities", json={"account_id": account_id, "name": "Deal",
                                                 "custom": {"competitor": "Initech"}}).json()
    assert deal["custom"] == {"competitor": "Initech"}
    moved = admin("POST", f"/opportunities/{deal['id']}/stage", json={"stage": "Qualification"})
    assert moved.status_code == 200, moved.text
    assert moved.json()["custom"] == {"competitor": "Initech"}
    assert admin("GET", "/opportunities").json()["items"][0]["custom"] == {"competitor": "Initech"}


def test_bad_custom_values_are_refused_naming_the_field(admin: Caller, ctx: ServiceContext, admin_id: int) -> None:
    _define(ctx, admin_id)
    account_id = admin("POST", "/accounts", json={"name": "Globex"}).json()["id"]
    cases: list[tuple[str, str, dict[str, Any], str]] = [
        ("POST", "/accounts", {"name": "Initech", "custom": {"tier": "Platinum"}}, "custom.tier"),
        ("PATCH", f"/accounts/{account_id}", {"custom": {"seats": "many"}}, "custom.seats"),
        ("PATCH", f"/accounts/{account_id}", {"custom": {"language": "German"}}, "custom.language"),
        ("POST", "/contacts", {"account_id": account_id, "last_name": "S", "custom": {"nope": "x"}}, "custom.nope"),
        ("POST", "/opportunities", {"account_id": account_id, "name": "D", "custom": {"tier": "Gold"}}, "custom.tier"),
    ]
    for method, path, body, field in cases:
        assert_problem(admin(method, path, json=body), 422, "VALIDATION_FAILED", field)
    assert [a["name"] for a in admin("GET", "/accounts").json()["items"]] == ["Globex"]
    assert admin("GET", f"/accounts/{account_id}").json()["custom"] == {}


def test_every_list_filters_on_custom_values(admin: Caller, ctx: ServiceContext, admin_id: int) -> None:
    _define(ctx, admin_id)
    gold = admin("POST", "/accounts", json={"name": "Globex", "custom": {"tier": "Gold", "seats": "40"}}).json()
    silver = admin("POST", "/accounts", json={"name": "Initech", "custom": {"tier": "Silver", "seats": "40"}}).json()
    german = admin("POST", "/contacts", json={"account_id": gold["id"], "last_name": "A",
                                              "custom": {"language": "German"}}).json()
    admin("POST", "/contacts", json={"account_id": gold["id"], "last_name": "B"})
    won = admin("POST", "/opportunities", json={"account_id": silver["id"], "name": "D",
                                                "custom": {"competitor": "Hooli"}}).json()
    admin("POST", "/opportunities", json={"account_id": silver["id"], "name": "E"})
    lead = admin("POST", "/leads", json={"last_name": "L", "company": "C", "custom": {"segment": "SMB"}}).json()
    admin("POST", "/leads", json={"last_name": "M", "company": "C"})

    def ids(path: str, **params: Any) -> list[str]:
        response = admin("GET", path, params=params)
        assert response.status_code == 200, response.text
        return sorted(item["id"] for item in response.json()["items"])

    assert ids("/accounts", custom="tier=gold") == [gold["id"]]
    assert ids("/accounts", custom=["seats=40", "tier=Silver"]) == [silver["id"]]
    assert ids("/accounts", custom="seats=40") == sorted([gold["id"], silver["id"]])
    assert ids("/contacts", custom="language=german") == [german["id"]]
    assert ids("/opportunities", custom="competitor=Hooli") == [won["id"]]
    assert ids("/leads", custom="segment=smb") == [lead["id"]]
    assert_problem(admin("GET", "/accounts", params={"custom": "tier=Platinum"}), 422, "VALIDATION_FAILED",
                   "custom.tier")
    assert_problem(admin("GET", "/contacts", params={"custom": "tier=Gold"}), 422, "VALIDATION_FAILED",
                   "custom.tier")
    assert_problem(admin("GET", "/opportunities", params={"custom": "competitor"}), 422, "VALIDATION_FAILED",
                   "custom")
