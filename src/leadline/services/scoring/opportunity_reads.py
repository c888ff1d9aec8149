"""Reading opportunity scores, under the opportunity's own read guard, and the forecast's
"predicted" figure: what the open opportunities are worth by their predicted chances."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.scoring.opportunity import OpportunityScore
from leadline.domain.scoring.records import OPPORTUNITY, StoredModel
from leadline.services.context import ServiceContext
from leadline.services.records import read_any
from leadline.services.security.access import load_viewer
from leadline.services.security.visibility import readable_ids


def get_opportunity_score(ctx: ServiceContext, actor_id: int, opportunity_id: int) -> OpportunityScore | None:
    """The stored score of an opportunity the actor may read (``NOT_FOUND`` otherwise); None when
    unscored (no model yet, or closed)."""
    with ctx.reader() as uow:
        opportunity = read_any(uow, load_viewer(uow, actor_id, ctx), "opportunity", opportunity_id)
        return uow.opportunity_scoring.scores([opportunity.id]).get(opportunity.id)


def opportunity_scores(ctx: ServiceContext, actor_id: int, opportunity_ids: list[int]) -> dict[int, OpportunityScore]:
    """The stored scores of those of ``opportunity_ids`` the actor may read (the others are left out)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        readable = readable_ids(uow, viewer, RecordType.OPPORTUNITY, set(opportunity_ids))
        return uow.opportunity_scoring.scores(sorted(readable))


def list_opportunity_models(ctx: ServiceContext) -> list[StoredModel]:
    """Every stored opportunity model, newest (the one in use) first."""
    with ctx.reader() as uow:
        return uow.scoring.models(OPPORTUNITY)


@dataclass(frozen=True, slots=True)
class Predicted:
    """The forecast's predicted figure: won amount plus each scored open opportunity's amount times
    its predicted chance. ``unscored`` open opportunities (no model, or not scored yet) count at
    nothing and are named so a reader knows the figure is partial."""

    amount: Decimal
    won: Decimal
    open_expected: Decimal
    scored: int
    unscored: int


def predicted(won: Decimal, open_amounts: dict[int, Decimal], scores: dict[int, OpportunityScore]) -> Predicted:
    """>>> predicted(Decimal(100), {1: Decimal(1000), 2: Decimal(50)}, {})
    Predicted(amount=Decimal('100'), won=Decimal('100'), open_expected=Decimal('0'), scored=0, unscored=2)
    """
    expected = sum((amount * Decimal(str(round(scores[of].probability, 4)))
                    for of, amount in open_amounts.items() if of in scores), start=Decimal(0))
    scored = sum(1 for of in open_amounts if of in scores)
    return Predicted(won + expected, won, expected, scored, len(open_amounts) - scored)
