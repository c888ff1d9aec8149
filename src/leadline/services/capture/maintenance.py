"""Pruning the spam defence's state (docs/adr/0032): what no check can need any more.

* used timing tokens: a token used longer ago than the longest ``max_token_age_seconds`` of any
  form is expired by now, so a replay of it is still held (as ``token_expired``);
* rate counters of windows that ended (older than the longest ``window_seconds``);
* submissions discarded from the quarantine more than ``discarded_days`` ago (held and released
  ones are never pruned: a held one awaits a person, a released one made a lead).

``leadline capture prune`` runs it (a cron line in the README); it is safe to run at any time
and any number of times.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from leadline.domain.capture.forms import SpamSettings
from leadline.domain.errors import ValidationError
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer, require_admin


@dataclass(frozen=True)
class PruneResult:
    tokens: int
    counters: int
    discarded: int


def prune_capture(ctx: ServiceContext, actor_id: int, *, discarded_days: int) -> PruneResult:
    """Forget used tokens and ended rate windows no check can need, and delete submissions
    discarded more than ``discarded_days`` ago (0 keeps them all). Admins only; one transaction."""
    if discarded_days < 0:
        raise ValidationError("must be 0 (keep) or more", field="discarded_days")
    with ctx.uow_factory() as uow:
        require_admin(load_viewer(uow, actor_id, ctx).user)
        now = ctx.now()
        spams = [form.spam for form in uow.captures.forms()] or [SpamSettings()]
        token_age = max(spam.max_token_age_seconds for spam in spams)
        window = max(spam.window_seconds for spam in spams)
        tokens = uow.captures.forget_tokens_before(now - timedelta(seconds=token_age))
        counters = uow.captures.forget_windows_before(int(now.timestamp()) - window)
        discarded = (uow.captures.forget_discarded_before(now - timedelta(days=discarded_days))
                     if discarded_days else 0)
        uow.commit()
        return PruneResult(tokens, counters, discarded)
