"""``POST /services/data/vNN.N/actions/standard/convertLead``: Salesforce's lead conversion for REST
clients, mapped to Leadline's one conversion use case (``convert_lead``), one call per input.

Inputs: ``leadId`` (required), ``convertedStatus``, ``accountId``, ``contactId``, ``opportunityId``
(attach to it), ``doNotCreateOpportunity``, ``ownerId``; Leadline's own: ``overrideReason`` and
``qualificationOverrideReason`` (why to convert although criteria are not met) and
``duplicateOverrideReason`` (why to make the account or contact a ``block`` duplicate rule
refuses; Salesforce's ``Sforce-Duplicate-Rule-Header: allowSave=true`` lifts no block, as there:
docs/adr/0066-undo-deletions-and-convertlead-duplicate-reason.md). Any other input is refused
naming it. Each input answers ``isSuccess`` and ``outputValues`` (the ids), or ``errors`` naming
the input to fill; the response is 400 when any input failed."""

from __future__ import annotations

from typing import Any

from litestar import Controller, post

from leadline.domain.errors import LeadlineError
from leadline.domain.salesforce.ids import parse_salesforce_id, salesforce_id
from leadline.salesforce.errors import SalesforceError, status_and_code
from leadline.salesforce.sobjects import json_response, parse_body
from leadline.salesforce.versions import checked_version
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead

#: input name -> (conversion choice, object of the id it holds or None)
INPUTS: dict[str, tuple[str, str | None]] = {
    "leadId": ("lead_id", "Lead"), "convertedStatus": ("status", None), "accountId": ("account_id", "Account"),
    "contactId": ("contact_id", "Contact"), "opportunityId": ("opportunity_id", "Opportunity"),
    "ownerId": ("owner", "User"), "doNotCreateOpportunity": ("opportunity", None),
    "overrideReason": ("override_reason", None), "qualificationOverrideReason": ("qualification_override_reason", None),
    "duplicateOverrideReason": ("duplicate_override_reason", None),
    "sendNotificationEmail": ("", None), "overwriteLeadSource": ("", None),
}
#: a refusal's field (a conversion choice) -> the input that gives it
INPUT_OF: dict[str, str] = {choice: name for name, (choice, _) in INPUTS.items() if choice}


def _choices(given: dict[str, Any]) -> dict[str, Any]:
    unknown = [name for name in given if name not in INPUTS]
    if unknown:
        raise SalesforceError(400, "INVALID_FIELD", f"Unknown input: {', '.join(unknown)}", unknown)
    choices: dict[str, Any] = {}
    for name, value in given.items():
        choice, sobject = INPUTS[name]
        if not choice or value in (None, ""):
            continue
        if sobject is not None:
            record_id = parse_salesforce_id(str(value), expected=sobject, field=name).record_id
            choices[choice] = str(record_id) if choice == "owner" else record_id
        elif choice == "opportunity":
            choices[choice] = "none" if value is True or str(value).lower() == "true" else "create"
        else:
            choices[choice] = value
    if "opportunity_id" in choices:
        choices["opportunity"] = "attach"
    if "lead_id" not in choices:
        raise SalesforceError(400, "REQUIRED_FIELD_MISSING", "leadId is required", ["leadId"])
    return choices


def _convert(ctx: ServiceContext, actor: int, given: dict[str, Any]) -> dict[str, Any]:
    try:
        choices = _choices(given)
        lead_id = choices.pop("lead_id")
        result = convert_lead(ctx, actor, lead_id, **choices)
    except SalesforceError as error:
        return _failed(error.code, error.message, error.fields)
    except LeadlineError as error:
        return _failed(status_and_code(error)[1], error.message,
                       [INPUT_OF.get(f, f) for f in (error.field,) if f])
    outputs = {"leadId": salesforce_id("Lead", result.lead_id),
               "accountId": salesforce_id("Account", result.account_id),
               "contactId": salesforce_id("Contact", result.contact_id),
               "opportunityId": salesforce_id("Opportunity", result.opportunity_id) if result.opportunity_id else None}
    return {"actionName": "convertLead", "errors": None, "isSuccess": True, "outputValues": outputs, "version": 1}


def _failed(code: str, message: str, fields: list[str]) -> dict[str, Any]:
    return {"actionName": "convertLead", "errors": [{"statusCode": code, "message": message, "fields": fields}],
            "isSuccess": False, "outputValues": None, "version": 1}


class ActionController(Controller):
    path = "/services/data/{version:str}/actions/standard"
    include_in_schema = False

    @post("/convertLead", sync_to_thread=True, status_code=200)
    def convert_leads(self, version: str, actor: int, ctx: ServiceContext, body: bytes) -> Any:
        """Convert each input's lead, each in its own transaction (as Salesforce does per input)."""
        checked_version(version)
        inputs = parse_body(body).get("inputs")
        if not isinstance(inputs, list) or not inputs or not all(isinstance(i, dict) for i in inputs):
            raise SalesforceError(400, "JSON_PARSER_ERROR", "inputs must be a non-empty list of objects", ["inputs"])
        results = [_convert(ctx, actor, given) for given in inputs]
        return json_response(results, 200 if all(r["isSuccess"] for r in results) else 400)
