"""Query-count budgets: how many SQL statements a use case or a request sends to the database.

The netbox habit (netbox-community/netbox ``utilities/testing/query_counts.py``): a test fails when
reading one lead takes more statements than its budget, or when a list page's statements grow
with its rows (an N+1 query slipped in). Counted are the statements the driver is given: every
statement SQLAlchemy runs on the engine (its ``before_cursor_execute`` event; an executemany is
one statement), plus the lean reads of ``persistence/leads/reads.py`` (docs/adr/0009), which run on a
driver connection outside SQLAlchemy's events and are counted where they run. Transaction
control is not counted: ``COMMIT`` and ``ROLLBACK`` are driver calls, and the ``BEGIN`` SQLite is
sent (psycopg opens PostgreSQL's transactions with the first statement), so one budget holds on
both databases.

Budgets are the counts of today's code: lowering one when a path gets leaner is welcome, raising
one needs a reason in the commit that does it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any
from unittest.mock import patch

from sqlalchemy import Engine, event

from leadline.persistence.leads.reads import RecordReads
from leadline.services import activities, records
from leadline.services.configuration.sales import add_custom_field
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.security.auth import create_token

#: statements per call, warm (the configuration cache filled), on both databases
GET_LEAD_BUDGET = 3  # the lead with its product lines, then its custom values; an open lead with no
# score also asks whether a lead model exists (its score note says why it has none)
CREATE_LEAD_BUDGET = 10  # the duplicate rules' candidates (one UNION ALL of index look-ups), lead, product
# lines, custom values (looked up, then inserted), status change and the lead's status_reach from it
# (ADR 0039), audit, the lead model's look-up (its score, issue 19: one more statement with no model,
# three more with one); after the commit the custom values are read back for the reply


#: the configuration cache's look at the stored version, sent at most once a second whatever the path
#: (services/cache.py): a slow, loaded test run crosses that second at any statement, so it is not
#: part of any path's budget
PERIODIC_VERSION_CHECK = "SELECT configuration_version.version"


@contextmanager
def counted_statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL of every statement sent to ``engine`` inside the block, in order."""
    statements: list[str] = []

    def seen(_connection: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if not statement.startswith(("BEGIN", PERIODIC_VERSION_CHECK)):
            statements.append(statement)

    run_on_driver = RecordReads._run_on_driver  # noqa: SLF001 - where the lean reads meet the driver

    def lean_read(reads: RecordReads, compiled: Any, record_id: int) -> Any:
        statements.append(compiled.sql)
        return run_on_driver(reads, compiled, record_id)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with patch.object(RecordReads, "_run_on_driver", lean_read):
            yield statements
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def statements_of(engine: Engine, call: Callable[[], Any]) -> list[str]:
    """The statements ``call()`` sends to ``engine``."""
    with counted_statements(engine) as statements:
        call()
    return statements


def shown(statements: list[str]) -> str:
    """The statements, one per line, for a failing assertion's message."""
    return "\n".join(f"{number}. {' '.join(sql.split())[:160]}" for number, sql in enumerate(statements, 1))


# what the budgets are measured on: each kind with a custom field set and, for leads, product lines


def lead_values(n: int) -> dict[str, object]:
    return {"last_name": f"Lead {n}", "company": f"Company {n}", "email": f"lead{n}@budget.example",
            "source": "Website form", "budget_amount": "5000"}


LEAD_PRODUCTS = [{"product": "Widget", "quantity": "2"}, {"product": "Gadget", "estimated_unit_price": "10"}]


def add_leads(ctx: ServiceContext, admin_id: int, count: int) -> list[int]:
    return [leads.create_lead(ctx, admin_id, lead_values(n), products=LEAD_PRODUCTS, custom={"note": f"n{n}"}).lead.id
            for n in range(count)]


def add_records(ctx: ServiceContext, admin_id: int, kind: str, count: int) -> list[int]:
    """``count`` accounts, or contacts or opportunities of one account, each with a custom value."""
    if kind == "account":
        return [records.create_account(ctx, admin_id, {"name": f"Account {n}", "custom": {"note": f"n{n}"}}).id
                for n in range(count)]
    account = records.create_account(ctx, admin_id, {"name": f"Home of {kind}s"}).id
    if kind == "contact":
        return [records.create_contact(ctx, admin_id, {"account_id": account, "last_name": f"Contact {n}",
                                                       "custom": {"note": f"n{n}"}}).id for n in range(count)]
    return [records.create_opportunity(ctx, admin_id, {"account_id": account, "name": f"Deal {n}", "amount": "100",
                                                       "custom": {"note": f"n{n}"}}).id for n in range(count)]


def prepare(ctx: ServiceContext, admin_id: int) -> None:
    """A text custom field ``note`` on every record type, and the configuration cache kept until a
    write of this process clears it (not for a second only), so that a slow machine does not
    count a reload of the configuration in a request."""
    ctx.cache.ttl = 3600.0
    for kind in ("lead", "account", "contact", "opportunity"):
        add_custom_field(ctx, admin_id, kind, "note", "Note", "text")


def lead_with_activities(ctx: ServiceContext, admin_id: int, count: int) -> int:
    lead_id = add_leads(ctx, admin_id, 1)[0]
    for n in range(count):
        activities.log_activity(ctx, admin_id, kind="call", subject=f"Call {n}", links=[("lead", lead_id)])
    return lead_id


# web pages: the same budgets through the pages a browser asks for (tests/e2e/test_web_query_budgets.py)


def signed_in_cookies(ctx: ServiceContext, user_id: int) -> dict[str, str]:
    """The session cookie of ``user_id`` signed in to the web pages (as the sign-in form sets it)."""
    token, info = create_token(ctx, user_id, name="web budget", expires_in_days=None, hours=1)
    return {"leadline_session": f"{info.id}.{token}"}


def page_statements(engine: Engine, client: Any, path: str) -> list[str]:
    """The statements of one web page asked for with ``client`` (checked to answer 200), warm:
    the page is asked for once first so that the caches are filled."""
    for _ in range(2):
        with counted_statements(engine) as statements:
            answer = client.get(path)
        assert answer.status_code == 200, f"{path}: {answer.status_code} {answer.text[:300]}"
    return statements


def lead_with_history(ctx: ServiceContext, admin_id: int, count: int) -> int:
    """A lead with ``count`` activities and ``count`` field changes in its history."""
    lead_id = lead_with_activities(ctx, admin_id, count)
    for n in range(count):
        leads.update_lead(ctx, admin_id, lead_id, {"title": f"Title {n}"})
    return lead_id
