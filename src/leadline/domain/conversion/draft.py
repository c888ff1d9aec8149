"""A conversion plan being made (``Draft``) and the opportunities it makes: shared by
``plan_conversion`` and ``plan_further_opportunity`` (domain/conversion/planner.py)."""

from __future__ import annotations

from collections.abc import Sequence

from leadline.domain.accounts import Account, Contact
from leadline.domain.activities import Activity
from leadline.domain.campaigns.campaign import CampaignMember
from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.conversion.audit import CreatedChanges, Derived, changes_between
from leadline.domain.conversion.opportunity_fields import AMOUNT, opening_stage_of
from leadline.domain.conversion.plan import (
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
    TaskOwner,
)
from leadline.domain.conversion.rules import LEAD_TO_OPPORTUNITY, ConversionResult, mapped_values, opportunity_name
from leadline.domain.errors import ValidationError
from leadline.domain.history import render_value
from leadline.domain.leads.lead import Lead, ProductInterest
from leadline.domain.opportunities.opportunity import (
    ContactRoleKind,
    Opportunity,
    OpportunityStage,
    Outcome,
    default_process,
    first_open_stage,
)
from leadline.domain.opportunities.products import LineItem, sum_of_lines


def _opening(settings: ConversionSettings) -> OpportunityStage:
    """The first open stage of the default process (``CONFIGURATION_ERROR`` without one)."""
    process = default_process(settings.processes)
    return first_open_stage([s for s in settings.stages if s.process_id == process.id])


opening_stage = Derived(_opening)  # worked out once per configuration (a bulk conversion asks 10,000 times)


class Draft:
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
        self.members: list[CampaignMember] = []

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

    def finished(self, lead: ConvertedLead | None, record: ConversionRecord | None) -> ConversionPlan:
        """The plan decided so far, frozen, with the converted lead and stored conversion (if any)."""
        return ConversionPlan(
            actor_id=self.given.actor_id, at=self.given.now, result=self.result, accounts=tuple(self.accounts),
            contacts=tuple(self.contacts), opportunities=tuple(self.opportunities), line_items=tuple(self.line_items),
            contact_roles=tuple(self.roles), fills=tuple(self.fills), activity_links=tuple(self.links),
            moved_tasks=tuple(self.moved), custom_values=tuple(self.custom), audit=tuple(self.audit),
            lead=lead, record=record, campaign_members=tuple(self.members))


def new_opportunity(draft: Draft, account: Account, contact: Contact, lines: Sequence[ProductInterest], *,
                    per_product: bool, name: str | None = None) -> Opportunity:
    """A new opportunity from the lead: mapped fields, first open stage of the default process,
    line items from the product lines with a price, the contact's role. With line items its amount
    is their sum (never the lead's budget, which covers all of the lead's lines); without, the budget
    (none for a split one). The name, amount, close date and stage the user set
    (``ConversionOptions.new_opportunity``) take the place of those; an amount set beside line
    items is refused (``VALIDATION_FAILED``, opportunity_amount), as is a stage that is not an open
    one of the default process."""
    given, lead = draft.given, draft.given.lead
    chosen = given.options.new_opportunity
    stage = opening_stage_of(given.settings.stages, opening_stage(given.settings), chosen.stage)
    opportunity = Opportunity(
        id=given.new_id(), account_id=account.id, name=name or chosen.name or _name(lead, lines, per_product),
        stage_id=stage.id,
        probability=stage.probability, forecast_category=stage.forecast_category, created_at=given.now,
        updated_at=given.now, owner_id=given.owner_id, originating_lead_id=lead.id, outcome=Outcome.OPEN,
        campaign_id=lead.campaign_id,
        **mapped_values(lead, LEAD_TO_OPPORTUNITY),  # type: ignore[arg-type]
    )
    if chosen.close_date is not None:
        opportunity.close_date = chosen.close_date
    items = _line_items(draft, opportunity, lines)
    if items and chosen.amount is not None:
        raise ValidationError("the opportunity's amount is the sum of its line items (from the lead's priced "
                              "product lines); leave the amount out", field=AMOUNT)
    if items:
        opportunity.amount = sum_of_lines(items, field="products")
    elif chosen.amount is not None:
        opportunity.amount = chosen.amount
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


def _line_items(draft: Draft, opportunity: Opportunity, lines: Sequence[ProductInterest]) -> list[LineItem]:
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
