"""Pruning the spam defence's state (``leadline capture prune``) on SQLite and PostgreSQL: old used
tokens, ended rate windows and old discarded submissions go; what a check may still need stays,
and a replay of a forgotten token is still held."""

from __future__ import annotations

from typing import Any

import pytest

from leadline.domain.capture.spam import issue_token
from leadline.domain.errors import PermissionDeniedError, ValidationError
from leadline.services.capture import quarantine
from leadline.services.capture.maintenance import PruneResult, prune_capture
from leadline.services.capture.submissions import Outcome
from leadline.services.context import ServiceContext
from leadline.services.security.users import add_user
from tests.conftest import FakeClock
from tests.integration.test_capture import SECRET, _form, _post


def _discard_a_bot(ctx: ServiceContext, admin_id: int, clock: FakeClock, form: Any) -> int:
    held = _post(ctx, clock, form, website_url="http://spam.example", last_name="Bot")
    assert held.outcome is Outcome.QUARANTINED
    return quarantine.discard_submission(ctx, admin_id, held.quarantine_id).id


def test_prune_forgets_what_no_check_needs_and_keeps_the_rest(ctx: ServiceContext, admin_id: int,
                                                              clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    clock.advance(seconds=60 - clock.now.timestamp() % 60)  # the posts below share one rate window
    old_token = issue_token(SECRET, form.id, clock.now)
    assert _post(ctx, clock, form, token=old_token).outcome is Outcome.CREATED
    old_discard = _discard_a_bot(ctx, admin_id, clock, form)
    old_held = _post(ctx, clock, form, website_url="x", last_name="Held").quarantine_id
    clock.advance(days=3)
    clock.advance(seconds=60 - clock.now.timestamp() % 60)
    new_token = issue_token(SECRET, form.id, clock.now)
    assert _post(ctx, clock, form, token=new_token, address="198.51.100.1", last_name="New").outcome \
        is Outcome.CREATED
    new_discard = _discard_a_bot(ctx, admin_id, clock, form)

    done = prune_capture(ctx, admin_id, discarded_days=1)

    assert done == PruneResult(tokens=3, counters=2, discarded=1)
    kept = {q.id for q in quarantine.list_quarantine(ctx, admin_id, state="all")}
    assert kept == {old_held, new_discard} and old_discard not in kept
    replay = _post(ctx, clock, form, token=new_token, address="198.51.100.2", last_name="Again")
    assert replay.outcome is Outcome.QUARANTINED and "token_replayed" in replay.reasons
    forgotten = _post(ctx, clock, form, token=old_token, address="198.51.100.3", last_name="Old")
    assert forgotten.outcome is Outcome.QUARANTINED and forgotten.reasons == ("token_expired",)
    assert prune_capture(ctx, admin_id, discarded_days=1) == PruneResult(0, 0, 0)


def test_zero_days_keeps_every_discarded_submission(ctx: ServiceContext, admin_id: int, clock: FakeClock) -> None:
    form = _form(ctx, admin_id)
    discarded = _discard_a_bot(ctx, admin_id, clock, form)
    clock.advance(days=400)
    assert prune_capture(ctx, admin_id, discarded_days=0).discarded == 0
    assert [q.id for q in quarantine.list_quarantine(ctx, admin_id, state="discarded")] == [discarded]


def test_only_an_admin_prunes_and_the_retention_is_not_negative(ctx: ServiceContext, admin_id: int) -> None:
    rep = add_user(ctx, admin_id, name="Rep", email="rep@example.com").id
    with pytest.raises(PermissionDeniedError):
        prune_capture(ctx, rep, discarded_days=1)
    with pytest.raises(ValidationError) as refused:
        prune_capture(ctx, admin_id, discarded_days=-1)
    assert refused.value.field == "discarded_days"
