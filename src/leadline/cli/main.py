"""The ``leadline`` command: set up a database, load demo data, and work the records."""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from leadline.cli import assignment, campaigns, duplicates, record_edits, records, scoring
from leadline.cli import capture as lead_capture
from leadline.cli import conversion as lead_conversion
from leadline.cli.common import (
    AS_OPTION,
    JSON_OPTION,
    actor_id,
    application,
    fail,
    handle_errors,
    is_interactive,
    whole_number,
)
from leadline.cli.configuration import admin as configuration
from leadline.cli.configuration import lead_workflow as workflow
from leadline.cli.forecast import reports as forecast
from leadline.cli.forecast import settings as forecast_settings
from leadline.cli.imports import leads as imports
from leadline.cli.lazy import lazy_module
from leadline.cli.leads import records as leads
from leadline.cli.leads import workflow as lead_workflow
from leadline.cli.opportunities import parts as opportunity_parts
from leadline.cli.opportunities import sales as opportunity_sales
from leadline.cli.output import console, print_json, print_table
from leadline.cli.reports import commands as report_commands
from leadline.cli.security import rights, sign_in, users
from leadline.cli.security import tokens as security
from leadline.domain.errors import ValidationError

if TYPE_CHECKING:
    from leadline.services.configuration import setup as organisation_setup
else:
    organisation_setup = lazy_module("leadline.services.configuration.setup")

app = typer.Typer(
    name="leadline",
    help="Leadline: a self-hosted lead-to-deal CRM engine. Settings come from LEADLINE_* variables.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
)
lead_workflow.register(leads.app)
lead_conversion.register(leads.app)
app.add_typer(leads.app, name="lead")
leads.app.command("assign")(assignment.assign)
app.add_typer(campaigns.campaign_app, name="campaign")
app.add_typer(assignment.assignment_app, name="assignment")
record_edits.register(records.account_app, records.contact_app)
app.add_typer(records.account_app, name="account")
app.add_typer(records.contact_app, name="contact")
opportunity_sales.register(records.opportunity_app)
opportunity_parts.register(records.opportunity_app)
app.add_typer(records.opportunity_app, name="opportunity")
app.add_typer(opportunity_parts.product_app, name="product")
app.add_typer(forecast.forecast_app, name="forecast")
app.add_typer(forecast_settings.quota_app, name="quota")
app.add_typer(forecast_settings.rate_app, name="rate")
app.add_typer(report_commands.report_app, name="report")
app.add_typer(scoring.score_app, name="score")
app.add_typer(configuration.status_app, name="status")
app.add_typer(configuration.source_app, name="source")
app.add_typer(configuration.stage_app, name="stage")
app.add_typer(configuration.field_app, name="field")
app.add_typer(workflow.workflow_app, name="workflow")
app.add_typer(workflow.reason_app, name="reason")
app.add_typer(workflow.criteria_app, name="criteria")
app.add_typer(workflow.mapping_app, name="mapping")
users.app.command("set-password")(handle_errors(security.set_password_command))
app.add_typer(users.app, name="user")
app.add_typer(security.token_app, name="token")
app.add_typer(security.sharing_app, name="sharing")
app.add_typer(rights.role_app, name="role")
app.add_typer(sign_in.lockout_app, name="lockout")
app.add_typer(imports.app, name="import")
app.add_typer(lead_capture.form_app, name="form")
app.add_typer(lead_capture.capture_app, name="capture")
app.add_typer(duplicates.duplicates_app, name="duplicates")
app.add_typer(duplicates.merge_app, name="merge")
app.add_typer(duplicates.export_app, name="export")


