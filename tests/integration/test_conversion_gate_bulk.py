"""Bulk conversion through the qualification gate, on SQLite and PostgreSQL: it writes, row by
row, what converting each lead alone writes (the gate's rules themselves run on the fake in
tests/use_cases/test_conversion_gate.py)."""

from __future__ import annotations

import pytest

from leadline.domain.conversion.rules import ConversionOptions, OpportunityChoice
from leadline.services.context import ServiceContext
from leadline.services.conversion import convert as conversion
from leadline.services.conversion.bulk import convert_leads
from leadline.services.leads import records as leads
from tests.integration.conversion_support import WHY, masked, new_lead, undecided, written_for


@pytest.mark.parametrize("all_or_nothing", [False, True])
def test_bulk_conversion_follows_the_gate_and_writes_what_converting_each_lead_alone_writes(
        ctx: ServiceContext, admin_id: int, all_or_nothing: bool) -> None:
    given = [[new_lead(ctx, admin_id, email="met@navy.example"), undecided(ctx, admin_id)] for _ in range(2)]
    refused = convert_leads(ctx, admin_id, given[0], ConversionOptions(), all_or_nothing=all_or_nothing)
    assert [(i.lead_id, i.code) for i in refused.items] == [
        (given[0][0], "ROLLED_BACK" if all_or_nothing else None), (given[0][1], "CRITERIA_NOT_MET")]
    assert not leads.get_lead(ctx, admin_id, given[0][1]).lead.is_converted()
    options = ConversionOptions(qualification_override_reason=WHY, opportunity=OpportunityChoice.CREATE)
    if not all_or_nothing:
        given[0] = given[0][1:]
    outcome = convert_leads(ctx, admin_id, given[0], options, all_or_nothing=all_or_nothing)
    alone = [conversion.convert_lead(ctx, admin_id, lead_id, options) for lead_id in given[1][-len(given[0]):]]
    assert outcome.committed and [masked(i.result) for i in outcome.items] == [masked(r) for r in alone]
    assert [i.result.qualification_override_reason for i in outcome.items if i.result][-1] == WHY
    for batched, single in zip(given[0], given[1][-len(given[0]):], strict=True):
        assert written_for(ctx, batched) == written_for(ctx, single)

