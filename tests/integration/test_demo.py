"""The demo organisation shows every part of the process, built through the use cases."""

from __future__ import annotations

from datetime import timedelta

import pytest

from leadline.analytics.pipeline import pipeline_summary
from leadline.domain.errors import ConflictError
from leadline.domain.queries import LeadQuery, Page, RecordQuery
from leadline.services import configuration, demo, sales_configuration
from leadline.services.context import ServiceContext


def test_the_demo_covers_every_source_status_and_stage_over_eighteen_months(
    ctx: ServiceContext, admin_id: int
) -> None:
    report = demo.load_demo(ctx, leads=200, seed=3)
    assert report is not None and report.leads == 200
    with ctx.uow_factory() as uow:
        leads = uow.leads.list(LeadQuery(), Page(limit=500))
        opportunities = uow.opportunities.list(RecordQuery(), Page(limit=500))
        accounts = uow.accounts.list(RecordQuery(), Page(limit=500))
        contacts = uow.contacts.list(RecordQuery(), Page(limit=500))
        team = uow.users.list()
    assert {lead.source_id for lead in leads} == {s.id for s in configuration.list_sources(ctx)}
    assert {lead.status_id for lead in leads} == {s.id for s in configuration.list_statuses(ctx)}
    assert {o.stage_id for o in opportunities} == {s.id for s in sales_configuration.list_stages(ctx)}
    assert {o.outcome.value for o in opportunities} == {"open", "won", "lost"}
    per_account = [sum(c.account_id == a.id for c in contacts) for a in accounts]
    assert min(per_account) >= 2
    span = max(lead.created_at for lead in leads) - min(lead.created_at for lead in leads)
    assert timedelta(days=365) < span <= timedelta(days=18 * 31)
    managers = {u.manager_id for u in team if u.manager_id}
    assert len(managers) >= 3  # a hierarchy of at least three levels of management
    assert sum(count for _, _, count in pipeline_summary(ctx, admin_id).leads_by_status) == 200


def test_the_demo_refuses_a_database_that_holds_leads_unless_asked_to_skip(
    ctx: ServiceContext, admin_id: int
) -> None:
    demo.load_demo(ctx, leads=20, seed=1)
    with pytest.raises(ConflictError):
        demo.load_demo(ctx, leads=20, seed=1)
    assert demo.load_demo(ctx, leads=20, seed=1, only_if_empty=True) is None