@app.command("init")
@handle_errors
def init(
    admin_email: str = typer.Option(None, envvar="LEADLINE_ADMIN_EMAIL", help="E-mail of the first admin."),
    admin_name: str = typer.Option(None, envvar="LEADLINE_ADMIN_NAME", help="Name of the first admin."),
) -> None:
    """Create or upgrade the database, seed the default configuration, create the first admin.

    Safe to run again. Prompts for the admin only in a terminal, when none exists and none is given;
    without a terminal it then fails (exit 2) naming --admin-email / LEADLINE_ADMIN_EMAIL. Once an
    admin exists, init keeps it and adds no other (add one with `leadline user add --role admin`).

    Example: leadline init --admin-email ada@example.com --admin-name "Ada Admin"
    """
    app_ = application()
    before, after = app_.upgrade_database()
    needs_admin = not admin_email and _no_admin()
    if needs_admin and is_interactive():
        admin_email = typer.prompt("E-mail of the first admin")
        admin_name = typer.prompt("Name of the first admin", default=admin_email.split("@")[0])
    result = organisation_setup.initialise_organisation(app_.context, admin_name=admin_name, admin_email=admin_email)
    database = app_.settings.resolved_database_url.split("@")[-1]
    typer.echo(f"database {database}: schema {before or 'empty'} -> {after}")
    for item in result.seeded:
        typer.echo(f"created {item}" + (f": {result.admin.email}" if item == "first admin" and result.admin else ""))
    if result.admin is None:
        raise ValidationError("no admin exists and there is no terminal to ask for one: pass --admin-email "
                              "(and --admin-name) or set LEADLINE_ADMIN_EMAIL (and LEADLINE_ADMIN_NAME)",
                              field="admin_email")
    if not result.admin_created:
        declined = f"; {result.admin_not_added} not added (init adds only the first admin: use " \
                   f"`leadline user add --role admin`)" if result.admin_not_added else ""
        typer.echo(f"admin exists: kept {result.admin.email}; no admin created{declined}")


def _no_admin() -> bool:
    from leadline.services.security.users import first_admin

    return first_admin(application().context) is None


@app.command("demo")
@handle_errors
def demo(
    leads_count: int = typer.Option(400, "--leads", parser=whole_number(10, 100_000), help="How many leads to create."),
    seed: int = typer.Option(7, parser=whole_number(), help="Random seed: the same seed gives the same organisation."),
    if_empty: bool = typer.Option(False, "--if-empty", help="Do nothing (successfully) if leads exist already."),
) -> None:
    """Load a realistic demo organisation: a sales team, 18 months of leads from every source in
    every status, about 13 % of them converted into accounts, contacts and opportunities that moved
    through their stages and were won or lost, products, activities and this quarter's quotas;
    then train the lead and opportunity scoring models on it (as `leadline score train`).

    Example: leadline demo --leads 400
    """
    from leadline.services.demo.organisation import load_demo

    app_ = application()
    app_.upgrade_database()
    organisation_setup.initialise_organisation(app_.context, admin_name="Ada Admin",
                            admin_email=os.environ.get("LEADLINE_ADMIN_EMAIL", "admin@leadline.example"))
    report = load_demo(app_.context, leads=leads_count, seed=seed, only_if_empty=if_empty)
    if report is None:
        typer.echo("demo: the database already holds leads; left as it is")
        return
    typer.echo(f"demo: {report}")
    from leadline.cli.scoring import train_kinds
    from leadline.services.security.users import first_admin

    admin = first_admin(app_.context)
    if admin is not None:
        train_kinds(app_.context, admin.id, ("leads", "opportunities"))


@app.command("pipeline")
@handle_errors
def pipeline(as_json: bool = JSON_OPTION, acting_as: str = AS_OPTION) -> None:
    """Summarise the funnel: leads by status, and open pipeline by stage (amount and weighted).

    Example: leadline pipeline
    """
    from leadline.analytics.pipeline import pipeline_summary

    summary = pipeline_summary(application().context, actor_id(acting_as))
    if as_json:
        print_json({"leads_by_status": [{"status": s, "kind": k, "count": c} for s, k, c in summary.leads_by_status],
                    "stages": summary.stages,
                    "open_totals": {currency: {"amount": amount, "weighted": weighted}
                                    for currency, (amount, weighted) in summary.open_totals().items()}})
        return
    print_table(f"Leads by status ({summary.lead_total})", ["status", "kind", "leads"], summary.leads_by_status)
    print_table("Opportunities by stage", ["process", "stage", "outcome", "currency", "count", "amount", "weighted"],
                [(s.process, s.stage, s.outcome, s.currency, s.count, s.amount, s.weighted) for s in summary.stages])
    for currency, (amount, weighted) in sorted(summary.open_totals().items()):
        console.print(f"Open pipeline {currency}: {amount:,.2f}  weighted {weighted:,.2f}")


