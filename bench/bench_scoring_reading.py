"""Issue 19 (ADR 0067): when a closed opportunity teaches, read halfway through its life or at an
age drawn alike for all, measured where it matters: on the deals open at a snapshot moment.

Data: ``--deals`` deals planned by the demo's own generator (``synthetic.stories.plan_deal``: up
the six open stages a few weeks at a time, won after the last one or lost at one of them after
weeks of silence, close-date pushes), opened one after another over 720 days, every one closed in
the end. At the snapshot (day 540) the deals closed before it teach; the deals open at it are
scored as they stand then, as Leadline scores an open pipeline, and measured against what became
of them. Both readings go through the domain (``opportunity_features``; ``training_moments`` for
the drawn age) and the same model choice (``choose_model``), on the same deals.

Example::

    .venv/bin/python bench/bench_scoring_reading.py --deals 3000 --seeds 1 2 3
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from leadline.domain.opportunities.opportunity import ForecastCategory, Opportunity, OpportunityStage, Outcome
from leadline.domain.scoring.interface import FeatureRow
from leadline.domain.scoring.metrics import evaluate
from leadline.domain.scoring.opportunity import OpportunityFacts, StageChange, opportunity_features, training_moments
from leadline.scoring.registry import choose_model
from leadline.synthetic.stories import DealPlan, DealStep, plan_deal

LABELS = ("Prospecting", "Qualification", "Needs Analysis", "Proposal/Quote", "Negotiation", "Order")
OPEN = [OpportunityStage(i + 1, 1, label, i + 1, 10 + 15 * i, ForecastCategory.PIPELINE)
        for i, label in enumerate(LABELS)]
WON = OpportunityStage(7, 1, "Closed Won", 7, 100, ForecastCategory.CLOSED, is_closed=True, is_won=True)
LOST = OpportunityStage(8, 1, "Closed Lost", 8, 0, ForecastCategory.OMITTED, is_closed=True)
STAGES = {s.id: s for s in (*OPEN, WON, LOST)}
START = datetime(2024, 1, 1, tzinfo=UTC)
SPAN, SNAPSHOT = timedelta(days=720), START + timedelta(days=540)


def changes_of(plan: DealPlan, amount: Decimal) -> list[StageChange]:
    """The deal's history as Leadline records it: the stage, amount and close date from each change."""
    stage, close = 1, plan.expected_close
    changes = [StageChange(plan.opened, stage, amount, close)]
    for event in plan.events:
        if event.step is DealStep.STAGE:
            stage = event.stage + 1
        elif event.step is DealStep.PUSH:
            close = event.close_date or close
        else:
            stage = WON.id if event.step is DealStep.WON else LOST.id
        changes.append(StageChange(event.at, stage, amount, close))
    return changes


def deals(count: int, seed: int) -> list[tuple[DealPlan, list[StageChange], int]]:
    rng, far = random.Random(seed), START + SPAN * 3
    planned = []
    for number in range(count):
        plan = plan_deal(START + SPAN * number / count, far, rng, len(OPEN))
        planned.append((plan, changes_of(plan, Decimal(round(10 ** rng.uniform(3, 5), -2))), number + 1))
    return planned


def facts_at(plan: DealPlan, changes: list[StageChange], number: int, moment: datetime | None) -> OpportunityFacts:
    """The deal as closed (``moment`` None) or as it stood open at ``moment``."""
    if moment is None:
        end = STAGES[changes[-1].stage_id]
        deal = Opportunity(number, 1, f"Deal {number}", end.id, end.probability, end.forecast_category, plan.opened,
                           changes[-1].at, amount=changes[-1].amount, close_date=changes[-1].close_date,
                           outcome=Outcome.WON if end.is_won else Outcome.LOST, closed_at=changes[-1].at)
        return OpportunityFacts(deal, tuple(changes))
    seen = [c for c in changes if c.at <= moment]
    now = STAGES[seen[-1].stage_id]
    deal = Opportunity(number, 1, f"Deal {number}", now.id, now.probability, now.forecast_category, plan.opened,
                       seen[-1].at, amount=seen[-1].amount, close_date=seen[-1].close_date or date(2026, 1, 1))
    return OpportunityFacts(deal, tuple(seen))


def measure(seed: int, count: int) -> dict[str, tuple[float, ...]]:
    planned = deals(count, seed)
    taught = [(facts_at(p, c, n, None), p.outcome is DealStep.WON) for p, c, n in planned
              if p.closed_at is not None and p.closed_at < SNAPSHOT]
    open_then = [(facts_at(p, c, n, SNAPSHOT), p.outcome is DealStep.WON) for p, c, n in planned
                 if p.opened < SNAPSHOT and p.closed_at is not None and p.closed_at > SNAPSHOT]
    test_rows = [opportunity_features(f, STAGES, SNAPSHOT) for f, _ in open_then]
    test_ys = [y for _, y in open_then]
    halfway = [(opportunity_features(f, STAGES, f.opportunity.created_at
                                     + (f.opportunity.closed_at - f.opportunity.created_at) / 2), y)  # type: ignore[operator]
               for f, y in taught]
    moments = training_moments([f for f, _ in taught])
    drawn = [(opportunity_features(f, STAGES, at), y) for (f, y), at in zip(taught, moments, strict=True)
             if at is not None]
    out = {}
    print(f"seed {seed}: {len(taught)} closed before the snapshot ({sum(y for _, y in taught)} won), "
          f"{len(open_then)} open at it ({sum(test_ys)} won later)")
    print(f"  {'reading':10} {'rows':>5} {'model':>10} {'ROC AUC':>8} {'Brier':>7} {'cal.err':>8} "
          f"{'mean p':>7} {'won':>6}  CPU s")
    for name, rows in (("halfway", halfway), ("drawn age", drawn)):
        cpu = time.process_time()
        train: list[FeatureRow] = [r for r, _ in rows]
        choice = choose_model(train, [y for _, y in rows], outcome_word="won")
        predicted = choice.model.predict(test_rows)
        cpu = time.process_time() - cpu
        e = evaluate(predicted, test_ys)
        mean_p = statistics.mean(predicted)
        print(f"  {name:10} {len(rows):5d} {choice.model.kind:>10} {e.roc_auc:8.3f} {e.brier:7.4f} "
              f"{e.calibration_error:8.4f} {mean_p:7.3f} {sum(test_ys) / len(test_ys):6.3f}  {cpu:.2f}")
        out[name] = (e.roc_auc, e.brier, e.calibration_error, mean_p)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--deals", type=int, default=3000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[1, 2, 3])
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; nproc {os.cpu_count()}")
    results = [measure(seed, args.deals) for seed in args.seeds]
    for name in ("halfway", "drawn age"):
        auc, brier, cal, mean_p = (statistics.median(r[name][i] for r in results) for i in range(4))
        print(f"median over {len(results)} seeds, {name}: ROC AUC {auc:.3f}, Brier {brier:.4f}, "
              f"calibration error {cal:.4f}, mean predicted {mean_p:.3f}")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
