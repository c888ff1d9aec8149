"""``leadline score train|leads|opportunities|evaluate|backtest|show|models|list``: predictive lead scoring.

Retrain nightly with cron, e.g. ``15 2 * * * leadline score train``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadline.cli.common import AS_OPTION, JSON_OPTION, actor_id, handle_errors, ready_application
from leadline.cli.lazy import lazy_module
from leadline.cli.output import console, error_console, print_json, print_table
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.scoring import backtest, table
    from leadline.services.context import ServiceContext
    from leadline.services.scoring import models, opportunities, reads, scores
    from leadline.services.scoring import opportunity_reads as opportunities_reads
else:
    opportunities = lazy_module("leadline.services.scoring.opportunities")
    backtest = lazy_module("leadline.scoring.backtest")
    table = lazy_module("leadline.scoring.table")
    models = lazy_module("leadline.services.scoring.models")
    reads = lazy_module("leadline.services.scoring.reads")
    scores = lazy_module("leadline.services.scoring.scores")
    opportunities_reads = lazy_module("leadline.services.scoring.opportunity_reads")

score_app = typer.Typer(help="Predictive lead and opportunity scoring: train, score, evaluate, backtest.",
                        no_args_is_help=True)
KINDS = ("all", "leads", "opportunities")
KIND_OPTION = typer.Option("all", "--kind", help="leads, opportunities, or all (both).")


def _kinds(kind: str) -> tuple[str, ...]:
    if kind not in KINDS:
        raise ValidationError(f"{kind!r} is not a kind of scoring; use one of {', '.join(KINDS)}", field="kind")
    return ("leads", "opportunities") if kind == "all" else (kind,)


@score_app.command("train")
@handle_errors
def train(kind: str = KIND_OPTION, acting_as: str | None = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Train the next lead model (on the leads that have had their chance) and the next opportunity
    model (on the closed opportunities), and re-score every open lead and opportunity. With both
    kinds, one without enough outcomes is skipped with the reason; alone, it is refused.

    Example: leadline score train --kind opportunities
    """
    kinds = _kinds(kind)
    results = train_kinds(ready_application().context, actor_id(acting_as), kinds, quiet=as_json)
    if as_json:
        print_json(results if len(kinds) > 1 else results[kinds[0]])


def train_kinds(context: ServiceContext, actor: int, kinds: tuple[str, ...], *,
                quiet: bool = False) -> dict[str, object]:
    """Train each of ``kinds`` ("leads", "opportunities") and say what became of it (unless
    ``quiet``); with both, one without enough outcomes is skipped with the reason. Used by
    ``score train`` and by ``leadline demo``, whose organisation is scored once loaded."""
    results: dict[str, object] = {}
    for chosen in kinds:
        trainer = models.train_lead_model if chosen == "leads" else opportunities.train_opportunity_model
        try:
            trained = trainer(context, actor)
        except ValidationError as error:
            if len(kinds) == 1 or error.field != "outcomes":
                raise
            results[chosen] = {"skipped": str(error)}
            if not quiet:
                console.print(f"{chosen}: skipped: {error}", highlight=False)
            continue
        m = trained.model
        results[chosen] = {"version": str(m.version), "outcomes": m.outcomes, "positives": m.positives,
                           "backtest": m.backtest, "notes": list(m.notes), "scored": trained.scored}
        if not quiet:
            word = "converted" if chosen == "leads" else "won"
            console.print(f"{chosen} model {m.version}: {m.outcomes} outcomes ({m.positives} {word}); "
                          f"{trained.scored} open {chosen} scored", highlight=False)
            for candidate, auc in m.backtest.items():
                console.print(f"  backtest {candidate}: ROC AUC {auc:.3f}", highlight=False)
            for note in m.notes:
                console.print(f"  {note}", highlight=False)
    return results


