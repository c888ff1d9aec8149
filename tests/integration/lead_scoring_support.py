"""A history of decided leads with known counts, for the lead scoring tests."""

from __future__ import annotations

from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.leads import records as leads
from tests.conftest import FakeClock
from tests.integration.opportunity_scoring_support import close_in_turn, lives_that_teach


def decided_leads(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> list[int]:
    """30 leads, all converted days after they arrived, each after its drawn reading age (so every
    one teaches, through the general reading): from trade shows 8 of 10 with an opportunity, from
    web forms 2 of 20 (the others without one: negative). Then 200 days pass. None is left open."""
    made = [leads.create_lead(ctx, admin_id, {"last_name": f"Lead {i}", "company": f"Company {i}",
                                              "source": "Trade show" if i < 10 else "Website form",
                                              "email": f"p{i}@company{i}.example"}).lead.id for i in range(30)]
    won = {lead for i, lead in enumerate(made) if (i < 10 and i % 5 != 0) or i in (10, 11)}
    close_in_turn(clock, lives_that_teach(made, "lead"), lambda lead: convert_lead(
        ctx, admin_id, lead, override_reason="history", qualification_override_reason="history",
        opportunity="create" if lead in won else "none"))
    clock.advance(days=200)
    return made
