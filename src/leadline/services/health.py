"""Is the service able to work: does the database answer, at the right schema?"""

from __future__ import annotations

from leadline.domain.errors import LeadlineError
from leadline.services.context import ServiceContext


def check(ctx: ServiceContext) -> tuple[bool, str]:
    try:
        with ctx.reader() as uow:
            uow.statuses.list()
    except Exception as error:  # noqa: BLE001 - health reports, it does not raise
        return False, error.code if isinstance(error, LeadlineError) else type(error).__name__
    return True, "ok"