@score_app.command("leads")
@handle_errors
def score_leads(acting_as: str | None = AS_OPTION) -> None:
    """Score every open lead again with the current model.

    Example: leadline score leads
    """
    _print_rescored("leads", scores.score_leads(ready_application().context, actor_id(acting_as)))


@score_app.command("opportunities")
@handle_errors
def score_opportunities(acting_as: str | None = AS_OPTION) -> None:
    """Score every open opportunity again with the current opportunity model.

    Example: leadline score opportunities
    """
    _print_rescored("opportunities", opportunities.score_opportunities(ready_application().context,
                                                                      actor_id(acting_as)))


def _print_rescored(kind: str, done: scores.Rescored) -> None:
    console.print(f"{done.count} open {kind} scored with {done.version}", highlight=False)
    if done.problem:
        error_console.print(f"warning: {done.problem}")


@score_app.command("show")
@handle_errors
def show(lead_id: int = typer.Argument(..., help="The lead's id."), acting_as: str | None = AS_OPTION,
         as_json: bool = JSON_OPTION) -> None:
    """A lead's score, how sure it is, the model version, and the reasons up and down.

    Example: leadline score show 123456
    """
    found, why = reads.get_lead_score_or_reason(ready_application().context, actor_id(acting_as), lead_id)
    if found is None:
        if as_json:
            print_json({"lead_id": lead_id, "score": None, "score_note": why})
        else:
            console.print(f"not scored: {why}", highlight=False)
        return
    if as_json:
        print_json({"lead_id": found.lead_id, "score": found.score, "confident": found.confident,
                    "model_version": found.model_version, "scored_at": found.scored_at,
                    "up": [r.text for r in found.up], "down": [r.text for r in found.down]})
        return
    sure = "" if found.confident else " (low confidence: little data)"
    console.print(f"score {found.score}{sure}, model {found.model_version}", highlight=False)
    for r in found.up:
        console.print(f"  + {r.text}", highlight=False, markup=False)
    for r in found.down:
        console.print(f"  - {r.text}", highlight=False, markup=False)


