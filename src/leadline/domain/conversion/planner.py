"""``plan_conversion``: every rule of what a lead conversion creates, fills, links and records,
in one pure function (docs/adr/0020). The caller reads (services/conversion/reads.py) and writes
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
  with its result and ``UndoRecord``;
* a lead with a source campaign: the contact becomes a member of it (responded when the lead
  was captured) and the new opportunities take it as their primary campaign.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from leadline.domain.accounts import Account, Contact, website_domain
from leadline.domain.campaigns.campaign import CampaignMember, MemberStatus
from leadline.domain.common import counted
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.audit import changes_between, copy_of
from leadline.domain.conversion.draft import Draft, new_opportunity
from leadline.domain.conversion.plan import (
    ActivityLink,
    AuditEntry,
    ContactRole,
    ConversionInputs,
    ConversionPlan,
    ConversionRecord,
    ConvertedLead,
    CustomFill,
    FilledFields,
    StatusChange,
    TaskOwner,
    UndoRecord,
)
from leadline.domain.conversion.rules import (
    LEAD_TO_ACCOUNT,
    LEAD_TO_CONTACT,
    ConversionResult,
    OpportunityChoice,
    fill_empty,
    mapped_custom_value,
    mapped_values,
)
from leadline.domain.errors import ValidationError
from leadline.domain.history import render_value
from leadline.domain.leads.lead import ProductInterest
from leadline.domain.opportunities.opportunity import ContactRoleKind, Opportunity


def plan_conversion(given: ConversionInputs) -> ConversionPlan:
    """The plan of converting ``given.lead`` (see the module's docstring). Raises
    ``VALIDATION_FAILED`` for one opportunity per product of a lead without product lines."""
    lead, options = given.lead, given.options
    draft = Draft(given, ConversionResult(lead.id))
    draft.result.override_reason = given.override_reason
    draft.result.qualification_override_reason = given.qualification_override_reason
    account = _account(draft)
    contact = _contact(draft, account)
    opportunities = _opportunities(draft, account, contact)
    _move_activities(draft, contact, opportunities)
    _map_custom_fields(draft, account, contact, opportunities)
    _join_source_campaign(draft, contact)
    converted = _converted_lead(draft)
    undo = UndoRecord(
        previous_status_id=lead.status_id, previous_reason_id=lead.unqualified_reason_id,
        created=tuple(draft.created), filled=tuple(draft.filled), links=tuple(draft.links),
        roles=tuple(r.id for r in draft.roles), line_items=tuple(i.id for i in draft.line_items),
        tasks=tuple(draft.tasks), versions={c.record_id: 1 for c in draft.created},
        lead_version=converted.converted.version)
    record = ConversionRecord(given.new_id(), lead.id, given.actor_id, given.now, options.idempotency_key,
                              draft.result, undo)
    return draft.finished(converted, record)


def _account(draft: Draft) -> Account:
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


def _contact(draft: Draft, account: Account) -> Contact:
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


def _opportunities(draft: Draft, account: Account, contact: Contact) -> list[Opportunity]:
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


def _move_activities(draft: Draft, contact: Contact, opportunities: Sequence[Opportunity]) -> None:
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


def _map_custom_fields(draft: Draft, account: Account, contact: Contact,
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


def _join_source_campaign(draft: Draft, contact: Contact) -> None:
    """The contact joins the lead's source campaign as having responded when the lead was captured
    (the writer keeps an existing membership of a joined contact as it is); the new opportunities
    take that campaign as their primary campaign (``new_opportunity``)."""
    lead = draft.given.lead
    if lead.campaign_id is not None:
        draft.members.append(CampaignMember(
            id=draft.given.new_id(), campaign_id=lead.campaign_id, status=MemberStatus.RESPONDED,
            added_at=draft.given.now, updated_at=draft.given.now, contact_id=contact.id,
            first_responded_at=lead.created_at))


def _converted_lead(draft: Draft) -> ConvertedLead:
    """The lead marked converted, its status change and ``convert`` audit event. The written reason
    an opportunity was created without its criteria met, and the one a lead that was not qualified
    converted without its qualification criteria, are kept in the status change's note, in the
    audit (``opportunity_override``, ``qualification_override``) and in the stored result. The
    reason a new account or contact overrode a ``block`` duplicate rule is kept in the audit
    (``duplicate_override``)."""
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
              "opportunity_override": None, "qualification_override": None, "duplicate_override": None}
    after = {"status": status.label,
             "unqualified_reason": _label(settings.reason_labels, lead.unqualified_reason_id),
             "converted_at": given.now, "converted_account_id": result.account_id,
             "converted_contact_id": result.contact_id, "converted_opportunity_id": result.opportunity_id,
             "opportunity_override": result.override_reason,
             "qualification_override": result.qualification_override_reason,
             "duplicate_override": given.duplicate_override_reason}
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
    draft = Draft(given, ConversionResult(given.lead.id, account.id, contact.id))
    opportunity = new_opportunity(draft, account, contact, lines, per_product=False, name=name)
    draft.result.opportunity_id, draft.result.opportunity_ids = opportunity.id, [opportunity.id]
    draft.audit.append(AuditEntry("further_opportunity", "lead", given.lead.id,
                                  {"opportunity_id": (None, str(opportunity.id))}))
    return draft.finished(None, None)


