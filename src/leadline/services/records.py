"""Accounts, contacts and opportunities: create, read, list, update and delete, under
record-level security, with every write audited.

Conversion (``conversion.py``) and the opportunity lifecycle (stages, closing) build on these;
the rules for each record stay in the domain.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadline.domain.accounts import (
    ACCOUNT_FIELD_CLEANERS,
    CONTACT_FIELD_CLEANERS,
    Account,
    Contact,
    ensure_account_given,
    ensure_named,
    ensure_valid_parent,
    website_domain,
)
from leadline.domain.common import clean_fields, clean_text
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.reasons import ReasonKind, find_reason
from leadline.domain.configuration.sources import ensure_selectable, find_source
from leadline.domain.duplicates.merge import ensure_not_merged_away
from leadline.domain.errors import ConflictError, NotFoundError, StaleRecordError, ValidationError
from leadline.domain.history import Deletion, diff_fields, render_value
from leadline.domain.ids import new_id, parse_record_id
from leadline.domain.opportunities.opportunity import (
    OPPORTUNITY_FIELD_CLEANERS,
    Opportunity,
    Outcome,
    parse_forecast_category,
    parse_opportunity_type,
)
from leadline.domain.queries import Page, RecordQuery
from leadline.domain.security.access import Viewer
from leadline.services.context import ServiceContext
from leadline.services.custom_values import audit_fields, read_custom, write_custom
from leadline.services.duplicates.check import DuplicateReport, probe_of, screen_new_record
from leadline.services.named_history import named_history
from leadline.services.opportunities.lifecycle import find_stage, parse_percent, track_change
from leadline.services.scoring.opportunities import rescore_opportunity
from leadline.services.security import idempotency
from leadline.services.security.access import audit_created, fields_of, load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.users import resolve_user
from leadline.services.security.visibility import redacted_history, survivor_shown, without_hidden_origin

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork
    from leadline.services.ports.accounts import AccountRepository, ContactRepository
    from leadline.services.ports.opportunities import OpportunityRepository

REFERENCES = ("owner", "parent_id", "account_id", "lead_source", "stage", "process", "email", "phone",
              "probability", "forecast_category", "loss_reason", "custom", "duplicate_override_reason")


def create_account(ctx: ServiceContext, actor_id: int, values: Mapping[str, Any], *,
                   claim: IdempotencyClaim[Account] | None = None,
                   duplicates: DuplicateReport | None = None) -> Account:
    """A new account. ``website`` also sets the ``domain`` used to match leads to accounts.
    The duplicate rules are checked as for leads (``create_lead``); ``duplicates`` gets the matches."""
    with ctx.uow_factory() as uow:
        account = add_account(ctx, uow, load_viewer(uow, actor_id, ctx), values, duplicates=duplicates)
        return idempotency.commit(ctx, uow, claim, account)


def build_account(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any]) -> Account:
    """A new account from ``values`` (not stored), if the viewer's role may create accounts."""
    viewer.ensure_can_create(RecordType.ACCOUNT)
    cleaned = clean_fields(ACCOUNT_FIELD_CLEANERS, values, ignore=REFERENCES)
    ensure_named(cleaned)
    now = ctx.now()
    account = Account(id=new_id(), name="", created_at=now, updated_at=now, owner_id=_owner(uow, viewer, values).id)
    for name, value in cleaned.items():
        setattr(account, name, value)
    account.domain = website_domain(account.website)
    if values.get("parent_id"):
        _set_parent(uow, viewer, account, values["parent_id"])
    return account


def add_account(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any], *,
                duplicates: DuplicateReport | None = None, built: Account | None = None,
                overridden: str | None = None) -> Account:
    """``create_account``'s work in the caller's unit of work. ``built``: the account as
    ``build_account`` made it for a caller (an import) that checked the duplicate rules itself,
    accepting ``overridden`` as the reason."""
    account = built or build_account(ctx, uow, viewer, values)
    if built is None:
        overridden = screen_new_record(ctx, uow, viewer, probe_of(RecordType.ACCOUNT, fields_of(account)),
                                       values.get("duplicate_override_reason"), duplicates)
    uow.accounts.add(account)
    write_custom(ctx, uow, RecordType.ACCOUNT, account, values.get("custom"), creating=True)
    audit_created(uow, "account", account.id, viewer.id, account.created_at,
                  {**audit_fields(account), "duplicate_override": overridden})
    return account