@score_app.command("models")
@handle_errors
def list_models(kind: str = KIND_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Every stored lead and opportunity model, the one in use first.

    Example: leadline score models --kind opportunities
    """
    kinds, context = _kinds(kind), ready_application().context
    results: dict[str, object] = {}
    for chosen in kinds:
        found = (reads.list_models(context) if chosen == "leads"
                 else opportunities_reads.list_opportunity_models(context))
        rows = [[str(m.version), m.trained_at.isoformat(timespec="seconds"), m.outcomes, m.positives,
                 ", ".join(f"{k} {v:.3f}" for k, v in m.backtest.items())] for m in found]
        results[chosen] = [dict(zip(["version", "trained_at", "outcomes", "positives", "backtest"], r, strict=True))
                           for r in rows]
        if not as_json:
            word = "converted" if chosen == "leads" else "won"
            title = "lead models" if chosen == "leads" else "opportunity models"
            print_table(title, ["version", "trained at", "outcomes", word, "backtest ROC AUC"], rows)
    if as_json:
        print_json(results if len(kinds) > 1 else results[kinds[0]])


# ``list``, as every other group names it (``lead list``, ``campaign list``, ...)
score_app.command("list", help="The same as `leadline score models`: every stored lead and opportunity model, "
                  "the one in use first.\n\nExample: leadline score list --json")(list_models)


@score_app.command("evaluate")
@handle_errors
def evaluate(kind: str = KIND_OPTION, acting_as: str | None = AS_OPTION, as_json: bool = JSON_OPTION) -> None:
    """Backtest the models on the organisation's history: fitted on the earlier 75 % of outcomes,
    measured on the latest 25 %. Opportunities (closed ones, by close) are reported for Leadline's
    model, the naive-Bayes frequency baseline and a logistic regression in the same run.

    Example: leadline score evaluate --kind opportunities
    """
    kinds, context, actor = _kinds(kind), ready_application().context, actor_id(acting_as)
    results: dict[str, object] = {}
    for chosen in kinds:
        try:
            results[chosen] = (_evaluate_leads(context, actor, as_json) if chosen == "leads"
                               else _evaluate_opportunities(context, actor, as_json))
        except ValidationError as error:
            if len(kinds) == 1 or error.field != "outcomes":
                raise
            results[chosen] = {"skipped": str(error)}
            if not as_json:
                console.print(f"{chosen}: skipped: {error}", highlight=False)
    if as_json:
        print_json(results if len(kinds) > 1 else results[kinds[0]])


def _evaluate_leads(context: object, actor: int, as_json: bool) -> dict[str, object]:
    return _evaluated("leads", models.evaluate_lead_model(context, actor), "converted", as_json)  # type: ignore[arg-type]


def _evaluate_opportunities(context: object, actor: int, as_json: bool) -> dict[str, object]:
    report = opportunities.evaluate_opportunity_model(context, actor)  # type: ignore[arg-type]
    return _evaluated("opportunities", report, "won", as_json)


def _evaluated(kind: str, report: backtest.Backtest, word: str, as_json: bool) -> dict[str, object]:
    """The backtest of one kind: Leadline's model beside both baselines, as JSON or lines."""
    prepared = table.Table([], report.test_outcomes, None, word, {})
    found = {**backtest.as_json(prepared, report), "rows": report.train_rows + report.test_rows}
    found.pop("features", None)
    if not as_json:
        console.print(f"{kind}:")
        console.print(f"  train {report.train_rows}, test {report.test_rows}; split: {report.split}", highlight=False)
        for name, e in report.results.items():
            console.print(f"  {name}: ROC AUC {e.roc_auc:.3f}, PR AUC {e.pr_auc:.3f}, Brier {e.brier:.4f}, "
                          f"calibration error {e.calibration_error:.3f}, lift@10% {e.top_decile_lift:.2f}",
                          highlight=False)
        for note in report.notes:
            console.print(f"  note: {note}", highlight=False)
    return found


@score_app.command("backtest")
@handle_errors
def backtest_file(
    file: Path = typer.Argument(..., help="A CSV of past records with a header row."),
    target: str = typer.Option(..., "--target", help="The column holding the outcome."),
    time: str | None = typer.Option(None, "--time", help="A column of ISO dates: split by time (else stratified)."),
    positive: str | None = typer.Option(None, "--positive", help="The outcome value counted as positive."),
    png: Path | None = typer.Option(None, "--png", help="Write ROC and calibration plots into this folder."),
    min_age: int | None = typer.Option(None, "--min-age", help="Leave out the rows within DAYS of the latest time "
                                       "(with --time): too recent to have had their chance.", metavar="DAYS"),
    as_json: bool = JSON_OPTION,
) -> None:
    """Backtest Leadline's model, a naive-Bayes frequency model and a logistic regression on any table.

    Columns naming a person, company or contact point, ids, leaks and dates are excluded and named.
    With --time, --min-age 180 leaves out the rows too recent to have had their chance.

    Example: leadline score backtest old-crm.csv --target converted --time created_at --positive yes
    """
    try:
        columns, records = table.read_csv(file)
        prepared = table.prepare(columns, records, target, time=time, positive=positive,
                                 min_age_days=min_age)
        report = backtest.run_backtest(prepared)
    except table.TableError as error:
        raise ValidationError(str(error), field=error.field) from error
    try:
        plots = [] if png is None else backtest.write_plots(report, png, file.stem)
    except OSError as error:
        raise ValidationError(f"cannot write plots into {png}: {error.strerror or error}", field="png") from None
    if as_json:
        print(json.dumps(backtest.as_json(prepared, report), indent=2))
    else:
        print(backtest.render(prepared, report))
    for path in plots:
        console.print(f"wrote {path}", highlight=False)
