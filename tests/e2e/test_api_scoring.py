"""The score through the API: ``score`` with its reasons and model version on ``GET /leads/{id}``
and the list, ``min_score``/``max_score`` filters, a bad bound refused naming it (422, as the
list's other filters); on both databases."""

from __future__ import annotations

from typing import Any

from leadline.services.context import ServiceContext
from leadline.services.conversion.convert import convert_lead
from leadline.services.leads.records import create_lead
from leadline.services.scoring.models import train_lead_model
from tests.conftest import FakeClock
from tests.e2e.api_support import Caller, token_for
from tests.e2e.test_api import assert_problem
from tests.integration.opportunity_scoring_support import close_in_turn, lives_that_teach


def test_a_lead_carries_its_score_and_the_list_filters_by_it(client: Any, ctx: ServiceContext, admin_id: int,
                                                             clock: FakeClock) -> None:
    # given 30 leads decided days after they arrived, each after its drawn reading age (so each
    # teaches): from trade shows 8 of 10 converted with an opportunity, from web forms 2 of 20
    made = [create_lead(ctx, admin_id, {"last_name": f"Lead {i}", "company": f"Co {i}",
                                        "source": "Trade show" if i < 10 else "Website form"}).lead.id
            for i in range(30)]
    won = {lead for i, lead in enumerate(made) if (i < 10 and i % 5 != 0) or i in (10, 11)}
    close_in_turn(clock, lives_that_teach(made, "lead"), lambda lead: convert_lead(
        ctx, admin_id, lead, override_reason="history", qualification_override_reason="history",
        opportunity="create" if lead in won else "none"))
    clock.advance(days=200)
    admin = Caller(client, token_for(ctx, admin_id, admin_id))  # a token made before the 200 days has expired
    unscored = admin("GET", f"/leads/{create_lead(ctx, admin_id, {'last_name': 'A', 'company': 'B'}).lead.id}")
    assert unscored.json()["score"] is None
    assert unscored.json()["score_note"].startswith("no lead model yet: an admin's 'leadline score train'")
    fresh = create_lead(ctx, admin_id, {"last_name": "Fresh", "company": "New", "source": "Trade show"}).lead.id
    train_lead_model(ctx, admin_id)
    score = admin("GET", f"/leads/{fresh}").json()["score"]
    assert score["model_version"] == "frequency@1" and score["confident"] is False
    assert "score_note" not in admin("GET", f"/leads/{fresh}").json()  # scored: nothing to explain
    assert "score_note" not in admin("GET", "/leads").json()["items"][0]  # the list carries none
    assert {"feature": "source", "value": "Trade show", "converted": 8, "total": 10,
            "text": "from Trade show: 8 of 10 converted"} in score["up"]
    high = admin("GET", "/leads", params={"min_score": score["score"]}).json()["items"]
    assert high and all(item["score"]["score"] >= score["score"] for item in high)
    assert str(fresh) in {item["id"] for item in high}
    assert_problem(admin("GET", "/leads", params={"min_score": 101}), 422, "VALIDATION_FAILED", "min_score")


def test_the_list_sorts_by_score_page_by_page_with_unscored_leads_last(
        client: Any, ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    from leadline.services.scoring.scores import rescore_leads
    from tests.integration.test_scoring_paths import lead, store_model

    unscored = lead(ctx, admin_id, "Unscored")
    made = [lead(ctx, admin_id, name, source) for name, source in
            (("Trade", "Trade show"), ("Web", "Website form"), ("Plain", ""), ("Trade2", "Trade show"))]
    store_model(ctx, clock)
    with ctx.uow_factory() as uow:
        scores = {s.lead_id: s.score for s in rescore_leads(ctx, uow, made)}
        uow.commit()
    admin = Caller(client, token_for(ctx, admin_id, admin_id))
    seen, cursor = [], None
    while True:
        page = admin("GET", "/leads", params={"sort": "-score", "limit": 2, **({"cursor": cursor} if cursor else {})})
        assert page.status_code == 200
        seen += [(int(item["id"]), item["score"]["score"] if item["score"] else None) for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if not cursor:
            break
    expected = sorted(made, key=lambda i: (scores[i], i), reverse=True) + [unscored]
    assert seen == [(i, scores.get(i)) for i in expected]
    floor = admin("GET", "/leads", params={"sort": "score", "min_score": scores[made[2]]}).json()["items"]
    assert [int(item["id"]) for item in floor] == sorted((i for i in made if scores[i] >= scores[made[2]]),
                                                         key=lambda i: (scores[i], i))