def create_contact(ctx: ServiceContext, actor_id: int, values: Mapping[str, Any], *,
                   claim: IdempotencyClaim[Contact] | None = None,
                   duplicates: DuplicateReport | None = None) -> Contact:
    """A new contact at an account the actor may read. The duplicate rules are checked as for
    leads (``create_lead``; contacts at the same account are at the same company)."""
    with ctx.uow_factory() as uow:
        contact = add_contact(ctx, uow, load_viewer(uow, actor_id, ctx), values, duplicates=duplicates)
        return idempotency.commit(ctx, uow, claim, contact)


def build_contact(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any]) -> Contact:
    """A new contact from ``values`` (not stored), at an account the viewer may read, if their
    role may create contacts."""
    viewer.ensure_can_create(RecordType.CONTACT)
    ensure_account_given(values.get("account_id"))
    account = _readable(uow, viewer, "account", _id(values.get("account_id"), "account_id"))
    cleaned = clean_fields(CONTACT_FIELD_CLEANERS, values, ignore=REFERENCES)
    ensure_named(cleaned, "last_name")
    now = ctx.now()
    contact = Contact(id=new_id(), account_id=account.id, last_name="", created_at=now, updated_at=now,
                      owner_id=_owner(uow, viewer, values).id)
    for name, value in cleaned.items():
        setattr(contact, name, value)
    _contact_points(ctx, uow, contact, values, account.billing_country)
    return contact


def add_contact(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any], *,
                duplicates: DuplicateReport | None = None, built: Contact | None = None,
                overridden: str | None = None) -> Contact:
    """``create_contact``'s work in the caller's unit of work. ``built``: the contact as
    ``build_contact`` made it for a caller (an import) that checked the duplicate rules itself,
    accepting ``overridden`` as the reason."""
    contact = built or build_contact(ctx, uow, viewer, values)
    if built is None:
        account = uow.accounts.get(contact.account_id)
        probe = probe_of(RecordType.CONTACT, fields_of(contact), company=account.name if account else None,
                         company_id=contact.account_id)
        overridden = screen_new_record(ctx, uow, viewer, probe, values.get("duplicate_override_reason"), duplicates)
    uow.contacts.add(contact)
    write_custom(ctx, uow, RecordType.CONTACT, contact, values.get("custom"), creating=True)
    audit_created(uow, "contact", contact.id, viewer.id, contact.created_at,
                  {**audit_fields(contact), "duplicate_override": overridden})
    return contact


def create_opportunity(ctx: ServiceContext, actor_id: int, values: Mapping[str, Any], *,
                       claim: IdempotencyClaim[Opportunity] | None = None) -> Opportunity:
    """Open an opportunity at an account. Its stage (default: the first open stage) is one of the
    process it names (``process``), else of the process for its type, else of the default
    process; it sets probability and forecast category; the first stage is recorded."""
    with ctx.uow_factory() as uow:
        opportunity = add_opportunity(ctx, uow, load_viewer(uow, actor_id, ctx), values)
        return idempotency.commit(ctx, uow, claim, opportunity)


def add_opportunity(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any], *,
                    built: Opportunity | None = None) -> Opportunity:
    """``create_opportunity``'s work in the caller's unit of work (``built``: by ``build_opportunity``)."""
    opportunity = built or build_opportunity(ctx, uow, viewer, values)
    uow.opportunities.add(opportunity)
    write_custom(ctx, uow, RecordType.OPPORTUNITY, opportunity, values.get("custom"), creating=True)
    uow.flush()
    uow.stage_history.record(opportunity, None, viewer.id, opportunity.created_at)
    rescore_opportunity(ctx, uow, opportunity.id)
    audit_created(uow, "opportunity", opportunity.id, viewer.id, opportunity.created_at, audit_fields(opportunity))
    return opportunity


