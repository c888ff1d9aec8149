"""What a conversion plan is made from (``ConversionInputs``), read and checked in the caller's
unit of work: the lead's target status and new owner, the criteria and the qualification gate,
the records it joins (locked, editable by the actor) and its activities. Refusals come in this
order: status, owner, criteria, gate, joined records, hidden duplicates, the opportunity joined,
the duplicate rules (services/conversion/duplicate_rules.py).
Nothing is written here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from leadline.domain.accounts import Account, Contact
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.configuration.reasons import Reason, ReasonKind, find_reason
from leadline.domain.configuration.statuses import LeadStatus, StatusKind, find_status, first_of_kind
from leadline.domain.conversion.audit import Derived
from leadline.domain.conversion.duplicates import ensure_no_hidden_duplicate
from leadline.domain.conversion.plan import Catalogue, ConversionInputs, ConversionSettings, Matched
from leadline.domain.conversion.rules import (
    QUALIFICATION_GATE,
    ConversionOptions,
    OpportunityChoice,
    converted_status,
    needs_qualification,
    parse_switch,
    same_email_contact,
)
from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.leads.lead import Lead
from leadline.domain.leads.qualification import Purpose
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.security.access import Viewer
from leadline.domain.security.users import User
from leadline.services.context import CachedConfig, ServiceContext
from leadline.services.conversion.duplicate_rules import screen_conversion
from leadline.services.conversion.hidden_duplicates import find_hidden_matches
from leadline.services.leads.status_moves import ensure_criteria_in
from leadline.services.security.users import resolve_user

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork
    from leadline.services.ports.records import RecordRepository


def _settings(config: CachedConfig) -> ConversionSettings:
    return ConversionSettings(
        processes=tuple(config.processes), stages=tuple(config.stages), field_mappings=tuple(config.field_mappings),
        definitions={d.id: d for d in config.custom_fields}, status_labels={s.id: s.label for s in config.statuses},
        reason_labels={r.id: r.label for r in config.reasons})


#: worked out once per configuration snapshot
conversion_settings = Derived(_settings)
lead_fields = Derived(lambda config: config.custom_fields_of(RecordType.LEAD))


class CallReads:
    """What is the same for every lead of one call (the catalogue, prices, users), read the first
    time it is asked for: once per conversion, once per bulk call of 10,000."""

    def __init__(self, uow: UnitOfWork) -> None:
        self.uow = uow
        self._known: dict[Any, Any] = {}

    def _once(self, key: Any, read: Callable[[], Any]) -> Any:
        if key not in self._known:
            self._known[key] = read()
        return self._known[key]

    def catalogue(self, currency: str) -> Catalogue:
        def read() -> Catalogue:
            by_name = {p.name.casefold(): p for p in self._once("products", self.uow.products.list) if p.is_active}
            return Catalogue(by_name, {p.id: p for p in by_name.values()},
                             self.uow.conversions.standard_prices(currency))
        return self._once(("catalogue", currency), read)  # type: ignore[no-any-return]

    def user(self, user_id: int) -> User | None:
        return self._once(("user", user_id), lambda: self.uow.users.get(user_id))  # type: ignore[no-any-return]

    def named_user(self, reference: str) -> User | None:
        return self._once(("named", reference), lambda: resolve_user(self.uow, reference))  # type: ignore[no-any-return]


def qualification_gate_on(config: Any) -> bool:
    """Whether conversion asks a lead that is not qualified for its criteria: on unless an admin
    turned it off (``set_qualification_gate``)."""
    return bool(parse_switch(config.settings.get(QUALIFICATION_GATE, "on"), QUALIFICATION_GATE))


def conversion_inputs(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead, options: ConversionOptions,
                      reads: CallReads, new_id: Callable[[], int], *, has_activities: bool = True) -> ConversionInputs:
    """The inputs of converting ``lead`` (locked, editable, not converted, its custom values
    loaded). ``has_activities`` false skips reading the lead's activities (known to have none)."""
    config = ctx.config(uow)
    status, nurture_reason = _target_status(config, options)
    owner = _owner(reads, viewer, lead, options.owner)
    override = qualification_override = None
    if options.opportunity is OpportunityChoice.CREATE:
        override = ensure_criteria_in(ctx, uow, lead, Purpose.OPPORTUNITY, options.override_reason,
                                      "creating an opportunity", config=config)
    if needs_qualification(config.status_by_id[lead.status_id], options, gate_on=qualification_gate_on(config)):
        qualification_override = ensure_criteria_in(
            ctx, uow, lead, Purpose.QUALIFICATION, options.qualification_override_reason,
            "converting a lead that is not qualified", config=config, field="qualification_override_reason")
    settings = conversion_settings(config)
    matched = _matched(uow, viewer, lead, options, settings, has_activities=has_activities)
    duplicate_override = screen_conversion(ctx, uow, viewer, lead, matched, options)
    catalogue = reads.catalogue(lead.currency) \
        if options.opportunity is OpportunityChoice.CREATE and lead.products else None
    return ConversionInputs(lead, options, status, nurture_reason, owner.id, viewer.id, ctx.now(), override,
                            qualification_override, matched, settings, catalogue, new_id, duplicate_override)


