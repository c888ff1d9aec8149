"""The list of import jobs: the newest first, with who ran each, its status as shown (a running
job whose process is gone shows ``interrupted``) and how to carry on one that stopped short.
(docs/adr/0075-interrupted-import-jobs-by-their-heartbeat.md)"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from leadline.domain.errors import ValidationError
from leadline.domain.imports.job import ImportJob, JobStatus
from leadline.services.context import ServiceContext
from leadline.services.security.access import load_viewer


@dataclass(frozen=True)
class ImportListing:
    """A job as the list shows it: who ran it, its status as shown (``interrupted`` for a running
    job whose process is gone) and, for one that stopped short, how to carry on."""

    job: ImportJob
    actor_name: str
    state: str
    resume_hint: str | None
    now: datetime  # when the state was read


MAX_LISTED = 200


def list_imports(ctx: ServiceContext, actor_id: int, *, limit: int = 50) -> list[ImportListing]:
    """The newest import jobs, newest first: the actor's own; an admin's, everyone's. ``limit``
    is 1 to ``MAX_LISTED``."""
    if not 1 <= limit <= MAX_LISTED:
        raise ValidationError(f"the list shows 1 to {MAX_LISTED} imports", field="limit")
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        found = uow.imports.recent_jobs(None if viewer.user.is_admin() else actor_id, limit)
        users = ctx.config(uow).users  # the cached configuration's: no read per job
    now = ctx.now()
    return [ImportListing(job, users[job.actor_id].name if job.actor_id in users else str(job.actor_id),
                          job.state(now), job.resume_hint(now), now) for job in found]


def running_imports(ctx: ServiceContext, job_ids: Iterable[int]) -> set[int]:
    """Those of ``job_ids`` whose job runs now: ``running`` with a heartbeat younger than
    ``INTERRUPTED_AFTER`` (ADR 0075). A job that ended, is interrupted or is not recorded is not.
    Housekeeping for the web page's pruning of uploads (a started upload is its running job's):
    it tells nothing of the jobs, so it takes no actor."""
    wanted = set(job_ids)
    if not wanted:
        return set()
    with ctx.reader() as uow:
        found = [uow.imports.get_job(job_id) for job_id in wanted]
    now = ctx.now()
    return {job.id for job in found if job is not None and job.state(now) == JobStatus.RUNNING.value}
