"""The parts of one conversion: its running state (what it created, attached and filled, kept for
the result and for undo), the opportunities it makes, and the custom field mappings it applies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from leadline.domain.accounts import Account, Contact
from leadline.domain.conversion import (
    LEAD_TO_OPPORTUNITY,
    ConversionOptions,
    ConversionResult,
    OpportunityChoice,
    mapped_custom_value,
    mapped_values,
    opportunity_name,
)
from leadline.domain.custom_fields import CustomValue, RecordType
from leadline.domain.errors import ConflictError, NotFoundError, ValidationError
from leadline.domain.history import render_value
from leadline.domain.ids import new_ids
from leadline.domain.leads import Lead, ProductInterest
from leadline.domain.opportunities import ContactRoleKind, Opportunity, Outcome, default_process, first_open_stage
from leadline.domain.products import LineItem, sum_of_lines
from leadline.domain.security import Viewer
from leadline.services.access import audit_changed
from leadline.services.context import ServiceContext
from leadline.services.conversion_audit import CreatedChanges, Derived
from leadline.services.ports import UnitOfWork
from leadline.services.ports.records import RecordRepository


def _opening(config: Any) -> Any:
    process = default_process(config.processes)
    return first_open_stage([s for s in config.stages if s.process_id == process.id])


def _index(products: Any) -> tuple[dict[str, Any], dict[int, Any]]:
    catalogue = {p.name.casefold(): p for p in products if p.is_active}
    return catalogue, {p.id: p for p in catalogue.values()}


_opening_stage, _catalogue = Derived(_opening), Derived(_index)


def _empty_undo() -> dict[str, Any]:
    return {"created": [], "filled": [], "links": [], "roles": [], "line_items": [], "tasks": [], "versions": {}}


@dataclass
class Conversion:
    """One conversion in progress."""

    ctx: ServiceContext
    uow: UnitOfWork
    viewer: Viewer
    lead: Lead
    owner_id: int
    now: datetime
    result: ConversionResult
    undo: dict[str, Any] = field(default_factory=_empty_undo)
    ids: list[int] = field(default_factory=list)  # made together, for ``new_id``, last first
    #: the configuration snapshot the whole conversion works with (read once, not per step)
    config: Any = None

    def __post_init__(self) -> None:
        if self.config is None:
            self.config = self.ctx.config(self.uow)

    def new_id(self) -> int:
        """An id for a record of this conversion: ids are made eight at a time (one call instead
        of one per record), handed out in order."""
        if not self.ids:
            self.ids = new_ids(8)[::-1]
        return self.ids.pop()

    def created(self, record_type: RecordType, record: Any) -> None:
        """A new record of the conversion: audited with every field it has."""
        kind, record_id = record_type.value, record.id
        self.uow.audit.record("convert", kind, record_id, self.viewer.id, self.now, CreatedChanges(record))
        self.undo["created"].append([kind, record_id])
        self.undo["versions"][str(record_id)] = 1
        self.result.created.append(kind)

    def attached(self, record_type: RecordType, record: Any, filled: dict[str, object],
                 repository: RecordRepository[Any]) -> None:
        """An existing record joins the conversion; ``filled`` holds the empty fields it got."""
        self.result.attached.append(record_type.value)
        if not filled:
            return
        record.updated_at = self.now
        repository.save(record)
        audit_changed(self.uow, record_type.value, record.id, self.viewer.id, self.now, {}, filled, action="convert")
        self.undo["filled"].append([record_type.value, record.id, {k: render_value(v) for k, v in filled.items()}])
        self.result.filled.extend(f"{record_type.value}.{name}" for name in filled)


def make_opportunities(run: Conversion, account: Account, contact: Contact,
                       options: ConversionOptions) -> list[Opportunity]:
    """The opportunities of the conversion: new (one, or one per product line), an existing open
    one of the account the contact joins, or none."""
    if options.opportunity is OpportunityChoice.NONE:
        return []
    if options.opportunity is OpportunityChoice.ATTACH:
        return [_attach_opportunity(run, account, contact, options.opportunity_id)]
    lines = run.lead.products
    if options.one_per_product:
        if not lines:
            raise ValidationError("the lead has no product lines to make one opportunity each", field="one_per_product")
        made = [new_opportunity(run, account, contact, [line], per_product=True) for line in lines]
    else:
        made = [new_opportunity(run, account, contact, lines, per_product=False)]
    run.result.opportunity_id = made[0].id
    run.result.opportunity_ids = [o.id for o in made]
    return made


def new_opportunity(run: Conversion, account: Account, contact: Contact, lines: Sequence[ProductInterest], *,
                    per_product: bool, name: str | None = None) -> Opportunity:
    """A new opportunity from the lead: mapped fields, first open stage of the default process,
    line items from the product lines with a price, the contact's role. With line items its amount
    is their sum (never the lead's budget, which covers all of the lead's lines); without, the budget
    (none for a split one)."""
    uow, lead = run.uow, run.lead
    stage = _opening_stage(run.config)
    values = mapped_values(lead, LEAD_TO_OPPORTUNITY)
    opportunity = Opportunity(
        id=run.new_id(), account_id=account.id, name=name or _name(lead, lines, per_product), stage_id=stage.id,
        probability=stage.probability, forecast_category=stage.forecast_category, created_at=run.now,
        updated_at=run.now, owner_id=run.owner_id, originating_lead_id=lead.id, outcome=Outcome.OPEN,
        **values,  # type: ignore[arg-type]
    )
    items = _line_items(run, opportunity, lines)
    if items:
        opportunity.amount = sum_of_lines(items, field="products")
    elif per_product:  # the lead's budget is for all its products, never for one of them
        opportunity.amount = None
    uow.opportunities.add(opportunity)
    uow.stage_history.record(opportunity, None, run.viewer.id, run.now)
    run.created(RecordType.OPPORTUNITY, opportunity)
    uow.products.add_line_items(items)
    run.undo["line_items"].extend(i.id for i in items)
    role = ContactRoleKind.DECISION_MAKER if lead.is_decision_maker else ContactRoleKind.OTHER
    run.undo["roles"].append(uow.products.add_contact_role(opportunity.id, contact.id, role, True))
    return opportunity


def _name(lead: Lead, lines: Sequence[ProductInterest], per_product: bool) -> str:
    if per_product and lines:
        return f"{lead.company} - {lines[0].product_name}"[:255]
    return opportunity_name(lead)


def _line_items(run: Conversion, opportunity: Opportunity, lines: Sequence[ProductInterest]) -> list[LineItem]:
    """Line items for the product lines with a price: the lead's estimate, else the standard price
    book's in the lead's currency. A line outside the catalogue keeps its own name with the lead's
    estimate; a line with no price at all (no money to keep) is reported as skipped."""
    if not lines:
        return []
    catalogue, by_id = _catalogue(run.uow.products.list())
    prices = run.uow.conversions.standard_prices(run.lead.currency)
    items = []
    for line in lines:
        product = by_id.get(line.product_id) if line.product_id else catalogue.get(line.product_name.casefold())
        listed = None if product is None else prices.get(product.id)
        price = line.estimated_unit_price if line.estimated_unit_price is not None else listed
        if price is None:
            run.result.skipped.append(f"product line {line.product_name!r}: " + (
                "not in the product catalogue and no estimated price" if product is None
                else f"no price in the standard price book in {run.lead.currency}"))
            continue
        items.append(LineItem(run.new_id(), opportunity.id, product.id if product else None, line.quantity, price,
                              product_name=product.name if product else line.product_name))
    return items


def _attach_opportunity(run: Conversion, account: Account, contact: Contact, opportunity_id: int | None) -> Opportunity:
    uow, viewer = run.uow, run.viewer
    opportunity = uow.opportunities.get_for_update(opportunity_id) if opportunity_id is not None else None
    if opportunity is None or not viewer.can_read(RecordType.OPPORTUNITY, opportunity.owner_id):
        raise NotFoundError(f"there is no opportunity {opportunity_id}", field="opportunity_id")
    viewer.ensure_can_edit(RecordType.OPPORTUNITY, opportunity.id, opportunity.owner_id)
    if opportunity.account_id != account.id:
        raise ValidationError("the opportunity belongs to another account", field="opportunity_id")
    if opportunity.is_closed():
        raise ConflictError("a closed opportunity takes no new contact from a conversion", field="opportunity_id")
    if not any(c == contact.id for c, _, _ in uow.products.contact_roles(opportunity.id)):
        run.undo["roles"].append(uow.products.add_contact_role(opportunity.id, contact.id, ContactRoleKind.OTHER,
                                                               False))
    run.result.opportunity_id = opportunity.id
    run.result.opportunity_ids = [opportunity.id]
    run.result.attached.append("opportunity")
    return opportunity


def custom_mappings(run: Conversion, account: Account, contact: Contact, opportunities: Sequence[Opportunity]) -> None:
    """Copy mapped custom lead fields to the converted records: set on those created, filled only
    where empty on those attached."""
    config = run.config
    if not config.field_mappings:
        return
    definitions = {d.id: d for d in config.custom_fields}
    created = {record_id for _, record_id in run.undo["created"]}
    targets = {RecordType.ACCOUNT: [account.id], RecordType.CONTACT: [contact.id],
               RecordType.OPPORTUNITY: [o.id for o in opportunities]}
    for mapping in config.field_mappings:
        source, target = definitions.get(mapping.source_field_id), definitions.get(mapping.target_field_id)
        if source is None or target is None or not target.is_active:
            continue
        value = run.lead.custom.get(source.name)
        if value is None:
            continue
        for record_id in targets[target.record_type]:
            current = run.uow.custom_fields.values_for([target], [record_id])[record_id].get(target.name)
            if record_id not in created and current is not None:
                continue
            mapped = cast("CustomValue | None", mapped_custom_value(value, target))
            run.uow.custom_fields.set_values([target], record_id, {target.name: mapped})
            if record_id not in created:
                run.undo["filled"].append([target.record_type.value, record_id,
                                           {f"custom.{target.name}": render_value(mapped)}])
                run.result.filled.append(f"{target.record_type.value}.custom.{target.name}")
