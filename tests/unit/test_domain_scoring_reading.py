"""When a record that teaches is read (``domain.scoring.reading``): at an age drawn alike for all,
so that what is read of it no longer tells how long it lived before it was decided."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from leadline.domain.leads.lead import Lead
from leadline.domain.opportunities.opportunity import ForecastCategory, Opportunity, OpportunityStage, Outcome
from leadline.domain.scoring.features import LeadFacts, lead_features, training_moments
from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.opportunity import OpportunityFacts, StageChange, opportunity_features
from leadline.domain.scoring.opportunity import training_moments as opportunity_moments
from leadline.domain.scoring.reading import reading_age, reading_mean, reading_moments
from leadline.services.scoring.models import reading_share

START = datetime(2026, 1, 1, tzinfo=UTC)
PROSPECTING = OpportunityStage(1, 1, "Prospecting", 1, 10, ForecastCategory.PIPELINE)
WON = OpportunityStage(3, 1, "Closed Won", 7, 100, ForecastCategory.CLOSED, is_closed=True, is_won=True)
LOST = OpportunityStage(4, 1, "Closed Lost", 8, 0, ForecastCategory.OMITTED, is_closed=True)
STAGES = {s.id: s for s in (PROSPECTING, WON, LOST)}


def closed_deal(number: int, won: bool, life_days: int) -> OpportunityFacts:
    """Deal ``number``, opened ``number`` hours after START in Prospecting, closed ``life_days`` later."""
    created = START + timedelta(hours=number)
    closed = created + timedelta(days=life_days)
    end = WON if won else LOST
    deal = Opportunity(id=number, account_id=1, name=f"Deal {number}", stage_id=end.id, probability=end.probability,
                       forecast_category=end.forecast_category, created_at=created, updated_at=closed,
                       amount=Decimal(1000), close_date=date(2026, 12, 31),
                       outcome=Outcome.WON if won else Outcome.LOST, closed_at=closed)
    return OpportunityFacts(deal, (StageChange(created, PROSPECTING.id), StageChange(closed, end.id)))


def open_deal(age_days: int) -> dict[str, object]:
    facts = closed_deal(0, True, 1)
    deal = Opportunity(id=1, account_id=1, name="Open", stage_id=PROSPECTING.id, probability=10,
                       forecast_category=ForecastCategory.PIPELINE, created_at=START, updated_at=START,
                       amount=Decimal(1000), close_date=date(2026, 12, 31))
    return opportunity_features(OpportunityFacts(deal, facts.changes[:1]), STAGES, START + timedelta(days=age_days))


def test_a_records_reading_moment_does_not_depend_on_when_it_was_decided() -> None:
    # given records created at 300 different instants, each either decided after 10 days or after 100
    mean = timedelta(days=5)
    for hour in range(300):
        created = START + timedelta(hours=hour, seconds=hour * 7)
        short, long = reading_moments([(hour, created, created + timedelta(days=10)),
                                       (hour, created, created + timedelta(days=100))], kind="deal", mean=mean)
        # then both are read at the same moment while both were open; the short one is left out after
        assert long is not None and long - created < timedelta(days=100)
        assert short == long if long - created < timedelta(days=10) else short is None


def test_the_age_read_for_training_no_longer_tells_how_long_a_deal_lived() -> None:
    # given 200 deals won 10 days after they opened and 200 lost after 100 days, alike in all else:
    # an open deal of 3 days wins with even odds (half of those open at 3 days were won); one of
    # 50 days is lost (every deal still open at 50 days was lost)
    history = [closed_deal(n, n % 2 == 0, 10 if n % 2 == 0 else 100) for n in range(400)]
    outcomes = [f.opportunity.outcome is Outcome.WON for f in history]
    # when read halfway through their lives (ADR 0064), won deals read 5 days old and lost ones 50
    halfway = [opportunity_features(f, STAGES, f.opportunity.created_at
                                    + (f.opportunity.closed_at - f.opportunity.created_at) / 2)  # type: ignore[operator]
               for f in history]
    # and at the age drawn alike for all (this rule), while still open
    moments = opportunity_moments(history)
    drawn = [(opportunity_features(f, STAGES, at), y) for f, at, y in zip(history, moments, outcomes, strict=True)
             if at is not None]
    # then halfway, age tells the outcome: a 3-day-old open deal looks certain to be won
    leaky = FrequencyModel.fit(halfway, outcomes, outcome_word="won")
    assert leaky.predict([open_deal(3)])[0] > 0.9
    # read at a drawn age, the rows younger than 10 days are won and lost alike, as open deals are
    young = [y for row, y in drawn if row["age_days"] is not None and float(row["age_days"]) < 10]  # type: ignore[arg-type]
    assert len(young) > 300 and 0.4 < sum(young) / len(young) < 0.6
    assert not any(y for row, y in drawn if float(row["age_days"]) >= 10)  # type: ignore[arg-type]
    fitted = FrequencyModel.fit([row for row, _ in drawn], [y for _, y in drawn], outcome_word="won")
    young_chance, old_chance = fitted.predict([open_deal(3), open_deal(50)])
    assert 0.3 < young_chance < 0.7 and old_chance < young_chance - 0.1  # its oldest band mixes 7 to 9 days in


def test_a_leads_activity_read_for_training_does_not_depend_on_when_it_was_decided() -> None:
    # given leads called on the day they arrived, each converted after 100 days or disqualified after 10
    leads, facts = [], []
    for n in range(200):
        created = START + timedelta(hours=n)
        quick = n % 2 == 1
        lead = Lead(id=n + 1, last_name="Doe", company="Acme", status_id=1, created_at=created,
                    updated_at=created + timedelta(days=10 if quick else 100),
                    converted_at=None if quick else created + timedelta(days=100),
                    converted_opportunity_id=None if quick else 9)
        leads.append((lead, quick))
        facts.append(LeadFacts(lead, activity_times=(created,)))
    # when read for training
    moments = training_moments(leads, now=START + timedelta(days=400))
    rows = [(lead_features(f, at), not quick) for f, (_, quick), at in zip(facts, leads, moments, strict=True)
            if at is not None]
    # then among the leads read within their first 10 days, the days since the call are alike
    # whatever became of them (halfway, every disqualified one read 5 days on, every converted 50)
    young = [(row["days_since_activity"], converted) for row, converted in rows
             if float(row["days_since_activity"]) < 10]  # type: ignore[arg-type]
    converted_days = sorted(d for d, c in young if c)
    quick_days = sorted(d for d, c in young if not c)
    assert len(converted_days) > 40 and len(quick_days) > 40
    assert abs(sum(converted_days) / len(converted_days) - sum(quick_days) / len(quick_days)) < 1.5  # type: ignore[arg-type]


def test_the_reading_ages_mean_is_a_share_of_the_median_life() -> None:
    lives = [timedelta(days=d) for d in (10, 20, 30, 400)]
    assert reading_mean(lives) == timedelta(days=10)  # half the median (20 days, the lower middle)
    assert reading_mean([]) == timedelta(0)


def test_a_history_entered_mostly_after_the_fact_does_not_bring_the_mean_to_zero() -> None:
    # given 80 records decided as they were created (or seconds later) and 20 open for 30 days
    lives = [timedelta(0)] * 40 + [timedelta(seconds=30)] * 40 + [timedelta(days=30)] * 20
    # then the median counts only the lives of a day or more: the mean stays half of 30 days
    assert reading_mean(lives) == timedelta(days=15)
    # and with no life that long, the positive ones
    assert reading_mean([timedelta(0), timedelta(hours=4), timedelta(hours=6)]) == timedelta(hours=2)


def test_records_created_at_the_same_instant_draw_their_reading_ages_apart() -> None:
    # given 1,000 records created at one instant (a pinned clock, a bulk load), each open 10 days
    records = [(n, START, START + timedelta(days=10)) for n in range(1, 1001)]
    # when read at a mean age of 10 days
    moments = reading_moments(records, kind="deal", mean=timedelta(days=10))
    # then each draws its own age: about 1 - e^-1 (63 %) of them teach, not all or none together
    kept = [m for m in moments if m is not None]
    assert 570 < len(kept) < 700 and len(set(kept)) == len(kept)
    # the same ids under another kind draw otherwise; the same history always the same
    assert reading_moments(records, kind="lead", mean=timedelta(days=10)) != moments
    assert reading_moments(records, kind="deal", mean=timedelta(days=10)) == moments


def test_whether_a_short_lived_record_teaches_follows_the_same_draw_as_any_other() -> None:
    # given one record (one draw) decided 5 hours, 23 hours, 25 hours or 10 days after its creation
    created, mean = START + timedelta(hours=5), timedelta(hours=20)
    for record_id in range(1, 200):
        age = reading_age("deal", record_id, mean)
        for life in (timedelta(hours=5), timedelta(hours=23), timedelta(hours=25), timedelta(days=10)):
            [moment] = reading_moments([(record_id, created, created + life)], kind="deal", mean=mean)
            # then it is read at its drawn age whatever its life, and teaches only if still open then:
            # no record decided within a day teaches read at its creation
            assert moment == (created + age if age < life else None)
    decided_at_once = reading_moments([(n, START, START) for n in range(1, 100)], kind="deal", mean=mean)
    assert decided_at_once == [None] * 99  # created already decided: never open as an open record is


def test_the_evaluations_reading_mean_comes_from_its_training_part_only() -> None:
    # given 6 records by time, the latest 2 (the test part) open far longer than the others
    lives = [timedelta(days=d) for d in (20, 400, 10, 500, 30, 40)]
    order = [START + timedelta(days=d) for d in (1, 6, 2, 5, 3, 4)]
    # then the mean is half the median of the earliest 4 lives (20, 10, 30, 40: 20 the lower middle)
    assert reading_share(4 / 6, lives, order) == timedelta(days=10)
    assert reading_share(None, lives, order) is None  # without a share: the whole set's (reading_mean)