def _target_status(config: Any, options: ConversionOptions) -> tuple[LeadStatus, Reason | None]:
    """The converted status, or for a lead kept for nurturing an unqualified one and its reason."""
    if not options.nurture_reason:
        return converted_status(config.statuses, options.status), None
    reason = find_reason(config.reasons, ReasonKind.LEAD_UNQUALIFIED, options.nurture_reason, field="nurture_reason")
    status = find_status(config.statuses, options.status) if options.status else \
        first_of_kind(config.statuses, StatusKind.UNQUALIFIED)
    if status is None or status.kind is not StatusKind.UNQUALIFIED:
        raise ValidationError("a lead kept for nurturing takes an active unqualified status", field="status")
    return status, reason


def _owner(reads: CallReads, viewer: Viewer, lead: Lead, reference: str | None) -> User:
    """Who owns what the conversion creates: the one named, else the lead's owner, else the actor."""
    owner = reads.named_user(reference) if reference else None
    if owner is None and lead.owner_id is not None:
        owner = reads.user(lead.owner_id)
    owner = owner or viewer.user
    if reference:
        viewer.ensure_can_assign(owner)
    return owner


def _matched(uow: UnitOfWork, viewer: Viewer, lead: Lead, options: ConversionOptions, settings: ConversionSettings,
             *, has_activities: bool) -> Matched:
    """The account, contact and opportunity the lead joins (None: new), its activities, and the
    current custom values of the joined records that mapped fields may fill."""
    contact: Contact | None = None
    if options.contact_id is not None:
        contact = _editable(uow, viewer, RecordType.CONTACT, options.contact_id)
        if options.account_id is not None and contact.account_id != options.account_id:
            raise ValidationError("the contact belongs to another account", field="contact_id")
    account_id = options.account_id if contact is None else contact.account_id
    account: Account | None = None
    if account_id is None:
        _ensure_no_hidden_duplicate(uow, viewer, lead, options, accounts=True)  # a new account: a new contact
    else:
        account = _editable(uow, viewer, RecordType.ACCOUNT, account_id)
    if contact is None and account is not None and options.account_id is not None:
        readable = [c for c in uow.conversions.contacts_of(account.id)
                    if viewer.can_read(RecordType.CONTACT, c.owner_id)]
        contact = same_email_contact(lead, readable)  # a hidden one is DUPLICATE_HIDDEN below
        if contact is not None:
            viewer.ensure_can_edit(RecordType.CONTACT, contact.id, contact.owner_id)
    if contact is None and account is not None:
        _ensure_no_hidden_duplicate(uow, viewer, lead, options, accounts=False)
    opportunity, has_role = None, False
    if options.opportunity is OpportunityChoice.ATTACH:
        opportunity = _open_opportunity(uow, viewer, options.opportunity_id, account)
        roles = uow.products.contact_roles(opportunity.id)
        has_role = contact is not None and any(c == contact.id for c, _, _ in roles)
    activities = tuple(uow.activities.for_record(RecordType.LEAD, lead.id)) if has_activities else ()
    joined = [(kind, record.id) for kind, record in ((RecordType.ACCOUNT, account), (RecordType.CONTACT, contact),
                                                     (RecordType.OPPORTUNITY, opportunity)) if record is not None]
    if not joined and not activities:
        return _NOTHING_MATCHED  # the common case of a bulk call: one object for all its leads
    return Matched(account, contact, opportunity, has_role, activities, _custom_values(uow, settings, lead, joined))


