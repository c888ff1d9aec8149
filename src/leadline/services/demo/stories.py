"""Playing the demo's planned stories (``synthetic/stories.py``) through the use cases.

Each step runs with the clock pinned at its moment, as a rep would have done it then: the lead
is captured, worked and converted; the opportunity moves up its stages, its expected close date
is pushed, it is won or lost on that day (so its close date is that past day); calls, e-mails,
meetings and tasks are logged as the work happens.
"""

from __future__ import annotations

import dataclasses
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal
from typing import NamedTuple

from leadline.domain.configuration.reasons import DEFAULT_REASONS, ReasonKind
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.leads.lead import LEAD_FIELD_CLEANERS, Lead
from leadline.services import activities, records
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.leads import records as leads
from leadline.services.leads import workflow as lead_workflow
from leadline.services.opportunities import lifecycle as opportunities
from leadline.services.opportunities import parts as opportunity_parts
from leadline.synthetic.stories import DealPlan, DealStep, Expansion, LeadStory

COLLEAGUE_TITLES = ("Procurement Manager", "IT Director", "Finance Lead", "Operations Manager", "CFO")
COLLEAGUE_NAMES = ("Morgan", "Taylor", "Jordan", "Casey", "Riley", "Avery", "Quinn", "Rowan")
#: What a rep logs on reaching each open stage after the first (kind, subject); the last repeats.
STAGE_WORK = (("call", "Qualification call"), ("meeting", "Needs analysis workshop"), ("email", "Proposal sent"),
              ("call", "Negotiation call"), ("task", "Send the order form"))
EXPANSION_TYPES: tuple[str, ...] = ("upsell", "existing_business", "renewal")
EXPANSION_TYPE_WEIGHTS: tuple[int, ...] = (50, 30, 20)
QUALIFIED_BECAUSE = "qualified on a discovery call"


class Customer(NamedTuple):
    """The account a converted lead became."""

    account_id: int
    owner_id: int
    company: str


