"""The OpenAPI document is as strict as the server: ids are integers with their exact integer
bounds, every bound of an integer is an integer, request bodies that refuse unknown fields say
so, and the operations that need no token say that too."""

from __future__ import annotations

import re
from typing import Any

import msgspec
from litestar.testing import TestClient

from leadline.domain.configuration.custom_fields import CustomFieldType
from leadline.domain.configuration.reasons import ReasonKind
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.ids import MAX_ID, RECORD_ID_PATTERN
from leadline.domain.security.access import SharingDefault

API = "/api/v1"


def walk(node: Any) -> Any:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def test_the_document_bounds_ids_exactly_closes_bodies_and_names_the_operations_without_token(
        client: TestClient[Any]) -> None:
    text = client.get(f"{API}/openapi.json").text
    document = msgspec.json.decode(text)  # exact integers, as a client reads them
    parameter = document["paths"][f"{API}/leads/{{lead_id}}"]["get"]["parameters"][0]
    assert parameter["schema"] == {"type": "integer", "minimum": 1, "maximum": MAX_ID,
                                   "description": "A record id."}
    assert f'"maximum":{MAX_ID}' in text and "e+18" not in text
    bounds = [node[key] for node in walk(document) if node.get("type") == "integer"
              for key in ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum") if key in node]
    assert bounds and all(isinstance(value, int) for value in bounds), bounds

    schemas = document["components"]["schemas"]
    account_id = schemas["OpportunityUpdate"]["properties"]["account_id"]  # an id in a body: digits in range
    assert account_id["pattern"] == RECORD_ID_PATTERN  # beside oneOf [string, null]: binds the string
    for component, field, values in [("StatusIn", "kind", StatusKind), ("SharingIn", "access", SharingDefault),
                                     ("CustomFieldIn", "type", CustomFieldType), ("ReasonIn", "kind", ReasonKind)]:
        assert schemas[component]["properties"][field]["enum"] == [v.value for v in values]  # the domain's list
    assert schemas["StageChange"]["properties"]["forecast_category"]["enum"][-1] is None  # may be null
    closed = {name for name, schema in schemas.items() if schema.get("additionalProperties") is False}
    assert {"LeadCreate", "LeadUpdate", "StatusIn", "PasswordLogin", "OpportunityCreate"} <= closed
    assert "LeadPublic" not in closed  # answers may grow new fields

    for served in (document, client.get(f"{API}/docs/openapi.json").json()):
        public = sorted((p, m) for p, operations in served["paths"].items()
                        for m, operation in operations.items() if operation.get("security") == [])
        assert public == [(f"{API}/auth/token", "post"), (f"{API}/health", "get")]
        assert served["security"] == [{"bearer": []}]


def test_the_server_refuses_what_the_document_refuses(client: TestClient[Any], admin: Any) -> None:
    assert admin("GET", f"/leads/{MAX_ID + 1}").status_code in (400, 404, 422)
    assert admin("GET", f"/leads/{MAX_ID}").status_code == 404
    for account in ("0", str(MAX_ID + 1)):
        body = {"name": "Deal", "account_id": account, "close_date": "2026-06-30"}
        answer = admin("POST", "/opportunities", json=body)
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == "account_id", answer.text
    wrong_kind = admin("POST", "/config/statuses", json={"label": "Odd", "kind": "odd"})
    assert wrong_kind.status_code == 422 and wrong_kind.json()["errors"][0]["field"] == "kind"
    refused = admin("POST", "/leads", json={"last_name": "Lovelace", "company": "Engines", "nope": 1})
    assert refused.status_code == 422 and refused.json()["errors"][0]["field"] == "nope"
    assert client.get(f"{API}/health").status_code == 200  # no token


def test_the_document_describes_what_the_domain_refuses_in_optional_fields_and_creates(
        client: TestClient[Any], admin: Any) -> None:
    document = client.get(f"{API}/openapi.json").json()
    schemas = document["components"]["schemas"]
    update_name = schemas["AccountFields"]["properties"]["name"]["oneOf"]  # optional: a union with null
    assert {"type": "null"} in update_name and len(update_name) == 2  # the union keeps its members
    text = next(m for m in update_name if m.get("type") == "string")
    assert text["minLength"] == 1 and text["maxLength"] == 255 and re.search(text["pattern"], " x ")
    assert not re.search(text["pattern"], " \t ")  # blank: the domain refuses it
    budget = schemas["LeadUpdate"]["properties"]["budget_amount"]["oneOf"]
    assert {"type": "integer", "minimum": 0, "maximum": 10**14 - 1} in budget
    amount = next(m for m in budget if m.get("type") == "string")["pattern"]
    assert re.search(amount, "1,200.50") and re.search(amount, "") and not re.search(amount, "١٢")
    assert "USD" in schemas["LeadUpdate"]["properties"]["currency"]["enum"]  # not null, a current code

    create = document["paths"][f"{API}/accounts"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert create == {"$ref": "#/components/schemas/AccountCreate"}
    assert schemas["AccountCreate"]["required"] == ["name"] and "oneOf" not in schemas["AccountCreate"][
        "properties"]["name"]
    assert "required" not in schemas["AccountFields"] or not schemas["AccountFields"]["required"]  # a change
    assert client.get(f"{API}/openapi.json").json() == document  # tightening again changes nothing

    # the server is unchanged: what the document now refuses is answered 422 naming the field
    for field, value in (("company", " "), ("currency", "ZZZ"), ("budget_amount", "12x")):
        answer = admin("POST", "/leads", json={"last_name": "Lovelace", "company": "Engines", field: value})
        assert answer.status_code == 422 and answer.json()["errors"][0]["field"] == field, answer.text