@app.command("serve")
@handle_errors
def serve(
    host: str = typer.Option(None, help="Address to bind; default LEADLINE_HOST (127.0.0.1)."),
    port: int = typer.Option(None, parser=whole_number(), help="Port; default LEADLINE_PORT (8000)."),
    workers: int = typer.Option(None, parser=whole_number(), help="Worker processes; default LEADLINE_WORKERS (2)."),
    threads: int = typer.Option(None, parser=whole_number(1, 8),
                                help="Threads per worker for writes; default LEADLINE_THREADS (2)."),
    login_token: bool = typer.Option(False, "--login-token", help="Print a new 1-day API token for the first admin."),
) -> None:
    """Start the HTTP server: the web application at /, the API at /api/v1 (OpenAPI at
    /api/v1/openapi.json, docs at /api/v1/docs).

    Example: leadline serve --port 8000 --workers 2
    """
    import uvicorn

    from leadline.config import get_settings

    if threads:  # the app factory reads its settings afresh: in this process (one worker) or a new one
        os.environ["LEADLINE_THREADS"] = str(threads)
        get_settings.cache_clear()
    app_ = application()
    app_.ensure_ready()
    settings = app_.settings
    host, port, workers = host or settings.host, port or settings.port, workers or settings.workers
    typer.echo(f"Leadline API on http://{host}:{port}/api/v1 (docs: http://{host}:{port}/api/v1/docs)")
    typer.echo(f"Leadline web application on http://{host}:{port}/ (sign in with a user's e-mail and password)")
    if login_token:
        from leadline.services.security.auth import create_token

        admin = actor_id(None)
        token, info = create_token(app_.context, admin, name="leadline serve --login-token", expires_in_days=1)
        typer.echo(f"log in as the first admin with this API token (valid until {info.expires_at:%Y-%m-%d %H:%M} UTC):")
        typer.echo(f"  curl -H 'Authorization: Bearer {token}' http://{host}:{port}/api/v1/leads")
    counters = None
    if settings.rate_limit_store is None:  # the workers share one rate-limit file (docs/adr/0012)
        counters = tempfile.mkdtemp(prefix="leadline-rate-")
        os.environ["LEADLINE_RATE_LIMIT_STORE"] = str(Path(counters) / "counters.db")
        get_settings.cache_clear()
    try:
        # the connection limits and timeouts (header size and count, slow headers and bodies) are the
        # protocol's (api/server.py); an idle kept-alive connection closes after 5 s
        uvicorn.run("leadline.asgi:create_app_from_environment", factory=True, host=host, port=port,
                    workers=workers, log_level="warning", access_log=False, proxy_headers=False,
                    http="leadline.api.server:BoundedHttpProtocol", timeout_keep_alive=5, server_header=False)
    finally:
        if counters is not None:
            shutil.rmtree(counters, ignore_errors=True)


forecast.register(app)
forecast_settings.register(app)


#: The exit code of a command whose output was closed early (``leadline lead list --json | head``),
#: with nothing printed: Click's own for a closed pipe met inside a command (it stops writing and
#: exits 1), and ours for one met by the last flush.
EXIT_OUTPUT_CLOSED = 1


def run() -> None:
    """The ``leadline`` command. A reader that stops reading (``| head``) ends it quietly: commands
    let ``BrokenPipeError`` through (``handle_errors``) and nothing reports it."""
    try:
        try:
            app()
        finally:
            sys.stdout.flush()  # a closed pipe shows here, not as a warning at interpreter exit
    except KeyboardInterrupt:
        fail("interrupted", 130)
    except BrokenPipeError:
        # whatever is still buffered goes nowhere: Python's own last flush must not complain
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        sys.exit(EXIT_OUTPUT_CLOSED)


if __name__ == "__main__":
    run()
