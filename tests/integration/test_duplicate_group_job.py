"""The duplicate-group job (streamed through temporary files, block by block) against the plain
in-memory grouping, on SQLite and PostgreSQL: on a fixed set of generated leads with planted
duplicates and one last name at one company in more than two windows, plus contacts and
accounts, the stored groups, their scores and reasons are those of ``find_groups`` over every
record read at once; a few are pinned by hand."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.groups import MAX_BLOCK, DuplicateGroup, find_groups
from leadline.domain.leads.lead import Lead
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import rules_in_force
from leadline.services.duplicates.groups import find_duplicate_groups, list_duplicate_groups
from leadline.services.duplicates.similarity import rapidfuzz_similarity
from leadline.synthetic import generate_leads

FIRST_NAMES = ["Ann", "Anne", "Bob", "Robert", "Cleo", "Dan", "Dana", "Eve", "Evie", "Zed"]


def planted(batch: list[Lead]) -> list[Lead]:
    """The batch with 2.5 windows of one last name at one company (near-duplicate first names
    among them, one company spelled differently) and a pair sharing only a phone extension."""
    leads = list(batch)
    for i in range(MAX_BLOCK * 5 // 2):
        leads[i] = replace(leads[i], first_name=FIRST_NAMES[i % len(FIRST_NAMES)], last_name="Okafor",
                           company="Northwind Traders" if i % 7 else "Northwind Traders Ltd",
                           email=f"okafor{i}@northwind.example", phone=None)
    leads[200] = replace(leads[200], phone="+442071234567", email="one@elsewhere.example")
    leads[201] = replace(leads[201], phone="+442071234567;ext=12", email="two@elsewhere.example")
    return leads


def stored(ctx: ServiceContext, admin_id: int, kind: RecordType) -> list[DuplicateGroup]:
    return sorted((g for _, g in list_duplicate_groups(ctx, admin_id, kind.value, limit=100_000)),
                  key=lambda g: g.record_ids)


def in_memory(ctx: ServiceContext, kind: RecordType) -> list[DuplicateGroup]:
    with ctx.reader() as uow:
        return find_groups(rules_in_force(ctx, uow), list(uow.duplicates.all_candidates(kind)), rapidfuzz_similarity)


def comparable(groups: list[DuplicateGroup]) -> list[tuple[tuple[int, ...], int, frozenset[str]]]:
    # the order of a group's reasons follows the order its pairs were compared in; main's
    # in-memory grouping visits its blocks in an order that changes with the string hash seed
    return [(g.record_ids, g.score, frozenset(g.reasons)) for g in groups]


def test_the_stored_groups_are_the_in_memory_groups_of_every_record(ctx: ServiceContext, admin_id: int) -> None:
    with ctx.reader() as uow:
        statuses, sources = uow.statuses.list(), uow.sources.list()
    batch = planted(generate_leads(1500, seed=17, status_ids=[s.id for s in statuses],
                                   source_ids=[s.id for s in sources], owner_ids=[admin_id],
                                   now=datetime(2026, 3, 1, tzinfo=UTC)))
    with ctx.uow_factory() as uow:
        uow.leads.add_many(batch)
        uow.commit()
    acme = records.create_account(ctx, admin_id, {"name": "Acme, Inc.", "website": "acme.example"}).id
    acme_too = records.create_account(ctx, admin_id, {"name": "ACME Inc", "website": "http://acme.example/about"}).id
    records.create_account(ctx, admin_id, {"name": "Globex", "website": "acme.example"})
    ann = records.create_contact(ctx, admin_id, {"account_id": acme, "first_name": "Ann", "last_name": "Smith"}).id
    anne = records.create_contact(ctx, admin_id, {"account_id": acme, "first_name": "Anne", "last_name": "Smith"}).id
    records.create_contact(ctx, admin_id, {"account_id": acme_too, "first_name": "Ann", "last_name": "Smith"})

    found = find_duplicate_groups(ctx, admin_id)

    for kind in (RecordType.LEAD, RecordType.CONTACT, RecordType.ACCOUNT):
        groups = stored(ctx, admin_id, kind)
        assert found[kind] == len(groups)
        assert comparable(groups) == comparable(in_memory(ctx, kind)), kind
        assert all(len(set(g.reasons)) == len(g.reasons) for g in groups)
    leads = stored(ctx, admin_id, RecordType.LEAD)
    assert len(leads) > 20
    extension = next(g for g in leads if batch[200].id in g.record_ids)
    assert extension.record_ids == tuple(sorted((batch[200].id, batch[201].id)))
    assert extension.reasons[0] == "phone +442071234567"
    okafor = {lead.id: lead for lead in batch[:MAX_BLOCK * 5 // 2]}
    assert sum(1 for g in leads if set(g.record_ids) <= set(okafor)) >= 5  # found in each window
    assert [g.record_ids for g in stored(ctx, admin_id, RecordType.ACCOUNT)] == [tuple(sorted((acme, acme_too)))]
    assert [g.record_ids for g in stored(ctx, admin_id, RecordType.CONTACT)] == [tuple(sorted((ann, anne)))]
