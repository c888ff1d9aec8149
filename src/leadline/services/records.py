"""Accounts, contacts and opportunities: create, read and list.

Conversion (issue 4) and the opportunity lifecycle (issue 5) build on these; the rules
for each record stay in the domain.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from leadline.domain.accounts import Account, Contact, ensure_valid_parent, website_domain
from leadline.domain.common import ADDRESS_PARTS, Address, clean_text, parse_non_negative_int
from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.ids import new_id
from leadline.domain.money import parse_amount, parse_currency
from leadline.domain.opportunities import (
    Opportunity,
    OpportunityStage,
    OpportunityType,
    first_open_stage,
)
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.sources import find_source
from leadline.services.access import load_actor
from leadline.services.context import ServiceContext
from leadline.services.users import resolve_user


def create_account(ctx: ServiceContext, actor_id: int, values: Mapping[str, Any]) -> Account:
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        now = ctx.now()
        name = clean_text(values.get("name"), field="name", required=True)
        website = clean_text(values.get("website"), field="website")
        owner = resolve_user(uow, values.get("owner")) or actor
        billing = Address.build("billing_", **{part: values.get(f"billing_{part}") for part in ADDRESS_PARTS})
        account = Account(
            id=new_id(), name=name or "", created_at=now, updated_at=now, website=website,
            domain=website_domain(website), industry=clean_text(values.get("industry"), field="industry"),
            number_of_employees=parse_non_negative_int(values.get("number_of_employees"), field="number_of_employees"),
            owner_id=owner.id, parent_id=values.get("parent_id"),
            billing_street=billing.street, billing_city=billing.city, billing_state=billing.state,
            billing_postal_code=billing.postal_code, billing_country=billing.country,
        )
        if account.parent_id is not None:
            if uow.accounts.get(account.parent_id) is None:
                raise NotFoundError(f"there is no account {account.parent_id}", field="parent")
            ensure_valid_parent(account.id, account.parent_id, uow.accounts.parent_of)
        uow.accounts.add(account)
        uow.commit()
        return account


def create_contact(ctx: ServiceContext, actor_id: int, values: Mapping[str, Any]) -> Contact:
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        account = uow.accounts.get(int(values.get("account_id") or 0))
        if account is None:
            raise NotFoundError(f"there is no account {values.get('account_id')}", field="account")
        now = ctx.now()
        email = clean_text(values.get("email"), field="email", max_length=254)
        phone = clean_text(values.get("phone"), field="phone", max_length=40)
        source = find_source(uow.sources.list(), values["lead_source"]) if values.get("lead_source") else None
        contact = Contact(
            id=new_id(), account_id=account.id,
            last_name=clean_text(values.get("last_name"), field="last_name", max_length=80, required=True) or "",
            first_name=clean_text(values.get("first_name"), field="first_name", max_length=80),
            email=ctx.contact_points.normalise_email(email) if email else None,
            phone=ctx.contact_points.normalise_phone(phone, account.billing_country) if phone else None,
            title=clean_text(values.get("title"), field="title", max_length=128),
            lead_source_id=source.id if source else None,
            owner_id=(resolve_user(uow, values.get("owner")) or actor).id, created_at=now, updated_at=now,
        )
        uow.contacts.add(contact)
        uow.commit()
        return contact


def create_opportunity(ctx: ServiceContext, actor_id: int, values: Mapping[str, Any]) -> Opportunity:
    """Open an opportunity at an account. Its stage (default: the first open stage of the
    default process) sets probability and forecast category; the first stage is recorded."""
    with ctx.uow_factory() as uow:
        actor = load_actor(uow, actor_id)
        account = uow.accounts.get(int(values.get("account_id") or 0))
        if account is None:
            raise NotFoundError(f"there is no account {values.get('account_id')}", field="account")
        stage = _stage(uow, values.get("stage"))
        now = ctx.now()
        amount = values.get("amount")
        opportunity = Opportunity(
            id=new_id(), account_id=account.id,
            name=clean_text(values.get("name"), field="name", required=True) or "",
            stage_id=stage.id, probability=stage.probability, forecast_category=stage.forecast_category,
            created_at=now, updated_at=now,
            currency=parse_currency(values.get("currency") or ctx.currency),
            amount=None if amount in (None, "") else parse_amount(amount),
            close_date=_date(values.get("close_date")),
            type=OpportunityType(values["type"]) if values.get("type") else None,
            owner_id=(resolve_user(uow, values.get("owner")) or actor).id,
            outcome=Opportunity.outcome_for(stage),
            closed_at=now if stage.is_closed else None,
        )
        uow.opportunities.add(opportunity)
        uow.flush()
        uow.stage_history.record(opportunity, None, actor.id, now)
        uow.commit()
        return opportunity


@dataclass
class AccountDetails:
    account: Account
    contacts: list[Contact]
    opportunities: list[Opportunity]


def get_account(ctx: ServiceContext, actor_id: int, account_id: int) -> AccountDetails:
    with ctx.uow_factory() as uow:
        load_actor(uow, actor_id)
        account = uow.accounts.get(account_id)
        if account is None:
            raise NotFoundError(f"there is no account {account_id}", field="account")
        scope = RecordQuery(account_id=account_id)
        return AccountDetails(account, uow.contacts.list(scope, Page(limit=500, newest_first=False)),
                              uow.opportunities.list(scope, Page(limit=500, newest_first=False)))


def get_record(ctx: ServiceContext, actor_id: int, kind: str, record_id: int) -> Any:
    """A contact or an opportunity by id (accounts have ``get_account``)."""
    with ctx.uow_factory() as uow:
        load_actor(uow, actor_id)
        record = getattr(uow, _repository(kind)).get(record_id)
        if record is None:
            raise NotFoundError(f"there is no {kind} {record_id}", field=kind)
        return record


def list_records(ctx: ServiceContext, actor_id: int, kind: str, query: RecordQuery, page: Page) -> list[Any]:
    with ctx.uow_factory() as uow:
        load_actor(uow, actor_id)
        return list(getattr(uow, _repository(kind)).list(query, page))


def stage_labels(ctx: ServiceContext) -> dict[int, str]:
    with ctx.uow_factory() as uow:
        return {s.id: s.label for s in uow.stages.stages()}


def _repository(kind: str) -> str:
    names = {"account": "accounts", "contact": "contacts", "opportunity": "opportunities"}
    if kind not in names:
        raise ValidationError(f"{kind!r} is not a record kind", field="kind")
    return names[kind]


def _stage(uow: Any, reference: object) -> OpportunityStage:
    processes = uow.stages.processes()
    default = next((p for p in processes if p.is_default), processes[0])
    stages = uow.stages.stages(default.id)
    if reference in (None, ""):
        return first_open_stage(stages)
    for stage in uow.stages.stages():
        if stage.label.casefold() == str(reference).casefold() or str(stage.id) == str(reference):
            if stage.process_id == default.id or str(stage.id) == str(reference):
                return stage  # type: ignore[no-any-return]
    raise ValidationError(f"there is no stage {reference!r}", field="stage")


def _date(value: object) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ValidationError(f"{value!r} is not a date (YYYY-MM-DD)", field="close_date") from None