def build_opportunity(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any]) -> Opportunity:
    """A new opportunity from ``values`` (not stored), at an account the viewer may read, if their
    role may create opportunities."""
    viewer.ensure_can_create(RecordType.OPPORTUNITY)
    ensure_account_given(values.get("account_id"))
    account = _readable(uow, viewer, "account", _id(values.get("account_id"), "account_id"))
    cleaned = clean_fields(OPPORTUNITY_FIELD_CLEANERS, values, ignore=(*REFERENCES, "loss_comment"))
    ensure_named(cleaned)
    stage = find_stage(uow, values.get("stage"), process=values.get("process"),
                       opportunity_type=parse_opportunity_type(cleaned.get("type")))
    now = ctx.now()
    opportunity = Opportunity(
        id=new_id(), account_id=account.id, name="", stage_id=stage.id, probability=stage.probability,
        forecast_category=stage.forecast_category, created_at=now, updated_at=now, currency=ctx.currency,
        owner_id=_owner(uow, viewer, values).id, outcome=Opportunity.outcome_for(stage),
        closed_at=now if stage.is_closed else None,
    )
    for name, value in cleaned.items():
        setattr(opportunity, name, value)
    if opportunity.is_closed():  # the close rule: closed today, or back-dated by an admin
        opportunity.date_close(opportunity.close_date, now.date(), may_back_date=viewer.user.is_admin())
    if values.get("lead_source"):
        opportunity.lead_source_id = _source_id(uow, values["lead_source"])
    if opportunity.outcome is Outcome.LOST:
        opportunity.loss_reason_id = find_reason(ctx.config(uow).reasons, ReasonKind.OPPORTUNITY_LOST,
                                                 values.get("loss_reason"), field="loss_reason_id").id
        # the loss's comment, as closing it lost takes it (an export writes it as ``loss_comment``)
        opportunity.loss_reason = clean_text(values.get("loss_comment"), field="loss_comment", max_length=255)
    opportunity.ensure_outcome_complete()
    return opportunity


