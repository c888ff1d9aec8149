"""Issue 19 benchmark: predictive lead scoring (training, batch scoring, one-lead re-score, and
accuracy against the generated data's known truth).

Data: ``leadline.synthetic.scoring_table`` (its true conversion mechanism is in docs/scoring.md),
``--rows`` leads, oldest first. Measured, wall and CPU time:

1. training on all rows: the frequency model, the boosted and additive models (each given the
   frequency tables, as ``choose_model`` gives them), and the full choice (``choose_model``: all
   three fitted on 75 %, backtested on 25 %, the winner refitted on 100 %);
2. batch scoring: probabilities for every row, rows per second, for each model;
3. one lead re-scored through the real path (``rescore_lead`` in its own unit of work and commit,
   SQLite file, a stored frequency model, 60 stored leads): median and 95th percentile;
4. a time-ordered backtest (latest 25 % test): Leadline's choice, the naive-Bayes and logistic
   baselines, and the truth's own probability (the ceiling no model can pass), ROC AUC and
   calibration error;
5. learning from few outcomes: models fitted on only the first 20, 50, 200 rows *with an outcome
   that the first rows hold* (each window's leads, five windows), ROC AUC on the same test rows.

With ``--kind opportunities`` (or ``all``) the same measures for opportunity scoring, on
``leadline.synthetic.opportunity_table`` (closed opportunities with a documented true win
mechanism, docs/scoring.md): training, batch scoring, one opportunity re-scored through the real
path (``rescore_opportunity``: its facts, history, activity and owner's record read, scored,
written, committed), and the time-ordered backtest against both baselines and the truth.

Example::

    .venv/bin/python bench/bench_scoring.py --rows 100000
    .venv/bin/python bench/bench_scoring.py --kind opportunities --rows 100000
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.metrics import evaluate, roc_auc
from leadline.scoring.additive import AdditiveModel
from leadline.scoring.baselines import LogisticBaseline, NaiveBayesBaseline
from leadline.scoring.boosted import BoostedModel
from leadline.scoring.registry import choose_model
from leadline.synthetic.opportunity_table import opportunity_rows
from leadline.synthetic.scoring_table import scoring_rows

FEATURES = ("source", "campaign", "seniority", "industry", "country", "employees", "email_domain", "budget",
            "timeframe_days", "activities", "days_since_activity")
OPPORTUNITY_FEATURES = ("stage", "type", "age_days", "days_in_stage", "amount", "close_date_pushes", "activities",
                        "days_since_activity", "source", "campaign", "owner_win_rate")


def timed(label: str, work: Callable[[], Any]) -> Any:
    wall, cpu = time.perf_counter(), time.process_time()
    result = work()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    print(f"  {label}: {wall:.2f} s wall, {cpu:.2f} s CPU", flush=True)
    return result, wall


def table(count: int, seed: int) -> tuple[list[dict[str, Any]], list[bool], list[float]]:
    rows, outcomes, truth = [], [], []
    for r in scoring_rows(count, seed=seed):
        rows.append({k: (None if r[k] == "" else float(r[k]) if isinstance(r[k], int | float) else r[k])
                     for k in FEATURES})
        outcomes.append(r["converted"] == "yes")
        truth.append(float(r["true_probability"]))
    return rows, outcomes, truth


def opportunity_table(count: int, seed: int) -> tuple[list[dict[str, Any]], list[bool], list[float]]:
    rows, outcomes, truth = [], [], []
    for r in opportunity_rows(count, seed=seed):
        rows.append({k: (None if r[k] == "" else float(r[k]) if isinstance(r[k], int | float) else r[k])
                     for k in OPPORTUNITY_FEATURES})
        outcomes.append(r["won"] == "yes")
        truth.append(float(r["true_probability"]))
    return rows, outcomes, truth


def training_and_scoring(rows: list[dict[str, Any]], ys: list[bool], word: str = "converted") -> None:
    print(f"1. training on {len(rows):,} rows ({sum(ys):,} {word}, {sum(ys) / len(ys):.1%})")
    frequency, _ = timed("frequency model fit", lambda: FrequencyModel.fit(rows, ys, outcome_word=word))
    boosted, _ = timed("boosted model fit (booster + isotonic calibration; the tables given)",
                       lambda: BoostedModel.fit(rows, ys, tables=frequency))
    additive, _ = timed("additive model fit (the tables given)", lambda: AdditiveModel.fit(rows, ys, tables=frequency))
    choice, _ = timed("full choice (all three on 75 %, backtest, refit winner)",
                      lambda: choose_model(rows, ys, outcome_word=word))
    print(f"  chosen: {choice.model.kind}; backtest ROC AUC "
          + ", ".join(f"{k} {e.roc_auc:.3f}" for k, e in choice.backtests.items()))
    print(f"2. batch scoring {len(rows):,} rows")
    for name, model in (("frequency", frequency), ("boosted", boosted), ("additive", additive)):
        _, wall = timed(f"{name} predict", lambda m=model: m.predict(rows))
        print(f"    {len(rows) / wall:,.0f} rows/s")
    some = rows[:10000]
    _, wall = timed(f"frequency score with reasons, {len(some):,} rows", lambda: [frequency.score(r) for r in some])
    print(f"    {len(some) / wall:,.0f} rows/s")


def sqlite_organisation(folder: str) -> tuple[Any, Any, Any]:
    """A fresh SQLite file in ``folder``, migrated, with an organisation: (engine, context, admin)."""
    from leadline.persistence.database import make_engine
    from leadline.persistence.schema import upgrade_to_head
    from leadline.persistence.unit_of_work import SqlUnitOfWork
    from leadline.services.configuration.setup import initialise_organisation
    from leadline.services.contact_points import LibraryContactPointChecker
    from leadline.services.context import ServiceContext

    engine = make_engine(f"sqlite:///{folder}/bench.db")
    upgrade_to_head(engine)
    ctx = ServiceContext(uow_factory=lambda read_only=False: SqlUnitOfWork(engine, read_only=read_only),
                         clock=lambda: datetime.now(UTC), currency="USD", phone_region="US",
                         contact_points=LibraryContactPointChecker("US"))
    admin = initialise_organisation(ctx, admin_name="Ada", admin_email="ada@example.com").admin
    assert admin is not None
    return engine, ctx, admin


def one_lead_rescore(runs: int = 200, *, profile: bool = False) -> None:
    from leadline.domain.ids import new_id
    from leadline.domain.scoring.features import lead_features
    from leadline.domain.scoring.interface import ModelVersion
    from leadline.domain.scoring.records import LEAD, StoredModel
    from leadline.services.leads.records import create_lead
    from leadline.services.scoring.scores import rescore_lead

    print(f"3. one lead re-scored ({runs} runs; SQLite file, its own unit of work and commit)")
    with tempfile.TemporaryDirectory() as folder:
        engine, ctx, admin = sqlite_organisation(folder)
        rng = random.Random(1)
        ids = [create_lead(ctx, admin.id, {
            "last_name": f"L{i}", "company": f"C{i}", "title": rng.choice(["CEO", "Analyst"]),
            "source": rng.choice(["Trade show", "Website form", "Phone call"]),
            "number_of_employees": str(rng.randint(1, 900))}).lead.id for i in range(60)]
        with ctx.uow_factory() as uow:
            facts = [f for f, _ in uow.scoring.lead_facts(ids)]
            model = FrequencyModel.fit([lead_features(f, ctx.now()) for f in facts], [i % 4 == 0 for i in range(60)])
            uow.scoring.add_model(StoredModel(new_id(), LEAD, ModelVersion("frequency", 1), ctx.now(), 60, 15, {}, (),
                                              model.to_payload()))
            uow.commit()
        with ctx.uow_factory() as uow:  # the first loads the model: not timed
            rescore_lead(ctx, uow, ids[0])
            uow.commit()
        profiler = cProfile.Profile() if profile else None
        times, cpus = [], []
        for i in range(runs):
            start, cpu = time.perf_counter(), time.process_time()
            if profiler:
                profiler.enable()
            with ctx.uow_factory() as uow:
                rescore_lead(ctx, uow, ids[i % len(ids)])
                uow.commit()
            if profiler:
                profiler.disable()
            times.append((time.perf_counter() - start) * 1000)
            cpus.append((time.process_time() - cpu) * 1000)
        cpu = statistics.median(cpus)
        if profiler:
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        times.sort()
        print(f"  wall: median {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms, "
              f"max {times[-1]:.2f} ms; CPU median {cpu:.2f} ms, mean {statistics.mean(cpus):.2f} ms per re-score "
              f"(the model loaded before timing)")
        engine.dispose()


def one_opportunity_rescore(runs: int = 200) -> None:
    from leadline.domain.ids import new_id
    from leadline.domain.scoring.interface import ModelVersion
    from leadline.domain.scoring.opportunity import opportunity_features
    from leadline.domain.scoring.records import OPPORTUNITY, StoredModel
    from leadline.services import records
    from leadline.services.opportunities.lifecycle import move_stage
    from leadline.services.scoring.opportunities import rescore_opportunity, stages_of

    print(f"3. one opportunity re-scored ({runs} runs; SQLite file, its own unit of work and commit)")
    with tempfile.TemporaryDirectory() as folder:
        engine, ctx, admin = sqlite_organisation(folder)
        rng = random.Random(1)
        account = records.create_account(ctx, admin.id, {"name": "Acme"}).id
        ids = [records.create_opportunity(ctx, admin.id, {
            "account_id": account, "name": f"Deal {i}", "amount": str(rng.randint(1, 90) * 1000),
            "close_date": "2027-06-30", "lead_source": rng.choice(["Trade show", "Website form", "Phone call"]),
        }).id for i in range(60)]
        for deal in ids[::3]:
            move_stage(ctx, admin.id, deal, "Negotiation")
        with ctx.uow_factory() as uow:
            facts = uow.opportunity_scoring.opportunity_facts(ctx.now(), ids)
            rows = [opportunity_features(f, stages_of(ctx, uow), ctx.now()) for f in facts]
            model = FrequencyModel.fit(rows, [i % 3 == 0 for i in range(60)], outcome_word="won")
            uow.scoring.add_model(StoredModel(new_id(), OPPORTUNITY, ModelVersion("frequency", 1), ctx.now(), 60, 20,
                                              {}, (), model.to_payload()))
            uow.commit()
        times, cpu = [], time.process_time()
        for i in range(runs):
            start = time.perf_counter()
            with ctx.uow_factory() as uow:
                rescore_opportunity(ctx, uow, ids[i % len(ids)])
                uow.commit()
            times.append((time.perf_counter() - start) * 1000)
        cpu = (time.process_time() - cpu) * 1000 / runs
        times.sort()
        print(f"  wall: median {statistics.median(times):.2f} ms, p95 {times[int(len(times) * 0.95)]:.2f} ms, "
              f"max {times[-1]:.2f} ms (the first loads the model); CPU {cpu:.2f} ms per re-score")
        engine.dispose()


def backtest(rows: list[dict[str, Any]], ys: list[bool], truth: list[float], word: str = "converted") -> None:
    cut = int(len(rows) * 0.75)
    test_rows, test_ys = rows[cut:], ys[cut:]
    print(f"4. time-ordered backtest: train {cut:,}, test {len(test_rows):,}")
    choice, _ = timed("Leadline choice on the training rows",
                      lambda: choose_model(rows[:cut], ys[:cut], outcome_word=word))
    candidates: dict[str, Callable[[list[dict[str, Any]]], list[float]]] = {
        f"Leadline ({choice.model.kind})": choice.model.predict,
        "naive Bayes (Odoo-style)": NaiveBayesBaseline(rows[:cut], ys[:cut]).predict,
        "logistic regression": LogisticBaseline(rows[:cut], ys[:cut]).predict,
        "the truth (true probability)": lambda _rows: truth[cut:],
    }
    print(f"  {'model':32} {'ROC AUC':>8} {'PR AUC':>7} {'Brier':>7} {'cal.err':>8} {'lift@10%':>8}")
    for name, predict in candidates.items():
        e = evaluate(predict(test_rows), test_ys)
        print(f"  {name:32} {e.roc_auc:8.3f} {e.pr_auc:7.3f} {e.brier:7.4f} {e.calibration_error:8.4f} "
              f"{e.top_decile_lift:8.2f}")


def few_outcomes(rows: list[dict[str, Any]], ys: list[bool], truth: list[float]) -> None:
    test_rows, test_ys = rows[-20000:], ys[-20000:]
    print(f"5. learning from few outcomes (ROC AUC on the latest {len(test_rows):,} rows; 5 windows each)")
    print(f"  truth's own ROC AUC on them: {roc_auc(truth[-20000:], test_ys):.3f}")
    for size in (20, 50, 200, 1000):
        aucs, chosen = [], []
        for window in range(5):
            start = window * 2000
            train_rows, train_ys = rows[start:start + size], ys[start:start + size]
            if len(set(train_ys)) < 2:
                continue
            choice = choose_model(train_rows, train_ys)
            chosen.append(choice.model.kind)
            aucs.append(roc_auc(choice.model.predict(test_rows), test_ys))
        print(f"  {size:5d} outcomes: ROC AUC mean {statistics.mean(aucs):.3f} "
              f"(min {min(aucs):.3f}, max {max(aucs):.3f}); models {', '.join(sorted(set(chosen)))}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--skip-db", action="store_true", help="Leave out the one-record re-score (3).")
    parser.add_argument("--kind", choices=("leads", "opportunities", "all"), default="leads")
    parser.add_argument("--only-rescore", action="store_true", help="Only the one-lead re-score (3).")
    parser.add_argument("--runs", type=int, default=200, help="Re-scores timed in (3).")
    parser.add_argument("--profile", action="store_true", help="With --only-rescore: cProfile's top functions.")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()}; nproc {os.cpu_count()}")
    if args.only_rescore:
        one_lead_rescore(args.runs, profile=args.profile)
        print(f"load average after: {os.getloadavg()}")
        return
    if args.kind in ("leads", "all"):
        print("== leads")
        rows, ys, truth = table(args.rows, args.seed)
        training_and_scoring(rows, ys)
        if not args.skip_db:
            one_lead_rescore()
        backtest(rows, ys, truth)
        few_outcomes(rows, ys, truth)
    if args.kind in ("opportunities", "all"):
        print("== opportunities")
        rows, ys, truth = opportunity_table(args.rows, args.seed)
        training_and_scoring(rows, ys, "won")
        if not args.skip_db:
            one_opportunity_rescore()
        backtest(rows, ys, truth, "won")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
