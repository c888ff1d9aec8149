"""On SQLite and PostgreSQL: saved views are stored and read back per user (the unique name
backed by the table), the created filter of the leads list, and a bulk change all or nothing."""

from __future__ import annotations

from datetime import date

from leadline.domain.errors import ConflictError
from leadline.domain.ids import new_id
from leadline.domain.queries import Page
from leadline.domain.saved_views import LeadViewFilters, SavedView, ViewList
from leadline.services import saved_views as views
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.leads.bulk import bulk_assign_owner, bulk_change_status
from leadline.services.leads.list_filters import lead_query_of
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.unit.builders import raises_error

FILTERS = LeadViewFilters.parse(status=["Open", "Contacted"], owner=["ada@example.com"], rating=["warm"],
                                created_from="2026-02-01", created_to="2026-02-28", q="o'brien", sort="-updated_at")


def test_a_view_is_stored_and_read_back_for_its_user_alone(ctx: ServiceContext, admin_id: int) -> None:
    rep = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id
    saved = views.save_view(ctx, admin_id, "leads", "Février", FILTERS)
    views.save_view(ctx, rep, "leads", "Février", LeadViewFilters())

    assert views.get_view(ctx, admin_id, saved.id) == saved
    assert [v.filters for v in views.list_views(ctx, admin_id, "leads")] == [FILTERS]
    views.delete_view(ctx, admin_id, saved.id)
    assert views.list_views(ctx, admin_id, "leads") == []
    assert [v.user_id for v in views.list_views(ctx, rep, "leads")] == [rep]


def test_the_table_refuses_a_second_view_of_the_same_name(ctx: ServiceContext, admin_id: int) -> None:
    views.save_view(ctx, admin_id, "leads", "Hot", FILTERS)
    with raises_error(ConflictError, code="CONFLICT", field=None), ctx.uow_factory() as uow:
        uow.saved_views.add(SavedView(new_id(), admin_id, ViewList.LEADS, "Hot", FILTERS, ctx.now()))
        uow.commit()


def test_the_created_days_filter_the_list_both_ends_included(ctx: ServiceContext, admin_id: int,
                                                             clock: FakeClock) -> None:
    made = {}
    for day in (1, 2, 3):
        clock.now = clock.now.replace(month=2, day=day, hour=23, minute=59)
        made[day] = leads.create_lead(ctx, admin_id, {"last_name": f"Day{day}", "company": "Co"}).lead.id

    filters = LeadViewFilters(created_from=date(2026, 2, 2), created_to=date(2026, 2, 3))
    rows = leads.list_leads(ctx, admin_id, lead_query_of(ctx, filters), Page.parse(50, "created_at"))

    assert [d.lead.id for d in rows] == [made[2], made[3]]


def test_a_bulk_change_keeps_all_or_nothing(ctx: ServiceContext, admin_id: int) -> None:
    rep = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com").id
    chosen = [leads.create_lead(ctx, admin_id, {"last_name": n, "company": "Co"}).lead.id for n in ("A", "B")]

    assert bulk_assign_owner(ctx, admin_id, chosen, "sam@example.com").changed == chosen
    refused = bulk_change_status(ctx, rep, [*chosen, 1], "Contacted")  # 1: no such lead

    assert [(r.lead_id, r.code) for r in refused.refused] == [(1, "NOT_FOUND")] and not refused.committed
    assert {leads.get_lead(ctx, rep, lead).status.label for lead in chosen} == {"Open"}
    assert bulk_change_status(ctx, rep, chosen, "Contacted").changed == chosen
    assert {leads.get_lead(ctx, rep, lead).status.label for lead in chosen} == {"Contacted"}
