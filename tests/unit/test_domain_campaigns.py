"""The campaign rules alone: the parent tree, member statuses by type, attribution and the report's ratios."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from leadline.domain.campaigns.attribution import Touch, attribute
from leadline.domain.campaigns.campaign import (
    CampaignMember,
    CampaignType,
    MemberStatus,
    can_set_parent,
    descendants_of,
    parse_member_status,
)
from leadline.domain.campaigns.report import CampaignFigures, campaign_report
from leadline.domain.errors import ValidationError
from tests.unit.builders import raises_error

DAY = [datetime(2026, 1, d, tzinfo=UTC) for d in range(1, 29)]


def test_a_campaign_may_not_become_its_own_ancestor() -> None:
    parents = {1: None, 2: 1, 3: 2, 4: None}
    assert not can_set_parent(1, 3, parents) and not can_set_parent(1, 1, parents)
    assert can_set_parent(4, 3, parents) and can_set_parent(3, 4, parents)
    assert sorted(descendants_of(1, parents)) == [1, 2, 3]


def test_a_member_status_must_be_one_its_campaign_type_uses() -> None:
    assert parse_member_status("Attended", CampaignType.TRADE_SHOW) is MemberStatus.ATTENDED
    with raises_error(ValidationError, code="VALIDATION_FAILED", field="status"):
        parse_member_status("attended", CampaignType.EMAIL)


def test_the_first_response_is_kept_as_when_it_came() -> None:
    member = CampaignMember(1, 1, MemberStatus.SENT, DAY[0], DAY[0], lead_id=5)
    member.set_status(MemberStatus.SENT, DAY[1])
    assert member.first_responded_at is None
    member.set_status(MemberStatus.REGISTERED, DAY[2])
    member.set_status(MemberStatus.ATTENDED, DAY[3])
    assert member.first_responded_at == DAY[2]


def test_touches_after_the_opportunity_do_not_count_and_ties_go_to_the_smaller_campaign() -> None:
    found = attribute([Touch(9, DAY[4]), Touch(3, DAY[4]), Touch(7, DAY[20])], DAY[10])
    assert (found.first_touch_campaign_id, found.last_touch_campaign_id) == (3, 3)
    assert attribute([Touch(7, DAY[20])], DAY[10]).first_touch_campaign_id is None


def test_ratios_without_a_denominator_are_none_and_money_rounds_to_the_currency() -> None:
    empty = campaign_report(1, "USD", (1,), CampaignFigures())
    assert (empty.cost_per_lead, empty.cost_per_won_deal, empty.return_on_spend) == (None, None, None)
    thirds = campaign_report(1, "JPY", (1,), CampaignFigures(leads=3, actual_cost=Decimal(1000)))
    assert thirds.cost_per_lead == Decimal("333")
