"""What the conversion tests share: a lead to convert, record counts, and everything a conversion
wrote, as stored and with ids masked, to compare a bulk conversion with converting one by one."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import text

from leadline.domain.configuration.custom_fields import RecordType
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads

SALE = {"budget_amount": "12000", "purchase_timeframe": "2026-06-30"}
WIDGET = {"product": "Widget", "quantity": "3", "estimated_unit_price": "1000"}
GADGET = {"product": "Gadget", "quantity": "2", "estimated_unit_price": "500"}
#: an override's written reason
WHY = "met the CFO at the trade show"


def new_lead(ctx: ServiceContext, actor: int, *, products: list[dict[str, str]] | None = None,
             custom: dict[str, str] | None = None, **values: Any) -> int:
    fields = {"first_name": "Grace", "last_name": "Hopper", "company": "Navy Computing",
              "email": "grace@navy.example", "website": "navy.example", "city": "Arlington", "is_decision_maker": True,
              **SALE, **values}
    return leads.create_lead(ctx, actor, fields, products=[WIDGET] if products is None else products,
                             custom=custom).lead.id


def undecided(ctx: ServiceContext, actor: int, n: int = 0) -> int:
    """An Open lead that meets the opportunity criteria but not BANT's authority."""
    return new_lead(ctx, actor, email=f"u{n}@navy.example", is_decision_maker=False)


def counts(ctx: ServiceContext) -> tuple[int, int, int]:
    with ctx.uow_factory(read_only=True) as uow:
        return uow.accounts.count(), uow.contacts.count(), uow.opportunities.count()


_ID = re.compile(r"\d{12,}")  # record ids are 63-bit numbers made at the time: masked to compare


def masked(value: Any) -> Any:
    def mask(item: Any) -> Any:
        if isinstance(item, dict):
            return {mask(k): mask(v) for k, v in item.items()}
        if isinstance(item, list):
            return [mask(v) for v in item]
        if isinstance(item, int) and not isinstance(item, bool) and item >= 10 ** 12:
            return "#"
        return _ID.sub("#", item) if isinstance(item, str) else item

    return mask(json.loads(json.dumps(value, default=str)))


def audit_of(uow: Any, kind: str, record_id: int | None) -> list[tuple[Any, ...]]:
    """The audit events of a record, oldest first: action, actor, moment and the JSON as stored."""
    return [tuple(row) for row in uow.session.execute(text(
        "SELECT action, actor_id, at, changes FROM audit_events WHERE record_type = :kind AND record_id = :id"
        " ORDER BY at, id"), {"kind": RecordType(kind).value, "id": record_id})]


def stored_conversion(uow: Any, lead_id: int) -> dict[str, Any]:
    """The lead's latest conversion not undone, as stored (result and undo record as their JSON text)."""
    row = uow.session.execute(text(
        "SELECT id, idempotency_key, actor_id, converted_at, result, undo FROM lead_conversions"
        " WHERE lead_id = :id AND undone_at IS NULL ORDER BY converted_at DESC, id DESC"), {"id": lead_id}).first()
    return dict(row._mapping) if row else {}


def written_for(ctx: ServiceContext, lead_id: int) -> dict[str, Any]:
    """Everything the conversion of ``lead_id`` (or its undo) wrote, as stored, ids masked: the
    lead, the records it became (created or attached, as they are now, with their custom values,
    audit, contact roles, line items and stage history), its status history and conversion."""
    with ctx.uow_factory(read_only=True) as uow:
        lead = uow.leads.get(lead_id)
        assert lead is not None
        conversion = stored_conversion(uow, lead_id)
        result = json.loads(conversion["result"]) if conversion else {}
        account, contact = result.get("account_id"), result.get("contact_id")
        deals = result.get("opportunity_ids") or []
        definitions = uow.custom_fields.definitions()

        def custom(kind: str, record_id: int) -> dict[str, Any]:
            chosen = [d for d in definitions if d.record_type.value == kind]
            return uow.custom_fields.values_for(chosen, [record_id])[record_id]

        return masked({
            "lead": [lead.status_id, lead.unqualified_reason_id, lead.converted_at, lead.version, lead.updated_at,
                     lead.converted_account_id, lead.converted_contact_id, lead.converted_opportunity_id],
            "lead audit": audit_of(uow, "lead", lead_id),
            "status changes": uow.leads.status_changes(lead_id),
            "account": account and [repr(uow.accounts.get(account)), custom("account", account),
                                    audit_of(uow, "account", account)],
            "contact": contact and [repr(uow.contacts.get(contact)), custom("contact", contact),
                                    audit_of(uow, "contact", contact)],
            "opportunities": [[repr(uow.opportunities.get(deal)), custom("opportunity", deal),
                               audit_of(uow, "opportunity", deal), uow.stage_history.for_opportunity(deal),
                               sorted(uow.products.contact_roles(deal)),
                               [repr(item) for item in uow.products.line_items(deal)]] for deal in deals],
            "conversion": conversion,
        })


def recorded_runs(monkeypatch: Any) -> list[dict[str, Any]]:
    """How ``convert_leads`` ran from now on: ``{"batched": True}`` for a call written in batches,
    followed by ``{"batched": False}`` if it had to start again with each lead alone."""
    from leadline.services.conversion import bulk as conversion_bulk

    runs: list[dict[str, Any]] = []
    run = conversion_bulk._convert

    def recorded(*args: Any, **kwargs: Any) -> Any:
        runs.append(kwargs)
        return run(*args, **kwargs)

    monkeypatch.setattr(conversion_bulk, "_convert", recorded)
    return runs
