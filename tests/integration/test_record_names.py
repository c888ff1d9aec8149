"""The names of records a page refers to by id (services/record_names.py), on SQLite and
PostgreSQL: one statement per kind however many records of it are named, none of a record the
actor may not read, a merged record by its survivor's name."""

from __future__ import annotations

from sqlalchemy import Engine

from leadline.services import records
from leadline.services.campaigns.records import create_campaign
from leadline.services.context import ServiceContext
from leadline.services.duplicates.merge import merge_records
from leadline.services.leads.records import create_lead
from leadline.services.record_names import record_names
from leadline.services.security.sharing import set_sharing
from leadline.services.security.users import add_user
from tests.query_counts import shown, statements_of


def _named(ctx: ServiceContext, admin_id: int, size: int) -> set[tuple[str, int]]:
    """``size`` records of each kind a history names."""
    wanted: set[tuple[str, int]] = set()
    for n in range(size):
        account = records.create_account(ctx, admin_id, {"name": f"Account {size}.{n}"}).id
        wanted |= {("account", account),
                   ("contact", records.create_contact(ctx, admin_id, {"account_id": account, "first_name": "Ada",
                                                                      "last_name": f"Contact {n}"}).id),
                   ("opportunity", records.create_opportunity(ctx, admin_id, {"account_id": account,
                                                                              "name": f"Deal {n}"}).id),
                   ("lead", create_lead(ctx, admin_id, {"last_name": f"Lead {n}", "company": "Co"}).lead.id),
                   ("campaign", create_campaign(ctx, admin_id, {"name": f"Campaign {size}.{n}",
                                                                "type": "webinar"}).id)}
    return wanted


def test_each_kind_is_named_with_one_statement_however_many_records_of_it_are_named(
        ctx: ServiceContext, engine: Engine, admin_id: int) -> None:
    ctx.cache.ttl = 3600.0  # a slow machine must not count a reload of the configuration
    one, eight = _named(ctx, admin_id, 1), _named(ctx, admin_id, 8)
    record_names(ctx, admin_id, one)  # the caches filled

    few = statements_of(engine, lambda: record_names(ctx, admin_id, one))
    names: dict[tuple[str, int], str] = {}
    many = statements_of(engine, lambda: names.update(record_names(ctx, admin_id, eight)))

    assert len(many) == len(few) <= 5, shown(many)
    assert len(names) == len(eight) == 40
    assert sorted(name for (kind, _), name in names.items() if kind == "contact")[:2] == [
        "Ada Contact 0", "Ada Contact 1"]
    assert statements_of(engine, lambda: record_names(ctx, admin_id, [])) == []


def test_no_record_the_actor_may_not_read_is_named(ctx: ServiceContext, admin_id: int) -> None:
    for kind in ("lead", "account"):
        set_sharing(ctx, admin_id, kind, "private")
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    other = add_user(ctx, admin_id, name="Other", email="other@example.com").id
    own, hidden = (records.create_account(ctx, owner, {"name": f"Of {owner}"}).id for owner in (rep, other))
    own_lead, hidden_lead = (create_lead(ctx, owner, {"last_name": f"Lead of {owner}", "company": "Co"}).lead.id
                             for owner in (rep, other))
    campaign = create_campaign(ctx, admin_id, {"name": "Spring webinar", "type": "webinar"}).id

    names = record_names(ctx, rep, [("account", own), ("account", hidden), ("lead", own_lead),
                                    ("lead", hidden_lead), ("campaign", campaign), ("account", 999_999)])

    assert names == {("account", own): f"Of {rep}", ("lead", own_lead): f"Lead of {rep}",
                     ("campaign", campaign): "Spring webinar"}


def test_a_merged_record_is_named_by_its_survivor_when_the_actor_may_read_it(
        ctx: ServiceContext, admin_id: int) -> None:
    keep = records.create_account(ctx, admin_id, {"name": "Acme"}).id
    gone = records.create_account(ctx, admin_id, {"name": "ACME Inc"}).id
    merge_records(ctx, admin_id, "account", [keep, gone], keep=keep, fields={"name": keep})
    set_sharing(ctx, admin_id, "account", "private")
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com").id

    assert records.get_record(ctx, admin_id, "account", gone).name == "Acme"  # by id: its survivor answers
    assert record_names(ctx, admin_id, [("account", gone)]) == {("account", gone): "Acme"}
    assert record_names(ctx, rep, [("account", gone)]) == {}
