"""A realistic demo organisation, built through the same use cases every transport calls.

Each record is created with the clock pinned at its moment in the last 18 months, so the
status and stage histories look like a real team's: leads arrive, get contacted, qualify or
not, and some convert into accounts, contacts and opportunities that move on to won or lost.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from leadline.domain.common import counted
from leadline.domain.errors import ConflictError, NotFoundError
from leadline.domain.leads import LEAD_FIELD_CLEANERS, Lead
from leadline.domain.reasons import DEFAULT_REASONS, ReasonKind
from leadline.domain.statuses import StatusKind
from leadline.services import conversion, lead_workflow, leads, records, users
from leadline.services.context import ServiceContext
from leadline.synthetic import generate_leads

TEAM = (  # (name, e-mail local part, role, manager's local part)
    ("Victoria Sales", "victoria", "manager", None),
    ("Marco Lead", "marco", "manager", "victoria"),
    ("Priya Lead", "priya", "manager", "victoria"),
    ("Sam Rep", "sam", "rep", "marco"),
    ("Jo Rep", "jo", "rep", "marco"),
    ("Lee Rep", "lee", "rep", "marco"),
    ("Kim Rep", "kim", "rep", "priya"),
    ("Alex Rep", "alex", "rep", "priya"),
    ("Noor Rep", "noor", "rep", "priya"),
)
DOMAIN = "leadline.example"
COLLEAGUE_TITLES = ("Procurement Manager", "IT Director", "Finance Lead", "Operations Manager", "CFO")
COLLEAGUE_NAMES = ("Morgan", "Taylor", "Jordan", "Casey", "Riley", "Avery", "Quinn", "Rowan")


@dataclass(frozen=True)
class DemoReport:
    users: int
    leads: int
    converted: int
    accounts: int
    contacts: int
    opportunities: int

    def __str__(self) -> str:
        return (f"{counted(self.users, 'user')}, {counted(self.leads, 'lead')} ({self.converted} converted), "
                f"{counted(self.accounts, 'account')}, {counted(self.contacts, 'contact')}, "
                f"{counted(self.opportunities, 'opportunity', 'opportunities')}")


def load_demo(
    ctx: ServiceContext, *, leads: int = 400, seed: int = 7, only_if_empty: bool = False
) -> DemoReport | None:
    """Fill an initialised, lead-free database with a demo organisation.

    Returns ``None`` when ``only_if_empty`` and leads exist; raises ``ConflictError`` when leads
    exist otherwise, so demo data never mixes with real data.
    """
    with ctx.uow_factory() as uow:
        if uow.leads.count():
            if only_if_empty:
                return None
            raise ConflictError("the database already holds leads; load the demo into a fresh database")
        admin = min((u for u in uow.users.list() if u.is_admin()), key=lambda u: u.id, default=None)
        statuses, sources = uow.statuses.list(), uow.sources.list()
    if admin is None:
        raise NotFoundError("no admin exists; run `leadline init` first", field="user")
    team = _team(ctx, admin.id)
    reps = [u for u in team if u.role.value == "rep"]
    by_kind = {kind: next(s for s in statuses if s.kind is kind and s.is_active) for kind in StatusKind}
    now = ctx.now()
    generated = generate_leads(
        leads, seed=seed, status_ids=[by_kind[k].id for k in StatusKind], source_ids=[s.id for s in sources],
        owner_ids=[r.id for r in reps], now=now, currency=ctx.currency,
    )
    rng = random.Random(seed)
    stats = {"converted": 0, "accounts": 0, "contacts": 0, "opportunities": 0}
    for lead in sorted(generated, key=lambda item: item.created_at):
        _work_lead(ctx, admin.id, lead, by_kind, rng, now, stats)
    return DemoReport(len(team) + 1, leads, stats["converted"], stats["accounts"], stats["contacts"],
                      stats["opportunities"])


def _team(ctx: ServiceContext, admin_id: int) -> list[Any]:
    created: dict[str, Any] = {}
    for name, local, role, manager in TEAM:
        email = f"{local}@{DOMAIN}"
        try:
            created[local] = users.find_user(ctx, email)
        except NotFoundError:
            created[local] = users.add_user(ctx, admin_id, name=name, email=email, role=role,
                                            manager=created[manager].id if manager else None)
    return list(created.values())


def _at(ctx: ServiceContext, moment: datetime) -> ServiceContext:
    """The same context with its clock pinned at ``moment``."""
    pinned: Callable[[], datetime] = lambda: moment  # noqa: E731
    return dataclasses.replace(ctx, clock=pinned)


def _lead_values(lead: Lead) -> dict[str, object]:
    values: dict[str, object] = {name: getattr(lead, name) for name in LEAD_FIELD_CLEANERS}
    values.update(email=lead.email, phone=lead.phone, source=lead.source_id, owner=lead.owner_id)
    return {k: v for k, v in values.items() if v is not None}


def _work_lead(ctx: ServiceContext, admin_id: int, lead: Lead, by_kind: dict[StatusKind, Any],
               rng: random.Random, now: datetime, stats: dict[str, int]) -> None:
    """Capture the lead, then walk it through the statuses it ends in, at plausible moments."""
    products = [{"product": p.product_name, "quantity": str(p.quantity),
                 "estimated_unit_price": str(p.estimated_unit_price) if p.estimated_unit_price else None}
                for p in lead.products]
    actor = lead.owner_id or admin_id
    created = leads.create_lead(_at(ctx, lead.created_at), actor, _lead_values(lead), products=products)
    lead_id, moment = created.lead.id, lead.created_at
    target = next(kind for kind, status in by_kind.items() if status.id == lead.status_id)
    wants_conversion = target is StatusKind.QUALIFIED and rng.random() < 0.7
    path = {StatusKind.WORKING: [StatusKind.WORKING],
            StatusKind.QUALIFIED: [StatusKind.WORKING, StatusKind.QUALIFIED],
            StatusKind.UNQUALIFIED: [StatusKind.WORKING, StatusKind.UNQUALIFIED]}.get(target, [])
    for kind in path:
        moment = min(moment + timedelta(days=rng.randint(1, 20), hours=rng.randint(0, 8)), now)
        reason = rng.choice(DEFAULT_REASONS[ReasonKind.LEAD_UNQUALIFIED]) if kind is StatusKind.UNQUALIFIED else None
        lead_workflow.change_lead_status(_at(ctx, moment), actor, lead_id, by_kind[kind].label, reason=reason,
                                         override_reason="qualified on a discovery call")
    if wants_conversion:
        moment = min(moment + timedelta(days=rng.randint(1, 30)), now)
        _convert(_at(ctx, moment), actor, lead_id, rng, now, moment, stats)


def _convert(ctx: ServiceContext, actor: int, lead_id: int, rng: random.Random, now: datetime, moment: datetime,
             stats: dict[str, int]) -> None:
    result = conversion.convert_lead(ctx, actor, lead_id, opportunity="create" if rng.random() < 0.8 else "none",
                                     override_reason="sale confirmed on a discovery call")
    stats["converted"] += 1
    stats["accounts"] += 1
    stats["contacts"] += 1
    stats["opportunities"] += 1 if result.opportunity_id else 0
    for _ in range(rng.randint(1, 3)):
        records.create_contact(ctx, actor, {
            "account_id": result.account_id, "first_name": rng.choice(COLLEAGUE_NAMES),
            "last_name": f"Colleague{rng.randint(100, 999)}", "title": rng.choice(COLLEAGUE_TITLES),
        })
        stats["contacts"] += 1
    stages = list(records.stage_labels(ctx).values())
    for _ in range(rng.randint(1, 3)):
        # stages taken in turn, so a demo of any size shows every stage
        stage = stages[stats["opportunities"] % len(stages)]
        _later_opportunity(ctx, actor, result.account_id, stage, rng, now, moment)
        stats["opportunities"] += 1


def _later_opportunity(ctx: ServiceContext, actor: int, account_id: int, stage: str, rng: random.Random,
                       now: datetime, since: datetime) -> None:
    """A further opportunity at the account, in any stage, closed ones dated in the past."""
    opened = since + (now - since) * rng.random()
    closed = stage.startswith("Closed")
    if closed:
        close_date = opened + timedelta(days=rng.randint(10, 120))
    else:
        close_date = now + timedelta(days=rng.randint(-20, 200))
    records.create_opportunity(_at(ctx, min(close_date, now) if closed else opened), actor, {
        "account_id": account_id, "name": f"Expansion {rng.randint(100, 999)}", "stage": stage,
        "amount": str(Decimal(rng.randint(20, 800)) * 250), "close_date": close_date.date().isoformat(),
        "type": rng.choice(["existing_business", "upsell", "renewal"]),
        "loss_reason": rng.choice(DEFAULT_REASONS[ReasonKind.OPPORTUNITY_LOST]) if stage == "Closed Lost" else None,
    })
