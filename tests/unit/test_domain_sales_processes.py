"""Which sales process an opportunity follows, which stage a reference names, and where a new
stage goes: pure rules."""

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.opportunities.opportunity import ForecastCategory, OpportunityStage, OpportunityType, SalesProcess
from leadline.domain.opportunities.sales_processes import place_stage, process_for, stage_in
from tests.unit.builders import raises_error

NEW, RENEWALS = SalesProcess(1, "New Business", is_default=True), SalesProcess(2, "Renewals")


def stages_of(process: SalesProcess, *labels: str, first_id: int = 10) -> list[OpportunityStage]:
    return [OpportunityStage(first_id + n, process.id, label, n, 10, ForecastCategory.PIPELINE)
            for n, label in enumerate(labels)]


STAGES = [*stages_of(NEW, "Prospecting", "Negotiation"), *stages_of(RENEWALS, "Renewal Review", "Quote", first_id=20)]


def test_an_opportunity_follows_the_process_it_names_else_its_types_else_the_default():
    typed = SalesProcess(3, "Upsells", opportunity_type=OpportunityType.UPSELL)
    processes = [NEW, RENEWALS, typed]
    assert process_for(processes, STAGES, named="renewals") is RENEWALS
    assert process_for(processes, STAGES, named="2") is RENEWALS
    assert process_for(processes, STAGES, opportunity_type=OpportunityType.UPSELL) is typed
    assert process_for(processes, STAGES, opportunity_type=OpportunityType.RENEWAL) is NEW
    assert process_for(processes, STAGES) is NEW


def test_a_stage_id_names_its_own_process():
    assert process_for([NEW, RENEWALS], STAGES, stage="21") is RENEWALS
    assert process_for([NEW, RENEWALS], STAGES, stage="Quote") is NEW  # a label is looked up in the default


def test_an_unknown_process_is_refused_naming_the_choices():
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="process") as error:
        process_for([NEW, RENEWALS], STAGES, named="Partners")
    assert "New Business, Renewals" in str(error.value)


def test_any_active_stage_of_the_process_works_by_label_or_id_and_another_process_s_is_refused():
    assert stage_in(STAGES, RENEWALS, "renewal review").id == 20
    assert stage_in(STAGES, RENEWALS, "21").label == "Quote"
    assert stage_in(STAGES, RENEWALS, None).label == "Renewal Review"
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="stage") as error:
        stage_in(STAGES, NEW, "Renewal Review")
    assert "'New Business'" in str(error.value) and "Prospecting, Negotiation" in str(error.value)


@pytest.mark.parametrize(("position", "expected"), [
    (0, ["New", "Prospecting", "Qualification", "Proposal"]),
    (2, ["Prospecting", "Qualification", "New", "Proposal"]),
    (None, ["Prospecting", "Qualification", "Proposal", "New"]),
    (3, ["Prospecting", "Qualification", "Proposal", "New"]),
])
def test_a_new_stage_takes_its_position_and_the_others_stay_a_clean_sequence(position, expected):
    stages = stages_of(NEW, "Prospecting", "Qualification", "Proposal")
    new = OpportunityStage(99, NEW.id, "New", 0, 10, ForecastCategory.PIPELINE)
    before = {s.id: s.order for s in stages}
    changed = place_stage(stages, new, position)
    placed = {s.id: s for s in [*stages, new]} | {s.id: s for s in changed}
    ordered = sorted(placed.values(), key=lambda s: s.order)
    assert [s.label for s in ordered] == expected and [s.order for s in ordered] == [0, 1, 2, 3]
    assert {s.id for s in changed} == {99} | {s.id for s in ordered if s.id != 99 and s.order != before[s.id]}


@pytest.mark.parametrize("position", [-1, 4])
def test_a_position_outside_the_process_is_refused(position):
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="position"):
        place_stage(stages_of(NEW, "A", "B", "C"), OpportunityStage(99, NEW.id, "N", 0, 10,
                                                                    ForecastCategory.PIPELINE), position)
