"""``plan_conversion``: every rule of what a lead conversion creates, fills, links and records,
in one pure function (docs/adr/0020). The caller reads (services/conversion_reads.py) and writes
(``ConversionRepository.write``); this decides.

Rules, in the order they apply:

* a new account (from the lead's company fields) unless one is joined; a joined one gets its
  empty fields filled (never overwritten), its domain from a filled website;
* a new contact in that account unless one is joined (given, or the account's contact with the
  lead's e-mail); a joined one is filled the same way;
* opportunities: none; the contact joins an existing open one (as ``other``, unless it has a
  role already); or a new one (one per product line with ``one_per_product``) in the first open
  stage of the default process, with line items for the product lines that have a price (the
  lead's estimate, else the standard price book's) and the contact's role;
* the lead's activities are linked to the contact and the opportunities, its open tasks given
  to the new owner;
* mapped custom lead fields are copied: set on what was created, filled where empty on what
  was joined;
* the lead takes the converted status (or, kept for nurturing, the unqualified one with its
  reason), its lineage, a status change and a ``convert`` audit event; the conversion is stored
  with its result and ``UndoRecord``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from leadline.domain.accounts import Account, Contact, website_domain
from leadline.domain.activities import Activity
from leadline.domain.common import counted
from leadline.domain.conversion import (
    LEAD_TO_ACCOUNT,
    LEAD_TO_CONTACT,
    LEAD_TO_OPPORTUNITY,
    ConversionResult,
    OpportunityChoice,
    fill_empty,
    mapped_custom_value,
    mapped_values,
    opportunity_name,
)
from leadline.domain.conversion_audit import CreatedChanges, Derived, changes_between, copy_of
from leadline.domain.conversion_plan import (
    ActivityLink,
    AuditEntry,
    ContactRole,
    ConversionInputs,
    ConversionPlan,
    ConversionRecord,
    ConversionSettings,
    ConvertedLead,
    CreatedRecord,
    CustomFill,
    Fill,
    FilledFields,
    StatusChange,
    TaskOwner,
    UndoRecord,
)
from leadline.domain.custom_fields import RecordType
from leadline.domain.errors import ValidationError
from leadline.domain.history import render_value
from leadline.domain.leads import Lead, ProductInterest
from leadline.domain.opportunities import (
    ContactRoleKind,
    Opportunity,
    OpportunityStage,
    Outcome,
    default_process,
    first_open_stage,
)
from leadline.domain.products import LineItem, sum_of_lines


def _opening(settings: ConversionSettings) -> OpportunityStage:
    """The first open stage of the default process (``CONFIGURATION_ERROR`` without one)."""
    process = default_process(settings.processes)
    return first_open_stage([s for s in settings.stages if s.process_id == process.id])


_opening_stage = Derived(_opening)  # worked out once per configuration (a bulk conversion asks 10,000 times)


class _Draft:
    """A plan being made: what it has decided so far, in order."""

    def __init__(self, given: ConversionInputs, result: ConversionResult) -> None:
        self.given, self.result = given, result
        self.accounts: list[Account] = []
        self.contacts: list[Contact] = []
        self.opportunities: list[Opportunity] = []
        self.line_items: list[LineItem] = []
        self.roles: list[ContactRole] = []
        self.fills: list[Fill] = []
        self.links: list[ActivityLink] = []
        self.tasks: list[TaskOwner] = []
        self.moved: list[Activity] = []
        self.custom: list[CustomFill] = []
        self.audit: list[AuditEntry] = []
        self.created: list[CreatedRecord] = []
        self.filled: list[FilledFields] = []

    def create(self, record_type: RecordType, record: Account | Contact | Opportunity) -> None:
        """A new record: audited with every field it has."""
        self.audit.append(AuditEntry("convert", record_type.value, record.id, CreatedChanges(record)))
        self.created.append(CreatedRecord(record_type, record.id))
        self.result.created.append(record_type.value)

    def join(self, record_type: RecordType, record: Account | Contact, filled: dict[str, object]) -> None:
        """An existing record joins the conversion; ``filled`` holds the empty fields it got."""
        self.result.attached.append(record_type.value)
        if not filled:
            return
        record.updated_at = self.given.now
        self.fills.append(Fill(record_type, record, filled))
        self.audit.append(AuditEntry("convert", record_type.value, record.id, changes_between({}, filled)))
        self.filled.append(FilledFields(record_type, record.id, {k: render_value(v) for k, v in filled.items()}))
        self.result.filled.extend(f"{record_type.value}.{name}" for name in filled)


def plan_conversion(given: ConversionInputs) -> ConversionPlan:
    """The plan of converting ``given.lead`` (see the module's docstring). Raises
    ``VALIDATION_FAILED`` for one opportunity per product of a lead without product lines."""
    lead, options = given.lead, given.options
    draft = _Draft(given, ConversionResult(lead.id))
    draft.result.override_reason = given.override_reason
    draft.result.qualification_override_reason = given.qualification_override_reason
    account = _account(draft)
    contact = _contact(draft, account)
    opportunities = _opportunities(draft, account, contact)
    _move_activities(draft, contact, opportunities)
    _map_custom_fields(draft, account, contact, opportunities)
    converted = _converted_lead(draft)
    undo = UndoRecord(
        previous_status_id=lead.status_id, previous_reason_id=lead.unqualified_reason_id,
        created=tuple(draft.created), filled=tuple(draft.filled), links=tuple(draft.links),
        roles=tuple(r.id for r in draft.roles), line_items=tuple(i.id for i in draft.line_items),
        tasks=tuple(draft.tasks), versions={c.record_id: 1 for c in draft.created},
        lead_version=converted.converted.version)
    record = ConversionRecord(given.new_id(), lead.id, given.actor_id, given.now, options.idempotency_key,
                              draft.result, undo)
    return _finished(draft, converted, record)


def _finished(draft: _Draft, lead: ConvertedLead | None, record: ConversionRecord | None) -> ConversionPlan:
    given = draft.given
    return ConversionPlan(
        actor_id=given.actor_id, at=given.now, result=draft.result, accounts=tuple(draft.accounts),
        contacts=tuple(draft.contacts), opportunities=tuple(draft.opportunities), line_items=tuple(draft.line_items),
        contact_roles=tuple(draft.roles), fills=tuple(draft.fills), activity_links=tuple(draft.links),
        moved_tasks=tuple(draft.moved), custom_values=tuple(draft.custom), audit=tuple(draft.audit),
        lead=lead, record=record)


def _account(draft: _Draft) -> Account:
    given, result = draft.given, draft.result
    joined = given.matched.account
    if joined is None:
        account = Account(id=given.new_id(), created_at=given.now, updated_at=given.now, owner_id=given.owner_id,
                          domain=website_domain(given.lead.website),
                          **mapped_values(given.lead, LEAD_TO_ACCOUNT))  # type: ignore[arg-type]
        draft.accounts.append(account)
        draft.create(RecordType.ACCOUNT, account)
    else:
        account = copy_of(joined)
        filled = fill_empty(account, mapped_values(given.lead, LEAD_TO_ACCOUNT))
        if "website" in filled and not account.domain:
            account.domain = website_domain(account.website)
            filled["domain"] = account.domain
        draft.join(RecordType.ACCOUNT, account, filled)
    result.account_id = account.id
    return account


def _contact(draft: _Draft, account: Account) -> Contact:
    given, result = draft.given, draft.result
    joined = given.matched.contact
    if joined is None:
        contact = Contact(id=given.new_id(), account_id=account.id, created_at=given.now, updated_at=given.now,
                          owner_id=given.owner_id,
                          **mapped_values(given.lead, LEAD_TO_CONTACT))  # type: ignore[arg-type]
        draft.contacts.append(contact)
        draft.create(RecordType.CONTACT, contact)
    else:
        contact = copy_of(joined)
        draft.join(RecordType.CONTACT, contact, fill_empty(contact, mapped_values(given.lead, LEAD_TO_CONTACT)))
    result.contact_id = contact.id
    return contact


def _opportunities(draft: _Draft, account: Account, contact: Contact) -> list[Opportunity]:
    given, result = draft.given, draft.result
    options = given.options
    if options.opportunity is OpportunityChoice.NONE:
        return []
    if options.opportunity is OpportunityChoice.ATTACH:
        opportunity = given.matched.opportunity
        assert opportunity is not None, "an attached opportunity is read before planning"
        if not given.matched.has_role:
            draft.roles.append(ContactRole(given.new_id(), opportunity.id, contact.id, ContactRoleKind.OTHER, False))
        result.opportunity_id, result.opportunity_ids = opportunity.id, [opportunity.id]
        result.attached.append("opportunity")
        return [opportunity]
    lines = given.lead.products
    if options.one_per_product:
        if not lines:
            raise ValidationError("the lead has no product lines to make one opportunity each", field="one_per_product")
        made = [new_opportunity(draft, account, contact, [line], per_product=True) for line in lines]
    else:
        made = [new_opportunity(draft, account, contact, lines, per_product=False)]
    result.opportunity_id, result.opportunity_ids = made[0].id, [o.id for o in made]
    return made


def new_opportunity(draft: _Draft, account: Account, contact: Contact, lines: Sequence[ProductInterest], *,
                    per_product: bool, name: str | None = None) -> Opportunity:
    """A new opportunity from the lead: mapped fields, first open stage of the default process,
    line items from the product lines with a price, the contact's role. With line items its amount
    is their sum (never the lead's budget, which covers all of the lead's lines); without, the budget
    (none for a split one)."""
    given, lead = draft.given, draft.given.lead
    stage = _opening_stage(given.settings)
    opportunity = Opportunity(
        id=given.new_id(), account_id=account.id, name=name or _name(lead, lines, per_product), stage_id=stage.id,
        probability=stage.probability, forecast_category=stage.forecast_category, created_at=given.now,
        updated_at=given.now, owner_id=given.owner_id, originating_lead_id=lead.id, outcome=Outcome.OPEN,
        **mapped_values(lead, LEAD_TO_OPPORTUNITY),  # type: ignore[arg-type]
    )
    items = _line_items(draft, opportunity, lines)
    if items:
        opportunity.amount = sum_of_lines(items, field="products")
    elif per_product:  # the lead's budget is for all its products, never for one of them
        opportunity.amount = None
    draft.opportunities.append(opportunity)
    draft.create(RecordType.OPPORTUNITY, opportunity)
    draft.line_items.extend(items)
    role = ContactRoleKind.DECISION_MAKER if lead.is_decision_maker else ContactRoleKind.OTHER
    draft.roles.append(ContactRole(given.new_id(), opportunity.id, contact.id, role, True))
    return opportunity


def _name(lead: Lead, lines: Sequence[ProductInterest], per_product: bool) -> str:
    if per_product and lines:
        return f"{lead.company} - {lines[0].product_name}"[:255]
    return opportunity_name(lead)


def _line_items(draft: _Draft, opportunity: Opportunity, lines: Sequence[ProductInterest]) -> list[LineItem]:
    """Line items for the product lines with a price: the lead's estimate, else the standard price
    book's in the lead's currency. A line outside the catalogue keeps its own name with the lead's
    estimate; a line with no price at all (no money to keep) is reported as skipped."""
    if not lines:
        return []
    given = draft.given
    catalogue = given.catalogue
    assert catalogue is not None, "the catalogue is read for a lead with product lines"
    items = []
    for line in lines:
        product = catalogue.by_id.get(line.product_id) if line.product_id else \
            catalogue.by_name.get(line.product_name.casefold())
        listed = None if product is None else catalogue.prices.get(product.id)
        price = line.estimated_unit_price if line.estimated_unit_price is not None else listed
        if price is None:
            draft.result.skipped.append(f"product line {line.product_name!r}: " + (
                "not in the product catalogue and no estimated price" if product is None
                else f"no price in the standard price book in {given.lead.currency}"))
            continue
        items.append(LineItem(given.new_id(), opportunity.id, product.id if product else None, line.quantity, price,
                              product_name=product.name if product else line.product_name))
    return items


def _move_activities(draft: _Draft, contact: Contact, opportunities: Sequence[Opportunity]) -> None:
    """The lead's activities join the contact and the opportunities (where not linked yet); its
    open tasks move to the new owner."""
    given = draft.given
    activities = given.matched.activities
    if not activities:
        return
    targets = [(RecordType.CONTACT, contact.id)] + [(RecordType.OPPORTUNITY, o.id) for o in opportunities]
    for record_type, record_id in targets:
        linked = {a.id for a in activities if any((r.record_type, r.record_id) == (record_type, record_id)
                                                  for r in a.links)}
        draft.links.extend(ActivityLink(activity_id, record_type, record_id)
                           for activity_id in sorted({a.id for a in activities} - linked))
    for activity in activities:
        if activity.is_open_task() and activity.owner_id != given.owner_id:
            draft.tasks.append(TaskOwner(activity.id, activity.owner_id))
            moved = copy_of(activity)
            moved.owner_id = given.owner_id
            draft.moved.append(moved)
            owners = changes_between({"owner_id": activity.owner_id}, {"owner_id": given.owner_id})
            draft.audit.append(AuditEntry("convert", "activity", activity.id, owners))
    draft.result.attached.append(counted(len(activities), "activity", "activities"))


def _map_custom_fields(draft: _Draft, account: Account, contact: Contact,
                       opportunities: Sequence[Opportunity]) -> None:
    """Copy mapped custom lead fields to the converted records: set on those created, filled only
    where empty on those joined."""
    given = draft.given
    settings = given.settings
    if not settings.field_mappings:
        return
    created = {c.record_id for c in draft.created}
    targets = {RecordType.ACCOUNT: [account.id], RecordType.CONTACT: [contact.id],
               RecordType.OPPORTUNITY: [o.id for o in opportunities]}
    for mapping in settings.field_mappings:
        source = settings.definitions.get(mapping.source_field_id)
        target = settings.definitions.get(mapping.target_field_id)
        if source is None or target is None or not target.is_active:
            continue
        value = given.lead.custom.get(source.name)
        if value is None:
            continue
        for record_id in targets[target.record_type]:
            if record_id not in created and given.matched.custom_values.get(record_id, {}).get(target.name) is not None:
                continue
            mapped = mapped_custom_value(value, target)
            draft.custom.append(CustomFill(target, record_id, mapped))
            if record_id not in created:
                draft.filled.append(FilledFields(target.record_type, record_id,
                                                 {f"custom.{target.name}": render_value(mapped)}))
                draft.result.filled.append(f"{target.record_type.value}.custom.{target.name}")


def _converted_lead(draft: _Draft) -> ConvertedLead:
    """The lead marked converted, its status change and ``convert`` audit event. The written reason
    an opportunity was created without its criteria met, and the one a lead that was not qualified
    converted without its qualification criteria, are kept in the status change's note, in the
    audit (``opportunity_override``, ``qualification_override``) and in the stored result."""
    given, result = draft.given, draft.result
    read, settings, status = given.lead, given.settings, given.status
    if status is None:
        raise ValueError("a conversion needs the status it moves the lead to")
    lead = copy_of(read)
    lead.mark_converted(status, given.now, result.account_id, result.contact_id, result.opportunity_id,
                        given.nurture_reason)
    lead.version = read.version + 1
    result.lead_version = lead.version
    notes = dict.fromkeys(n for n in (result.override_reason, result.qualification_override_reason) if n)
    change = StatusChange(read.status_id, status.id, lead.unqualified_reason_id, "; ".join(notes) or None)
    before = {"status": _label(settings.status_labels, read.status_id),
              "unqualified_reason": _label(settings.reason_labels, read.unqualified_reason_id), "converted_at": None,
              "converted_account_id": None, "converted_contact_id": None, "converted_opportunity_id": None,
              "opportunity_override": None, "qualification_override": None}
    after = {"status": status.label,
             "unqualified_reason": _label(settings.reason_labels, lead.unqualified_reason_id),
             "converted_at": given.now, "converted_account_id": result.account_id,
             "converted_contact_id": result.contact_id, "converted_opportunity_id": result.opportunity_id,
             "opportunity_override": result.override_reason,
             "qualification_override": result.qualification_override_reason}
    changes = changes_between(before, after)
    if changes:
        draft.audit.append(AuditEntry("convert", RecordType.LEAD.value, lead.id, changes))
    return ConvertedLead(read, lead, change)


def _label(labels: Mapping[int, str], record_id: int | None) -> str | None:
    return None if record_id is None else labels.get(record_id, str(record_id))


def plan_further_opportunity(given: ConversionInputs, account: Account, contact: Contact,
                             lines: Sequence[ProductInterest], name: str | None) -> ConversionPlan:
    """A further opportunity from a converted lead, on its converted account with its contact's
    role (not a second conversion: the lead and its stored conversion stay as they are)."""
    draft = _Draft(given, ConversionResult(given.lead.id, account.id, contact.id))
    opportunity = new_opportunity(draft, account, contact, lines, per_product=False, name=name)
    draft.result.opportunity_id, draft.result.opportunity_ids = opportunity.id, [opportunity.id]
    draft.audit.append(AuditEntry("further_opportunity", "lead", given.lead.id,
                                  {"opportunity_id": (None, str(opportunity.id))}))
    return _finished(draft, None, None)


