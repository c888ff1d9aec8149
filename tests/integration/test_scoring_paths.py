"""Every path that changes a lead re-scores it in its own transaction (docs/adr/0040), on SQLite
and PostgreSQL: bulk owner and status changes, a status move alone, the assignment rules, imports
(new and updated rows, a block at a time), merges and their undo, capture (with the quiz answers
and the logged call), undoing a conversion. Each test stores a model *without* scoring anyone, so
only a path that re-scores leaves a score naming that model's version."""

from __future__ import annotations

from pathlib import Path

from leadline.domain.ids import new_id
from leadline.domain.imports.job import DuplicatePolicy, ImportOptions
from leadline.domain.queries import LeadQuery, Page
from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.interface import FeatureRow, ModelVersion
from leadline.domain.scoring.records import LEAD, LeadScore, StoredModel
from leadline.services.capture import channels
from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.conversion.undo import undo_conversion
from leadline.services.duplicates.merge import merge_records, undo_merge
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file
from leadline.services.leads import bulk, workflow
from leadline.services.leads import records as leads
from leadline.services.scoring import reads
from leadline.services.scoring.scores import rescore_leads
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.integration.test_capture import QUIZ, _form, _post
from tests.integration.test_lead_import import write_csv

#: trade-show leads convert 8 of 10, web-form leads 2 of 20
SOURCES: list[tuple[FeatureRow, bool]] = (
    [({"source": "Trade show"}, i < 8) for i in range(10)] + [({"source": "Website form"}, i < 2) for i in range(20)])


def store_model(ctx: ServiceContext, clock: FakeClock, table: list[tuple[FeatureRow, bool]] = SOURCES) -> str:
    """A newer lead model stored as training stores one, but no lead scored with it: its version."""
    clock.advance(minutes=1)
    model = FrequencyModel.fit([row for row, _ in table], [y for _, y in table])
    with ctx.uow_factory() as uow:
        version = ModelVersion("frequency", uow.scoring.latest_number(LEAD, "frequency") + 1)
        uow.scoring.add_model(StoredModel(new_id(), LEAD, version, clock.now, len(table),
                                          sum(y for _, y in table), {}, (), model.to_payload()))
        uow.commit()
    clock.advance(minutes=1)
    return str(version)


def lead(ctx: ServiceContext, admin_id: int, name: str, source: str = "Trade show", **values: str) -> int:
    return leads.create_lead(ctx, admin_id, {"last_name": name, "company": f"{name} Co", "source": source,
                                             **values}).lead.id


def score(ctx: ServiceContext, admin_id: int, lead_id: int) -> LeadScore | None:
    return reads.get_lead_score(ctx, admin_id, lead_id)


def assert_fresh(ctx: ServiceContext, admin_id: int, clock: FakeClock, version: str, *lead_ids: int) -> None:
    for lead_id in lead_ids:
        found = score(ctx, admin_id, lead_id)
        assert found is not None, f"lead {lead_id} was not re-scored"
        assert (found.model_version, found.scored_at) == (version, clock.now)