@dataclass
class Player:
    """The demo's state while its stories are played: what was made, and who won what when."""

    ctx: ServiceContext
    admin_id: int
    rng: random.Random
    now: datetime
    statuses: dict[StatusKind, str]  # kind -> the label of its first active status
    stages: list[str]  # the default process's open stages, in order
    products: dict[str, int]  # catalogue name -> product id
    #: lead index -> the account it became
    accounts: dict[int, Customer] = field(default_factory=dict)
    #: owner id -> (when, amount) of each deal won
    won: dict[int, list[tuple[datetime, Decimal]]] = field(default_factory=dict)
    counts: Counter[str] = field(default_factory=Counter)

    def at(self, moment: datetime) -> ServiceContext:
        """The context with its clock pinned at ``moment``."""
        pinned: Callable[[], datetime] = lambda: moment  # noqa: E731
        return dataclasses.replace(self.ctx, clock=pinned)

    def play_lead(self, lead: Lead, story: LeadStory) -> None:
        """Capture the lead, walk it through its status moves, convert it when its story says so."""
        actor = lead.owner_id or self.admin_id
        products = [{"product": p.product_name, "quantity": str(p.quantity),
                     "estimated_unit_price": str(p.estimated_unit_price) if p.estimated_unit_price else None}
                    for p in lead.products]
        lead_id = leads.create_lead(self.at(lead.created_at), actor, _lead_values(lead), products=products).lead.id
        self.counts["leads"] += 1
        if story.final is StatusKind.OPEN and self.now - lead.created_at < timedelta(days=14):
            if self.rng.random() < 0.6:
                due = lead.created_at + timedelta(days=self.rng.randint(2, 7))
                self.log(lead.created_at, actor, "task", f"First call with {lead.name}", [("lead", lead_id)], due=due)
        for moment, kind in story.moves:
            reason = self.rng.choice(DEFAULT_REASONS[ReasonKind.LEAD_UNQUALIFIED]) \
                if kind is StatusKind.UNQUALIFIED else None
            override = QUALIFIED_BECAUSE if kind is StatusKind.QUALIFIED else None
            lead_workflow.change_lead_status(self.at(moment), actor, lead_id, self.statuses[kind], reason=reason,
                                             override_reason=override)
            self._lead_work(moment, actor, lead, lead_id, kind)
        if story.converted_at is not None and story.deal is not None:
            self._convert(lead, lead_id, actor, story)

    def _lead_work(self, moment: datetime, actor: int, lead: Lead, lead_id: int, kind: StatusKind) -> None:
        link = [("lead", lead_id)]
        chance = self.rng.random()
        if kind is StatusKind.WORKING and chance < 0.45:  # the others were reached by a campaign
            if chance < 0.25:
                self.log(moment, actor, "call", f"Intro call with {lead.name}", link)
            else:
                self.log(moment, actor, "email", f"Introduction e-mail to {lead.name}", link)
        elif kind is StatusKind.QUALIFIED:
            self.log(moment, actor, "meeting", f"Discovery meeting at {lead.company}", link)
        elif kind is StatusKind.UNQUALIFIED and chance < 0.25:
            self.log(moment, actor, "call", f"Qualification call with {lead.name}", link)

    def _convert(self, lead: Lead, lead_id: int, actor: int, story: LeadStory) -> None:
        """Convert into an account, a contact and an opportunity; the rep adds colleagues, a
        product the lead did not name and the expected close date, then the deal plays out."""
        assert story.converted_at is not None and story.deal is not None
        moment = story.converted_at
        ctx = self.at(moment)
        result = conversion.convert_lead(ctx, actor, lead_id, opportunity="create", override_reason=QUALIFIED_BECAUSE)
        assert result.opportunity_id is not None
        self.counts.update(converted=1, accounts=1, contacts=1, opportunities=1)
        self.accounts[story.index] = Customer(result.account_id, actor, lead.company)
        for number in range(1 if self.rng.random() < 0.7 else 2):
            colleague = records.create_contact(ctx, actor, {
                "account_id": result.account_id, "first_name": self.rng.choice(COLLEAGUE_NAMES),
                "last_name": f"Colleague{self.rng.randint(100, 999)}", "title": self.rng.choice(COLLEAGUE_TITLES),
            })
            self.counts["contacts"] += 1
            if number == 0:
                opportunity_parts.add_contact_role(ctx, actor, result.opportunity_id, contact_id=colleague.id,
                                                   role=self.rng.choice(["economic_buyer", "evaluator", "champion"]))
        named = {p.product_name for p in lead.products}
        extra = self.rng.choice([name for name in self.products if name not in named] or list(self.products))
        self.add_line(moment, actor, result.opportunity_id, extra)
        self._expect(moment, actor, result.opportunity_id, story.deal)
        self.play_deal(actor, result.opportunity_id, story.deal)

    def play_expansion(self, expansion: Expansion) -> None:
        """A further deal at a customer's account, with the source it came from and its products."""
        account_id, owner, company = self.accounts[expansion.index]
        deal = expansion.deal
        kind = self.rng.choices(EXPANSION_TYPES, weights=EXPANSION_TYPE_WEIGHTS)[0]
        first, *more = self.rng.sample(sorted(self.products), self.rng.randint(1, 2))
        opportunity = records.create_opportunity(self.at(deal.opened), owner, {
            "account_id": account_id, "name": f"{company} - {first} ({kind.replace('_', ' ')})", "type": kind,
            "lead_source": expansion.source, "close_date": deal.expected_close.isoformat(),
        })
        self.counts.update(opportunities=1, expansions=1)
        for name in [first, *more]:
            self.add_line(deal.opened, owner, opportunity.id, name)
        self.play_deal(owner, opportunity.id, deal)

    def add_line(self, moment: datetime, actor: int, opportunity_id: int, product: str) -> None:
        """A line at the product's list price: a number of seats for a licence, else one."""
        seats = self.rng.randint(5, 60) if "licence" in product else 1
        opportunity_parts.add_line_item(self.at(moment), actor, opportunity_id, product_id=self.products[product],
                                        quantity=str(seats))

    def _expect(self, moment: datetime, actor: int, opportunity_id: int, deal: DealPlan) -> None:
        records.update_record(self.at(moment), actor, "opportunity", opportunity_id, {
            "close_date": deal.expected_close.isoformat(), "next_step": "Book the needs analysis",
        })

    def play_deal(self, actor: int, opportunity_id: int, deal: DealPlan) -> None:
        """The deal's stage moves, pushes and close, each at its moment, with the work logged."""
        link = [("opportunity", opportunity_id)]
        for event in deal.events:
            ctx = self.at(event.at)
            if event.step is DealStep.STAGE:
                opportunities.move_stage(ctx, actor, opportunity_id, self.stages[event.stage])
                kind, subject = STAGE_WORK[min(event.stage, len(STAGE_WORK)) - 1]
                task = self.log(event.at, actor, kind, subject, link,
                                due=event.at + timedelta(days=2) if kind == "task" else None)
                if kind == "task" and event.at + timedelta(days=2) < self.now:
                    activities.complete_activity(self.at(event.at + timedelta(days=2)), actor, task)
            elif event.step is DealStep.PUSH:
                assert event.close_date is not None
                records.update_record(ctx, actor, "opportunity", opportunity_id,
                                      {"close_date": event.close_date.isoformat()})
                self.counts["pushes"] += 1
            elif event.step is DealStep.WON:
                closed = opportunities.close_opportunity(ctx, actor, opportunity_id, "won")
                self.won.setdefault(actor, []).append((event.at, closed.amount or Decimal(0)))
                self.counts["won"] += 1
            else:
                reason = self.rng.choice(DEFAULT_REASONS[ReasonKind.OPPORTUNITY_LOST])
                opportunities.close_opportunity(ctx, actor, opportunity_id, "lost", reason=reason)
                self.counts["lost"] += 1
        if deal.outcome is None:
            since = deal.events[-1].at if deal.events else deal.opened
            due = self.now + timedelta(days=self.rng.randint(1, 10))
            self.log(since, actor, "task", "Follow up on the next step", link, due=due)

    def log(self, moment: datetime, actor: int, kind: str, subject: str, links: list[tuple[str, int]], *,
            due: datetime | None = None) -> int:
        activity = activities.log_activity(self.at(moment), actor, kind=kind, subject=subject, links=links, due_at=due)
        self.counts["activities"] += 1
        return activity.id


def _lead_values(lead: Lead) -> dict[str, object]:
    """The lead's fields as a transport gives them; its owner captures it (so no owner is named)."""
    values: dict[str, object] = {name: getattr(lead, name) for name in LEAD_FIELD_CLEANERS}
    values.update(email=lead.email, phone=lead.phone, source=lead.source_id)
    return {k: v for k, v in values.items() if v is not None}
