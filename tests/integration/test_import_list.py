"""The list of import jobs on a real database (SQLite and PostgreSQL): newest first, a user's own
(an admin's: everyone's), and a job whose process died shown as interrupted with how to resume."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from leadline.domain.errors import ValidationError
from leadline.domain.imports.job import ImportJob, ImportOptions, JobStatus
from leadline.services.context import ServiceContext
from leadline.services.imports import leads as imports
from leadline.services.imports.files import inspect_file
from leadline.services.imports.listing import list_imports, running_imports
from leadline.services.security.users import add_user
from tests.conftest import FakeClock


def leads_file(path: Path, count: int) -> Path:
    with path.open("w", newline="", encoding="utf-8") as file:
        csv.writer(file).writerows([["LastName", "Company"],
                                     *([f"{path.stem}{i}", f"{path.stem} Co {i}"] for i in range(count))])
    return path


def killed_after_first_block(ctx: ServiceContext, actor: int, path: Path) -> ImportJob:
    """An import whose process died after its first block of 5 rows committed."""
    source = inspect_file(path)
    job = imports.start_lead_import(ctx, actor, source, options=ImportOptions(block_size=5))

    def die(progress: ImportJob) -> None:
        raise KeyboardInterrupt  # as a process killed between two blocks

    with pytest.raises(KeyboardInterrupt):
        imports.run_lead_import(ctx, job.id, source, progress=die)
    return job


def test_a_user_lists_their_own_imports_newest_first_and_an_admin_everyone_s(
    ctx: ServiceContext, admin_id: int, clock: FakeClock, tmp_path: Path
) -> None:
    rep = add_user(ctx, admin_id, name="Rita Rep", email="rita@example.com").id
    first = imports.import_leads(ctx, rep, inspect_file(leads_file(tmp_path / "a.csv", 2)))
    clock.advance(minutes=1)
    second = imports.import_leads(ctx, admin_id, inspect_file(leads_file(tmp_path / "b.csv", 3)))

    assert [(i.job.id, i.actor_name, i.state) for i in list_imports(ctx, rep)] == [(first.id, "Rita Rep", "completed")]
    everyone = list_imports(ctx, admin_id)
    assert [i.job.id for i in everyone] == [second.id, first.id]
    assert [i.job.counts.imported for i in everyone] == [3, 2]
    assert [i.job.id for i in list_imports(ctx, admin_id, limit=1)] == [second.id]
    with pytest.raises(ValidationError):
        list_imports(ctx, admin_id, limit=0)


def test_a_running_job_that_stopped_moving_shows_interrupted_with_how_to_resume_it(
    ctx: ServiceContext, admin_id: int, clock: FakeClock, tmp_path: Path
) -> None:
    path = leads_file(tmp_path / "big.csv", 12)
    job = killed_after_first_block(ctx, admin_id, path)

    clock.advance(minutes=4)  # still within a live job's quiet time
    [listed] = list_imports(ctx, admin_id)
    assert (listed.job.status, listed.state, listed.resume_hint) == (JobStatus.RUNNING, "running", None)

    clock.advance(minutes=2)
    [listed] = list_imports(ctx, admin_id)
    assert listed.state == "interrupted" and listed.job.rows_done == 5
    assert listed.resume_hint == "import big.csv again as lead records (same user): it resumes after row 6"
    assert imports.get_import(ctx, admin_id, job.id).state(clock.now) == "interrupted"

    again = imports.import_leads(ctx, admin_id, inspect_file(path))  # as the hint says
    assert again.id == job.id and again.counts.imported == 12
    [listed] = list_imports(ctx, admin_id)
    assert (listed.state, listed.resume_hint) == ("completed", None)


def test_only_a_job_whose_heartbeat_moves_counts_as_running_for_the_pruning_of_its_upload(
    ctx: ServiceContext, admin_id: int, clock: FakeClock, tmp_path: Path
) -> None:
    done = imports.import_leads(ctx, admin_id, inspect_file(leads_file(tmp_path / "done.csv", 2)))
    killed = killed_after_first_block(ctx, admin_id, leads_file(tmp_path / "killed.csv", 12))
    assert running_imports(ctx, [done.id, killed.id, 12345]) == {killed.id}  # its last block is fresh
    clock.advance(minutes=6)
    assert running_imports(ctx, [done.id, killed.id]) == set()  # interrupted
    assert running_imports(ctx, []) == set()
