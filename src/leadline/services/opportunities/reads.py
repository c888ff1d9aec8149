"""What a reader asks of opportunities beyond the record itself: its stage history, the
opportunities a contact has a role on, and the price list products are added at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.opportunities.opportunity import Opportunity
from leadline.domain.opportunities.products import Product
from leadline.services.context import ServiceContext
from leadline.services.records import read_any
from leadline.services.security.access import load_viewer


@dataclass(frozen=True, slots=True)
class StageMove:
    """One entry of an opportunity's stage history: from (None: created in) a stage to another."""

    from_stage: str | None
    to_stage: str
    at: datetime


@dataclass(frozen=True, slots=True)
class ContactRoleOn:
    """A role a contact has on an opportunity."""

    opportunity: Opportunity
    role: str
    is_primary: bool


@dataclass(frozen=True, slots=True)
class PriceListEntry:
    """A product of the catalogue and its list price in one currency (None: it has none)."""

    product: Product
    unit_price: Decimal | None


def stage_history(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> list[StageMove]:
    """The stage moves of an opportunity the actor may read, oldest first: its first stage and
    each change of stage (changes of its other figures, recorded alongside, are left out)."""
    with ctx.reader() as uow:
        read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        labels = {s.id: s.label for s in ctx.config(uow).stages}  # the cached configuration's
        moves = uow.stage_history.for_opportunity(opportunity_id)
    return [StageMove(labels.get(before) if before is not None else None, labels.get(after, str(after)), at)
            for before, after, at in moves if before != after]


def contact_opportunities(ctx: ServiceContext, actor_id: int, contact_id: int) -> list[ContactRoleOn]:
    """The roles a contact the actor may read has on opportunities the actor may read (those they
    may not read are left out: docs/adr/0016-hidden-records-do-not-exist.md)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        read_any(uow, viewer, "contact", contact_id)
        roles = uow.products.roles_of_contact(contact_id)
        opportunities = {of: o for of, o in uow.opportunities.get_many(of for of, _, _ in roles).items()
                         if viewer.can_read(RecordType.OPPORTUNITY, o.owner_id)}  # one read, not one per role
    return [ContactRoleOn(opportunity, role, primary) for of, role, primary in roles
            if (opportunity := opportunities.get(of)) is not None]


def price_list(ctx: ServiceContext, currency: str) -> list[PriceListEntry]:
    """The active products, by name, with their standard list price in ``currency``."""
    with ctx.reader() as uow:
        prices = uow.conversions.standard_prices(currency)
        return [PriceListEntry(p, prices.get(p.id)) for p in uow.products.list() if p.is_active]