_NOTHING_MATCHED = Matched()


def _ensure_no_hidden_duplicate(uow: UnitOfWork, viewer: Viewer, lead: Lead, options: ConversionOptions, *,
                                accounts: bool) -> None:
    """``DUPLICATE_HIDDEN`` when the new contact (and account) would match records the actor may
    not read, unless the caller confirmed separate records (then nothing is looked up)."""
    if not options.confirm_separate:
        ensure_no_hidden_duplicate(find_hidden_matches(uow, viewer, lead, accounts=accounts), confirmed=False)


def _editable(uow: UnitOfWork, viewer: Viewer, record_type: RecordType, record_id: int) -> Any:
    repositories: dict[RecordType, RecordRepository[Any]] = {
        RecordType.ACCOUNT: uow.accounts, RecordType.CONTACT: uow.contacts, RecordType.OPPORTUNITY: uow.opportunities}
    record = repositories[record_type].get_for_update(record_id)
    if record is None:
        raise NotFoundError(f"there is no {record_type.value} {record_id}", field=f"{record_type.value}_id")
    viewer.ensure_can_read(record_type, record.id, record.owner_id)
    viewer.ensure_can_edit(record_type, record.id, record.owner_id)
    return record


def _open_opportunity(uow: UnitOfWork, viewer: Viewer, opportunity_id: int | None,
                      account: Account | None) -> Opportunity:
    """The open opportunity of the lead's account that the contact joins."""
    opportunity = uow.opportunities.get_for_update(opportunity_id) if opportunity_id is not None else None
    if opportunity is None or not viewer.can_read(RecordType.OPPORTUNITY, opportunity.owner_id):
        raise NotFoundError(f"there is no opportunity {opportunity_id}", field="opportunity_id")
    viewer.ensure_can_edit(RecordType.OPPORTUNITY, opportunity.id, opportunity.owner_id)
    if account is None or opportunity.account_id != account.id:
        raise ValidationError("the opportunity belongs to another account", field="opportunity_id")
    if opportunity.is_closed():
        raise ConflictError("a closed opportunity takes no new contact from a conversion", field="opportunity_id")
    return opportunity


def _custom_values(uow: UnitOfWork, settings: ConversionSettings, lead: Lead,
                   joined: list[tuple[RecordType, int]]) -> dict[int, dict[str, Any]]:
    """The values of mapped target fields on the joined records (a created record has none)."""
    if not settings.field_mappings or not joined or not lead.custom:
        return {}
    targets = [settings.definitions[m.target_field_id] for m in settings.field_mappings
               if m.target_field_id in settings.definitions]
    values: dict[int, dict[str, Any]] = {}
    for record_type, record_id in joined:
        chosen = [d for d in targets if d.record_type is record_type]
        if chosen:
            values[record_id] = uow.custom_fields.values_for(chosen, [record_id])[record_id]
    return values


def new_id_source(ids: Callable[[int], list[int]], batch: int) -> Callable[[], int]:
    """Ids made ``batch`` at a time (one call to the generator instead of one per record), handed out in order."""
    pool: list[int] = []

    def new_id() -> int:
        if not pool:
            pool.extend(ids(batch)[::-1])
        return pool.pop()
    return new_id