def test_bulk_owner_and_status_changes_rescore_the_changed_leads_only(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    a, b, c = (lead(ctx, admin_id, name) for name in ("Ames", "Bell", "Cole"))
    rep = add_user(ctx, admin_id, name="Sam Rep", email="sam@example.com")
    first = store_model(ctx, clock)
    done = bulk.bulk_assign_owner(ctx, admin_id, [a, b], rep.email)
    assert done.committed and sorted(done.changed) == sorted([a, b])
    assert_fresh(ctx, admin_id, clock, first, a, b)
    assert score(ctx, admin_id, c) is None  # not changed: not re-scored
    second = store_model(ctx, clock)
    assert bulk.bulk_change_status(ctx, admin_id, [b, c], "Contacted").committed
    assert_fresh(ctx, admin_id, clock, second, b, c)
    assert score(ctx, admin_id, a).model_version == first  # type: ignore[union-attr]


def test_a_refused_bulk_change_writes_no_score(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    a = lead(ctx, admin_id, "Ames")
    converted = lead(ctx, admin_id, "Bell")
    convert_lead(ctx, admin_id, converted, override_reason="test", qualification_override_reason="test")
    store_model(ctx, clock)
    done = bulk.bulk_change_status(ctx, admin_id, [a, converted], "Contacted")
    assert not done.committed and [r.code for r in done.refused] == ["LEAD_READ_ONLY"]
    assert score(ctx, admin_id, a) is None  # the re-score was part of the rolled-back transaction


def test_a_status_move_alone_rescores_the_lead(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    a = lead(ctx, admin_id, "Ames")
    version = store_model(ctx, clock)
    workflow.change_lead_status(ctx, admin_id, a, "Contacted")
    assert_fresh(ctx, admin_id, clock, version, a)


def test_an_import_rescores_its_new_and_updated_leads_block_by_block(
        ctx: ServiceContext, admin_id: int, clock: FakeClock, tmp_path: Path) -> None:
    known = lead(ctx, admin_id, "Known", "Website form", email="known@known.example")
    version = store_model(ctx, clock)
    rows = [["LastName", "Company", "Email", "LeadSource"],
            ["New1", "N1", "n1@n1.example", "Trade show"], ["New2", "N2", "n2@n2.example", "Website form"],
            ["Known", "Known Co", "known@known.example", "Trade show"]]
    job = imports.import_leads(ctx, admin_id, inspect_file(write_csv(tmp_path / "leads.csv", rows)),
                               options=ImportOptions(on_duplicate=DuplicatePolicy.UPDATE, block_size=2))
    assert (job.counts.imported, job.counts.updated) == (2, 1)
    made = [d.lead.id for d in leads.list_leads(ctx, admin_id, LeadQuery(search="new"), Page(10, "id", False))]
    assert len(made) == 2
    assert_fresh(ctx, admin_id, clock, version, *made, known)
    trade, web = (score(ctx, admin_id, i) for i in made)
    assert trade.score > web.score  # type: ignore[union-attr]
    assert score(ctx, admin_id, known).score == trade.score  # type: ignore[union-attr]  # updated to Trade show


def test_a_merge_rescores_the_survivor_and_its_undo_every_lead(
        ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    keep = lead(ctx, admin_id, "Ames", "Website form")
    other = lead(ctx, admin_id, "Ames", "Trade show")
    version = store_model(ctx, clock)
    merge = merge_records(ctx, admin_id, "lead", [keep, other], keep=keep, fields={"source_id": other})
    assert_fresh(ctx, admin_id, clock, version, keep)
    survivor = score(ctx, admin_id, keep)
    assert any(r.text == "from Trade show: 8 of 10 converted" for r in survivor.up)  # type: ignore[union-attr]
    again = store_model(ctx, clock)
    undo_merge(ctx, admin_id, merge.id)
    assert_fresh(ctx, admin_id, clock, again, keep, other)
    assert score(ctx, admin_id, keep).score < score(ctx, admin_id, other).score  # type: ignore[union-attr]


def test_a_form_capture_is_scored_with_its_quiz_answers(ctx: ServiceContext, admin_id: int,
                                                        clock: FakeClock) -> None:
    quiz = [({"quiz.when": "now"}, i < 15) for i in range(20)] + [({"quiz.when": "later"}, i < 2) for i in range(20)]
    version = store_model(ctx, clock, quiz)
    form = _form(ctx, admin_id, questions=QUIZ, thresholds={"hot": 20, "warm": 10})
    result = _post(ctx, clock, form, team="5", when="now", needs=["crm"])
    found = score(ctx, admin_id, result.lead_id)
    assert found is not None and found.model_version == version
    assert [r.feature for r in found.up] == ["quiz.when"]  # the answers were written before the score


def test_a_call_capture_is_scored(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    version = store_model(ctx, clock)
    captured = channels.capture_call(ctx, admin_id, {"last_name": "Ames", "company": "A", "phone": "+14155550101"})
    assert_fresh(ctx, admin_id, clock, version, captured.lead.lead.id)


def test_undoing_a_conversion_rescores_the_open_lead(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    a = lead(ctx, admin_id, "Ames")
    convert_lead(ctx, admin_id, a, override_reason="test", qualification_override_reason="test")
    version = store_model(ctx, clock)
    undo_conversion(ctx, admin_id, a)
    assert_fresh(ctx, admin_id, clock, version, a)


def test_rescoring_many_leads_costs_the_same_statements_as_a_few(
        ctx: ServiceContext, admin_id: int, clock: FakeClock, engine: object) -> None:
    from tests.query_counts import counted_statements

    made = [lead(ctx, admin_id, f"L{i}") for i in range(30)]
    store_model(ctx, clock)
    counts = []
    for ids in (made[:1], made[:3], made):  # the first also loads the model once for the process
        with ctx.uow_factory() as uow, counted_statements(engine) as statements:  # type: ignore[arg-type]
            assert len(rescore_leads(ctx, uow, ids)) == len(ids)
            uow.commit()
        counts.append(len(statements))
    assert counts[1] == counts[2]  # one model look-up, one read of the facts per batch, one write
