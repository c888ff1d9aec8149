"""An import block's duplicate look-up (``DuplicateRepository.block_candidates``) finds, on SQLite
and PostgreSQL alike, every live record sharing an e-mail, a phone number (stored with or without
an extension), an account's domain, or a last name (a lead's at a company of the same first
letters) with any probe of the block, and nothing else: not a tombstone, not a longer number; and
the statistics an import refreshes for it as its table grows."""

from __future__ import annotations

from sqlalchemy import Engine, text

from leadline.domain.configuration.custom_fields import RecordType
from leadline.domain.duplicates.matching import Candidate
from leadline.services import records
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads


def _lead(ctx: ServiceContext, admin_id: int, last: str, company: str, **values: str) -> int:
    return leads.create_lead(ctx, admin_id, {"last_name": last, "company": company, **values}).lead.id


def _found(ctx: ServiceContext, kind: RecordType, probes: list[Candidate]) -> set[int]:
    with ctx.reader() as uow:
        return {c.record_id for c in uow.duplicates.block_candidates(kind, probes)}


def _probe(kind: RecordType, n: int, **values: str) -> Candidate:
    return Candidate.of(kind, -n, **values)  # type: ignore[arg-type]


def test_a_block_of_leads_finds_each_kind_of_match_and_only_those(ctx: ServiceContext, admin_id: int) -> None:
    # given stored leads, each matching the block's probes in one way, and some that must not match
    by_email = _lead(ctx, admin_id, "Mail", "Acme", email="ann@acme.example")
    by_phone = _lead(ctx, admin_id, "Phone", "Acme", phone="+1 415 555 0100")
    by_extension = _lead(ctx, admin_id, "Desk", "Acme", phone="+1 415 555 0200 ext. 7")
    by_name = _lead(ctx, admin_id, "Smith", "Acme Corp")
    _lead(ctx, admin_id, "Smith", "Zenith")  # the same name at a company of other first letters
    _lead(ctx, admin_id, "Longer", "Beta", phone="+1 415 555 0101")  # a longer number than a probe's
    merged = _lead(ctx, admin_id, "Gone", "Acme", email="gone@acme.example")
    with ctx.uow_factory() as uow:
        uow.duplicates.set_merged_into("lead", [merged], by_email)
        uow.commit()
    # when a block of a thousand probes (one per stored match, the rest matching nothing) is looked up
    probes = [_probe(RecordType.LEAD, 1, email="ANN@acme.example", last_name="Other"),
              _probe(RecordType.LEAD, 2, phone="+14155550100"),
              _probe(RecordType.LEAD, 3, phone="+14155550200"),
              _probe(RecordType.LEAD, 4, last_name="SMITH", company="acme ltd"),
              _probe(RecordType.LEAD, 5, email="gone@acme.example"),
              _probe(RecordType.LEAD, 6, phone="+141555501")]
    probes += [_probe(RecordType.LEAD, 10 + i, email=f"new{i}@else.example", phone=f"+1628200{i:04d}",
                      last_name=f"New{i}", company="Acme") for i in range(994)]
    # then exactly the live matches are found
    assert _found(ctx, RecordType.LEAD, probes) == {by_email, by_phone, by_extension, by_name}
    assert _found(ctx, RecordType.LEAD, []) == set()


def test_a_block_of_contacts_or_accounts_finds_their_matches(ctx: ServiceContext, admin_id: int) -> None:
    acme = records.create_account(ctx, admin_id, {"name": "Acme, Inc.", "website": "acme.example"}).id
    records.create_account(ctx, admin_id, {"name": "Beta", "website": "beta.example"})
    ann = records.create_contact(ctx, admin_id, {"account_id": acme, "last_name": "Smith", "email": "ann@acme.example"})
    desk = records.create_contact(ctx, admin_id, {"account_id": acme, "last_name": "Desk",
                                                  "phone": "+1 415 555 0300 ext. 12"})
    records.create_contact(ctx, admin_id, {"account_id": acme, "last_name": "Jones", "phone": "+1 415 555 0301"})
    assert _found(ctx, RecordType.ACCOUNT, [_probe(RecordType.ACCOUNT, 1, website="https://acme.example/x")]) == {acme}
    contacts = [_probe(RecordType.CONTACT, 1, email="ann@acme.example"), _probe(RecordType.CONTACT, 2,
                                                                                 phone="+14155550300")]
    assert _found(ctx, RecordType.CONTACT, contacts) == {ann.id, desk.id}


def test_statistics_are_read_whole_first_then_for_the_looked_up_columns(ctx: ServiceContext, admin_id: int,
                                                                         engine: Engine) -> None:
    for i in range(3):
        _lead(ctx, admin_id, f"Count{i}", "Acme", email=f"count{i}@acme.example")
    for expected_rows in (3, 7):
        for i in range(3, expected_rows):  # the table grows between the two
            _lead(ctx, admin_id, f"Count{i}", "Acme")
        with ctx.uow_factory() as uow:
            uow.duplicates.refresh_statistics(RecordType.LEAD)
            uow.commit()
        if engine.dialect.name != "postgresql":
            continue  # SQLite plans by its indexes: nothing is analysed
        with engine.connect() as connection:
            counted = connection.execute(text("SELECT reltuples FROM pg_class WHERE relname = 'leads'")).scalar()
            expressions = connection.execute(text(
                "SELECT count(*) FROM pg_stats WHERE tablename = 'ix_leads_last_name_key'")).scalar()
        assert (counted, expressions) == (expected_rows, 1)  # the name's expression counted the first time
