"""An opportunity's features for scoring, read as of a moment of its open life, against hand-computed
values; the training rule; the frequency model's tables and reasons on opportunity features."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from leadline.domain.opportunities.opportunity import (
    ForecastCategory,
    Opportunity,
    OpportunityStage,
    OpportunityType,
    Outcome,
)
from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.opportunity import (
    WON_WORD,
    OpportunityFacts,
    OwnerRecord,
    StageChange,
    close_date_pushes,
    opportunity_features,
    opportunity_outcome,
)

START = datetime(2026, 1, 1, tzinfo=UTC)
NOW = START + timedelta(days=100)
PROSPECTING = OpportunityStage(1, 1, "Prospecting", 1, 10, ForecastCategory.PIPELINE)
NEGOTIATION = OpportunityStage(2, 1, "Negotiation", 5, 75, ForecastCategory.COMMIT)
WON = OpportunityStage(3, 1, "Closed Won", 7, 100, ForecastCategory.CLOSED, is_closed=True, is_won=True)
LOST = OpportunityStage(4, 1, "Closed Lost", 8, 0, ForecastCategory.OMITTED, is_closed=True)
STAGES = {s.id: s for s in (PROSPECTING, NEGOTIATION, WON, LOST)}


def day(n: int) -> datetime:
    return START + timedelta(days=n)


def deal(stage: OpportunityStage = NEGOTIATION, *, outcome: Outcome = Outcome.OPEN, closed: int | None = None,
         amount: str = "5000") -> Opportunity:
    return Opportunity(id=7, account_id=1, name="Deal", stage_id=stage.id, probability=stage.probability,
                       forecast_category=stage.forecast_category, created_at=START, updated_at=START,
                       amount=Decimal(amount), close_date=date(2026, 6, 30), type=OpportunityType.RENEWAL,
                       owner_id=9, outcome=outcome, closed_at=day(closed) if closed is not None else None)


HISTORY = (StageChange(day(0), 1, Decimal(1000), date(2026, 3, 31)),
           StageChange(day(20), 1, Decimal(1000), date(2026, 4, 30)),   # pushed once
           StageChange(day(40), 2, Decimal(5000), date(2026, 4, 30)),   # into Negotiation, amount up
           StageChange(day(50), 2, Decimal(5000), date(2026, 6, 30)))   # pushed twice


def test_an_open_opportunity_is_read_as_of_now() -> None:
    owner = OwnerRecord.of([(day(10), True), (day(30), False), (day(60), True), (day(120), True)])
    facts = OpportunityFacts(deal(), HISTORY, "Trade show", "Spring", activities=4, last_activity_at=day(90),
                             owner=owner)
    assert opportunity_features(facts, STAGES, NOW) == {
        "stage": "Negotiation", "type": "renewal", "age_days": 100.0, "days_in_stage": 60.0, "amount": 5000.0,
        "close_date_pushes": 2.0, "activities": 4.0, "days_since_activity": 10.0, "source": "Trade show",
        "campaign": "Spring",
        "owner_win_rate": 0.6,  # 2 of 3 closed before now (the 4th closes after): (2 + 1) / (3 + 2)
    }


def test_a_closed_opportunity_is_read_as_it_stood_at_its_reading_moment() -> None:
    # given a deal won on day 100: Prospecting from day 0, Negotiation from day 60 (its last open stage)
    closed = (StageChange(day(0), 1, Decimal(1000), date(2026, 3, 31)),
              StageChange(day(20), 1, Decimal(1000), date(2026, 4, 30)),   # pushed once
              StageChange(day(60), 2, Decimal(5000), date(2026, 4, 30)),
              StageChange(day(100), 3, Decimal(5000), date(2026, 4, 11)))
    owner = OwnerRecord.of([(day(10), True), (day(49), False), (day(70), True)])
    facts = OpportunityFacts(deal(WON, outcome=Outcome.WON, closed=100), closed, owner=owner,
                             activity_times=(day(5), day(45), day(80)))
    # when read for training at day 50
    row = opportunity_features(facts, STAGES, day(50))
    # then as on day 50: in Prospecting (not the last stage it reached), with what was known then
    assert (row["stage"], row["age_days"], row["days_in_stage"], row["amount"]) == ("Prospecting", 50.0, 50.0, 1000.0)
    assert row["close_date_pushes"] == 1.0
    assert row["activities"] == 2.0 and row["days_since_activity"] == 5.0  # day 80's is later
    assert row["owner_win_rate"] == 0.5  # 1 of 2 closed before day 50: (1 + 1) / (2 + 2)
    assert opportunity_outcome(facts, STAGES) is True


def test_the_stage_a_deal_died_in_no_longer_tells_the_outcome() -> None:
    # given deals all won from the last open stage (Negotiation) and lost in the first (Prospecting)
    won = [(StageChange(day(0), 1), StageChange(day(30), 2), StageChange(day(40), 3))] * 6
    lost = [(StageChange(day(0), 1), StageChange(day(40), 4))] * 6
    closings = [(deal(WON, outcome=Outcome.WON, closed=40), h) for h in won]
    closings += [(deal(LOST, outcome=Outcome.LOST, closed=40), h) for h in lost]
    # when read for training on day 20
    stages_read = {opportunity_features(OpportunityFacts(o, h), STAGES, day(20))["stage"] for o, h in closings}
    # then every deal is read in Prospecting: where each stood, not where it ended
    assert stages_read == {"Prospecting"}


def test_only_closed_opportunities_with_an_open_past_teach() -> None:
    assert opportunity_outcome(OpportunityFacts(deal(), HISTORY), STAGES) is None
    lost = OpportunityFacts(deal(LOST, outcome=Outcome.LOST, closed=45), HISTORY[:3])
    assert opportunity_outcome(lost, STAGES) is False
    born_closed = OpportunityFacts(deal(WON, outcome=Outcome.WON, closed=0), (StageChange(day(0), 3),))
    assert opportunity_outcome(born_closed, STAGES) is None


def test_an_owner_without_closed_deals_has_no_win_rate() -> None:
    assert opportunity_features(OpportunityFacts(deal(), HISTORY), STAGES, NOW)["owner_win_rate"] is None


def test_a_close_date_set_where_there_was_none_or_moved_earlier_is_no_push() -> None:
    changes = [StageChange(day(0), 1), StageChange(day(1), 1, None, date(2026, 5, 1)),
               StageChange(day(2), 1, None, date(2026, 4, 1)), StageChange(day(3), 1, None, date(2026, 4, 15))]
    assert close_date_pushes(changes) == 1


def test_the_frequency_tables_count_opportunities_by_stage_and_the_reasons_say_won() -> None:
    """Negotiation: 8 of 10 won; Prospecting: 2 of 20; the tables hold exactly those counts."""
    rows = [{"stage": "Negotiation"}] * 10 + [{"stage": "Prospecting"}] * 20
    outcomes = [True] * 8 + [False] * 2 + [True] * 2 + [False] * 18
    model = FrequencyModel.fit(rows, outcomes, outcome_word=WON_WORD)
    assert model.tables["stage"].counts == {"Negotiation": (8, 10), "Prospecting": (2, 20)}
    high = model.score({"stage": "Negotiation"})
    low = model.score({"stage": "Prospecting"})
    assert [r.text for r in high.up] == ["in stage Negotiation: 8 of 10 won"]
    assert [r.text for r in low.down] == ["in stage Prospecting: 2 of 20 won"]
    assert high.probability > 10 / 30 > low.probability
