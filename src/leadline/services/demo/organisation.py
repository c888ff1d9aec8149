"""A realistic demo organisation, built through the same use cases every transport calls.

A sales team of three levels, a product catalogue with list prices, and 18 months of leads whose
stories (``synthetic/stories.py``) are played with the clock pinned at each moment
(``services/demo/stories.py``): about 13 % of the leads become opportunities, most of them more
than three months after they arrived, the likelier ones by the generator's true mechanism
(``synthetic/propensity.py``: source, decision maker, rating, budget, timeframe) more often;
the opportunities move up their stages over weeks and are won or lost on past days, or are
still open; customers bring expansion deals; calls, e-mails, meetings and tasks are logged on
the way; every rep and manager has a quota for this quarter.
The same seed gives the same organisation (ids aside).
"""

from __future__ import annotations

import math
import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from leadline.domain.accounts import normalise_company_name, website_domain
from leadline.domain.common import counted
from leadline.domain.configuration.statuses import StatusKind
from leadline.domain.errors import ConflictError, NotFoundError
from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import default_process
from leadline.services.context import ServiceContext
from leadline.services.demo.stories import Player
from leadline.services.forecast import settings as forecast_settings
from leadline.services.opportunities import parts as opportunity_parts
from leadline.services.security import users
from leadline.synthetic import generate_leads, true_conversion_probability
from leadline.synthetic.stories import plan_stories
from leadline.synthetic.words import PRODUCT_CATALOGUE

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
#: Every demo user's password, documented in the README: known on purpose, and only ever given to
#: the users the demo creates (never to the admin of ``leadline init``, nor to anyone else).
DEMO_PASSWORD = "leadline-demo"
#: A rep's quota for this quarter: their average quarter of the last year, raised by this much.
QUOTA_STRETCH = Decimal("1.2")
MINIMUM_QUOTA = Decimal(25_000)


@dataclass(frozen=True)
class DemoReport:
    users: int
    leads: int
    converted: int
    accounts: int
    contacts: int
    opportunities: int
    expansions: int = 0
    won: int = 0
    lost: int = 0
    activities: int = 0
    products: int = 0

    def __str__(self) -> str:
        return (f"{counted(self.users, 'user')}, {counted(self.leads, 'lead')} ({self.converted} converted), "
                f"{counted(self.accounts, 'account')}, {counted(self.contacts, 'contact')}, "
                f"{counted(self.opportunities, 'opportunity', 'opportunities')} "
                f"({counted(self.expansions, 'expansion deal')}; {self.won} won, {self.lost} lost), "
                f"{counted(self.activities, 'activity', 'activities')}, {counted(self.products, 'product')}")


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
        process = default_process(uow.stages.processes())
        stages = sorted((s for s in uow.stages.stages(process.id) if s.is_active and not s.is_closed),
                        key=lambda s: s.order)
    if admin is None:
        raise NotFoundError("no admin exists; run `leadline init` first", field="user")
    team = _team(ctx, admin.id)
    reps = [u for u in team if u.role.value == "rep"]
    by_kind = {kind: next(s for s in statuses if s.kind is kind and s.is_active) for kind in StatusKind}
    now, source_ids = ctx.now(), [s.id for s in sources]
    generated = sorted(generate_leads(
        leads, seed=seed, status_ids=[by_kind[k].id for k in StatusKind], source_ids=source_ids,
        owner_ids=[r.id for r in reps], now=now, currency=ctx.currency,
    ), key=lambda lead: lead.created_at)
    rng = random.Random(seed)
    plan = plan_stories([lead.created_at for lead in generated], now, rng, open_stages=len(stages),
                        companies=same_account_keys(generated),
                        weights=[true_conversion_probability(lead, source_ids) for lead in generated])
    player = Player(ctx, admin.id, rng, now, {kind: status.label for kind, status in by_kind.items()},
                    [s.label for s in stages], _catalogue(ctx, admin.id))
    for story in plan.stories:
        player.play_lead(generated[story.index], story)
    for expansion in plan.expansions:
        player.play_expansion(expansion)
    _quotas(ctx, admin.id, team, player.won, now)
    c = player.counts
    return DemoReport(len(team) + 1, leads, c["converted"], c["accounts"], c["contacts"], c["opportunities"],
                      c["expansions"], c["won"], c["lost"], c["activities"], len(player.products))


def same_account_keys(leads: Sequence[Lead]) -> list[str]:
    """One key per lead, shared by the leads a conversion would take for one company: those linked,
    directly or through others, by the same website domain, normalised company name, e-mail or
    phone (the matches the conversion preview and the hidden-duplicate check look for)."""
    parent: dict[str, str] = {}

    def root(mark: str) -> str:
        while parent.setdefault(mark, mark) != mark:
            mark = parent[mark]
        return mark

    firsts = []
    for number, lead in enumerate(leads):
        values = (("domain", website_domain(lead.website)), ("name", normalise_company_name(lead.company)),
                  ("email", (lead.email or "").casefold()), ("phone", lead.phone))
        marks = [f"{kind} {value}" for kind, value in values if value] or [f"lead {number}"]
        for mark in marks[1:]:
            parent[root(mark)] = root(marks[0])
        firsts.append(marks[0])
    return [root(mark) for mark in firsts]


def _team(ctx: ServiceContext, admin_id: int) -> list[Any]:
    created: dict[str, Any] = {}
    for name, local, role, manager in TEAM:
        email = f"{local}@{DOMAIN}"
        try:
            created[local] = users.find_user(ctx, email)
        except NotFoundError:
            created[local] = users.add_user(ctx, admin_id, name=name, email=email, role=role,
                                            manager=created[manager].id if manager else None,
                                            password=DEMO_PASSWORD)
    return list(created.values())


def _catalogue(ctx: ServiceContext, admin_id: int) -> dict[str, int]:
    """The products the demo's leads ask for, each with its list price in the org's currency."""
    existing = {p.name.casefold(): p.id for p in opportunity_parts.list_products(ctx)}
    products = {}
    for number, (name, price) in enumerate(PRODUCT_CATALOGUE, start=1):
        if name.casefold() in existing:
            products[name] = existing[name.casefold()]
            continue
        family = "Licences" if "licence" in name else "Services" if "service" in name or "package" in name \
            else "Add-ons"
        product = opportunity_parts.create_product(ctx, admin_id, name=name, code=f"LL-{number:03d}", family=family)
        opportunity_parts.set_list_price(ctx, admin_id, product_id=product.id, currency=ctx.currency,
                                         unit_price=price)
        products[name] = product.id
    return products


def _quotas(ctx: ServiceContext, admin_id: int, team: list[Any], won: dict[int, list[tuple[datetime, Decimal]]],
            now: datetime) -> None:
    """This quarter's quotas: each rep's average quarter of the last year with a stretch, each
    manager's the sum of their reports'."""
    year_ago = now - timedelta(days=365)
    quotas: dict[int, Decimal] = {}
    for user in reversed(team):  # reports before their managers
        reports = [quotas[u.id] for u in team if u.manager_id == user.id]
        if reports:
            quotas[user.id] = sum(reports, Decimal(0))
        else:
            quarter = sum((amount for at, amount in won.get(user.id, []) if at >= year_ago), Decimal(0)) / 4
            quotas[user.id] = max(MINIMUM_QUOTA, Decimal(math.ceil(quarter * QUOTA_STRETCH / 5_000) * 5_000))
    for user in team:
        forecast_settings.set_quota(ctx, admin_id, user.id, "this-quarter", quotas[user.id])