def update_record(ctx: ServiceContext, actor_id: int, kind: str, record_id: int, changes: Mapping[str, Any],
                  *, expected_version: int | None = None) -> Any:
    """Change fields of an account, contact or opportunity the actor may edit; only the named
    fields change; ``custom`` (``{name: value}``) changes those custom values only. Refused with
    ``STALE_RECORD`` if ``expected_version`` is no longer current."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        record = change_record(ctx, uow, viewer, kind, record_id, changes, expected_version=expected_version)
        shown = as_seen_by(uow, viewer, kind, [record])[0]
        uow.commit()
        return shown


def change_record(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, kind: str, record_id: int,
                  changes: Mapping[str, Any], *, expected_version: int | None = None) -> Any:
    """``update_record``'s work in the caller's unit of work (an import updating a duplicate)."""
    record = _editable(uow, viewer, kind, record_id, for_update=True)
    if expected_version is not None and expected_version != record.version:
        raise StaleRecordError(f"the {kind} changed since you read it; reload and retry", field="version")
    read_custom(ctx, uow, RecordType(kind), [record])
    before = audit_fields(record)
    now = ctx.now()
    _apply(ctx, uow, viewer, kind, record, changes, now)
    if changes.get("custom") is not None:
        write_custom(ctx, uow, RecordType(kind), record, changes["custom"], creating=False)
    if kind == "opportunity":
        record.ensure_close_date_kept(before["close_date"], now.date(), may_back_date=viewer.user.is_admin())
    after = {**{name: None for name in before if name.startswith("custom.")}, **audit_fields(record)}
    history = diff_fields(RecordType(kind), record.id, before, after, actor_id=viewer.id, at=now)
    history = [c for c in history if c.field not in ("updated_at", "version")]
    if not history:
        return record
    record.updated_at = now
    _repository(uow, kind).save(record)
    uow.audit.record_changes(history)
    if kind == "opportunity":
        track_change(uow, before, record, viewer.id, now)
        rescore_opportunity(ctx, uow, record.id)
    return record


def delete_record(ctx: ServiceContext, actor_id: int, kind: str, record_id: int, *,
                  expected_version: int | None = None) -> None:
    """Delete a record the actor may edit, if their role may delete its kind. An account with
    contacts or opportunities, and a record a converted lead points to, are kept (``CONFLICT``)."""
    with ctx.uow_factory() as uow:
        remove_record(ctx, uow, load_viewer(uow, actor_id, ctx), kind, record_id, expected_version=expected_version)
        uow.commit()


def remove_record(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, kind: str, record_id: int, *,
                  expected_version: int | None = None) -> None:
    """``delete_record``'s work in the caller's unit of work (a bulk job's block)."""
    record = _readable(uow, viewer, kind, record_id, for_update=True)
    viewer.ensure_can_delete(RecordType(kind), record_id, record.owner_id)
    merged_into = getattr(record, "merged_into_id", None)
    ensure_not_merged_away(kind, record.id, merged_into, field=kind,
                           survivor_shown=survivor_shown(uow, viewer, RecordType(kind), merged_into))
    if expected_version is not None and expected_version != record.version:
        raise StaleRecordError(f"the {kind} was changed by someone else; reload and retry", field="version")
    if kind == "account":
        _ensure_childless(uow, viewer, record.id)
    if kind == "opportunity":  # its line items and contact roles go with it (the database's cascade): kept too
        for item in uow.products.line_items(record.id):
            uow.deletions.add(Deletion("line_item", item.id, record.owner_id, ctx.now()))
        roles = uow.products.contact_role_contacts(record.id)
        contact_owners = uow.contacts.owners_of(contact for _, contact in roles)
        for role_id, contact in roles:
            uow.deletions.add(Deletion("contact_role", role_id, record.owner_id, ctx.now(), contact_owners[contact]))
    _repository(uow, kind).delete(record.id)
    uow.custom_fields.delete_values(record.id)
    uow.deletions.add(Deletion(kind, record.id, record.owner_id, ctx.now()))
    uow.audit.record("delete", kind, record.id, viewer.id, ctx.now(),
                     {k: (render_value(v), None) for k, v in fields_of(record).items() if v is not None})


@dataclass
class AccountDetails:
    account: Account
    contacts: list[Contact]
    opportunities: list[Opportunity]


def get_account(ctx: ServiceContext, actor_id: int, account_id: int) -> AccountDetails:
    """An account with the contacts and opportunities the actor may read."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        account = _readable(uow, viewer, "account", account_id)
        page = Page(limit=500, descending=False)
        contacts = RecordQuery(account_id=account_id, visible_owner_ids=viewer.readable_owner_ids(RecordType.CONTACT))
        opportunities = RecordQuery(account_id=account_id,
                                    visible_owner_ids=viewer.readable_owner_ids(RecordType.OPPORTUNITY))
        details = AccountDetails(account, uow.contacts.list(contacts, page),
                                 without_hidden_origin(uow, viewer, uow.opportunities.list(opportunities, page)))
        read_custom(ctx, uow, RecordType.ACCOUNT, [account])
        read_custom(ctx, uow, RecordType.CONTACT, details.contacts)
        read_custom(ctx, uow, RecordType.OPPORTUNITY, details.opportunities)
        return details


def get_record(ctx: ServiceContext, actor_id: int, kind: str, record_id: int) -> Any:
    """An account, contact or opportunity by id, if the actor may read it; the id of a merged
    account or contact answers its survivor (whose id differs)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        record = _readable(uow, viewer, kind, record_id)
        for _ in range(10):
            if getattr(record, "merged_into_id", None) is None:
                break
            record = _readable(uow, viewer, kind, record.merged_into_id)
        read_custom(ctx, uow, RecordType(kind), [record])
        return as_seen_by(uow, viewer, kind, [record])[0]


def list_records(ctx: ServiceContext, actor_id: int, kind: str, query: RecordQuery, page: Page) -> list[Any]:
    """A page of the records of ``kind`` that match ``query`` and that the actor may read."""
    with ctx.reader() as uow:
        return list_records_in(ctx, uow, actor_id, kind, query, page)


def list_records_in(ctx: ServiceContext, uow: UnitOfWork, actor_id: int, kind: str, query: RecordQuery,
                    page: Page) -> list[Any]:
    """``list_records`` inside the caller's reading unit of work (which reads more beside the page)."""
    viewer = load_viewer(uow, actor_id, ctx)
    visible = dataclasses.replace(query, visible_owner_ids=viewer.readable_owner_ids(RecordType(kind)))
    rows = list(_repository(uow, kind).list(visible, page))
    read_custom(ctx, uow, RecordType(kind), rows)
    return as_seen_by(uow, viewer, kind, rows)


def as_seen_by(uow: UnitOfWork, viewer: Viewer, kind: str, records: list[Any]) -> list[Any]:
    """``records`` of ``kind`` as ``viewer`` may see them: an opportunity's originating lead is
    left out when the viewer may not read that lead (services/security/visibility.py)."""
    return without_hidden_origin(uow, viewer, records) if kind == "opportunity" else records


def record_history(ctx: ServiceContext, actor_id: int, kind: str, record_id: int) -> list[Any]:
    """The field history of a record the actor may read, oldest first; ids of records the actor
    may not read are left out (services/security/visibility.py)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        _readable(uow, viewer, kind, record_id)
        changes = named_history(ctx.config(uow), uow.audit.history(RecordType(kind), record_id))
        return redacted_history(uow, viewer, changes)


def stage_labels(ctx: ServiceContext) -> dict[int, str]:
    with ctx.reader() as uow:
        return {s.id: s.label for s in uow.stages.stages()}


def _apply(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, kind: str, record: Any, changes: Mapping[str, Any],
           now: datetime) -> None:
    cleaners = {"account": ACCOUNT_FIELD_CLEANERS, "contact": CONTACT_FIELD_CLEANERS,
                "opportunity": OPPORTUNITY_FIELD_CLEANERS}[kind]
    for name, value in clean_fields(cleaners, changes, ignore=REFERENCES).items():
        setattr(record, name, value)
    ensure_named(fields_of(record), "last_name" if kind == "contact" else "name")
    if changes.get("owner"):
        record.owner_id = _owner(uow, viewer, changes).id
    if kind == "account":
        record.domain = website_domain(record.website)
        if "parent_id" in changes:
            _set_parent(uow, viewer, record, changes["parent_id"])
    if kind == "contact":
        _contact_points(ctx, uow, record, changes, None)
        if changes.get("account_id"):
            record.account_id = _readable(uow, viewer, "account", _id(changes["account_id"], "account_id")).id
    if kind == "opportunity":
        _apply_opportunity(uow, record, changes)


def _apply_opportunity(uow: UnitOfWork, opportunity: Opportunity, changes: Mapping[str, Any]) -> None:
    """Stage moves follow the domain's rule (overrides kept; closing and reopening are their own
    use cases); a probability or category given is the rep's override; an opportunity with line
    items takes its amount from them. A closed one keeps its stage, outcome and forecast figures
    until reopened (``OPPORTUNITY_CLOSED``); its amount and close date may still be corrected."""
    if "lead_source" in changes:
        opportunity.lead_source_id = _source_id(uow, changes["lead_source"]) if changes["lead_source"] else None
    if changes.get("stage") or changes.get("process"):
        opportunity.move_to_stage(find_stage(uow, changes.get("stage"), process_of=opportunity.stage_id,
                                             process=changes.get("process")))
    if changes.get("probability") not in (None, ""):
        opportunity.override_probability(parse_percent(changes["probability"]))
    if changes.get("forecast_category"):
        opportunity.override_category(parse_forecast_category(str(changes["forecast_category"])))
    if "amount" in changes and uow.products.line_items(opportunity.id):
        raise ValidationError("this opportunity's amount is the sum of its line items; change those", field="amount")
    opportunity.ensure_outcome_complete()  # a won one keeps a positive amount through corrections


def _contact_points(ctx: ServiceContext, uow: UnitOfWork, contact: Contact, values: Mapping[str, Any],
                    country: str | None) -> None:
    if "email" in values:
        email = clean_text(values["email"], field="email", max_length=254)
        contact.email = ctx.contact_points.normalise_email(email) if email else None
    if "phone" in values:
        phone = clean_text(values["phone"], field="phone", max_length=40)
        contact.phone = ctx.contact_points.normalise_phone(phone, country) if phone else None
    if "lead_source" in values:
        contact.lead_source_id = _source_id(uow, values["lead_source"]) if values["lead_source"] else None


def ensure_can_change(uow: UnitOfWork, viewer: Viewer, kind: str, record_id: int) -> None:
    """Refuse as ``update_record`` would (``NOT_FOUND``, ``PERMISSION_DENIED``) a change by ``viewer``."""
    _editable(uow, viewer, kind, record_id)


def _owner(uow: UnitOfWork, viewer: Viewer, values: Mapping[str, Any]) -> Any:
    owner = resolve_user(uow, values.get("owner")) or viewer.user
    viewer.ensure_can_assign(owner)
    return owner


def _set_parent(uow: UnitOfWork, viewer: Viewer, account: Account, reference: object) -> None:
    if reference in (None, ""):
        account.parent_id = None
        return
    parent = _readable(uow, viewer, "account", _id(reference, "parent_id"))
    ensure_valid_parent(account.id, parent.id, uow.accounts.parent_of)
    account.parent_id = parent.id


def _ensure_childless(uow: UnitOfWork, viewer: Viewer, account_id: int) -> None:
    """``CONFLICT`` for an account that still has contacts or opportunities. When the actor may
    read none of them, the refusal tells only that records they may not see remain: no id, kind
    or count (docs/adr/0016-hidden-records-do-not-exist.md)."""
    if _has_children(uow, account_id, viewer):
        raise ConflictError("the account still has contacts or opportunities; move or delete them first",
                            field="account")
    if _has_children(uow, account_id, None):
        raise ConflictError("the account still has records that are not shared with you; ask an admin to move "
                            "or delete them first", field="account")


def _has_children(uow: UnitOfWork, account_id: int, viewer: Viewer | None) -> bool:
    """Whether the account has a contact or opportunity (that ``viewer`` may read, when given)."""
    def scope(kind: RecordType) -> RecordQuery:
        return RecordQuery(account_id=account_id, visible_owner_ids=viewer.readable_owner_ids(kind) if viewer else None)

    page = Page(limit=1)
    return bool(uow.contacts.list(scope(RecordType.CONTACT), page)
                or uow.opportunities.list(scope(RecordType.OPPORTUNITY), page))


def _source_id(uow: UnitOfWork, reference: object) -> int:
    source = find_source(uow.sources.list(), str(reference))
    ensure_selectable(source)
    return source.id


def _id(value: object, field: str) -> int:
    return parse_record_id(value, field=field)


def read_any(uow: UnitOfWork, viewer: Viewer, kind: str, record_id: int) -> Any:
    """A lead, account, contact or opportunity the viewer may read (else ``NOT_FOUND``)."""
    if kind == "lead":
        lead = uow.leads.get(record_id)
        if lead is None:
            raise NotFoundError(f"there is no lead {record_id}", field="lead")
        viewer.ensure_can_read(RecordType.LEAD, record_id, lead.owner_id)
        return lead
    return _readable(uow, viewer, kind, record_id)


def _readable(uow: UnitOfWork, viewer: Viewer, kind: str, record_id: int, *, for_update: bool = False) -> Any:
    """The record if it exists and the viewer may read it; otherwise not found (its existence is not told)."""
    repository = _repository(uow, kind)
    record = repository.get_for_update(record_id) if for_update else repository.get(record_id)
    if record is None:
        raise NotFoundError(f"there is no {kind} {record_id}", field=kind)
    viewer.ensure_can_read(RecordType(kind), record_id, record.owner_id)
    return record


def _editable(uow: UnitOfWork, viewer: Viewer, kind: str, record_id: int, *, for_update: bool = False) -> Any:
    record = _readable(uow, viewer, kind, record_id, for_update=for_update)
    viewer.ensure_can_edit(RecordType(kind), record_id, record.owner_id)
    return record


def _repository(uow: UnitOfWork, kind: str) -> AccountRepository | ContactRepository | OpportunityRepository:
    if kind == "account":
        return uow.accounts
    if kind == "contact":
        return uow.contacts
    if kind == "opportunity":
        return uow.opportunities
    raise ValidationError(f"{kind!r} is not a record kind", field="kind")
