"""The lead import by its own names (``services/imports/jobs.py`` does the work for every kind):
what the API, the CLI and the benchmarks of leads call."""

from __future__ import annotations

from leadline.domain.imports.job import ImportJob, ImportOptions
from leadline.services.context import ServiceContext
from leadline.services.imports.files import SourceFile
from leadline.services.imports.jobs import (
    Progress,
    find_campaign,
    get_import,
    import_error_rows,
    import_records,
    run_import,
    start_import,
)
from leadline.services.imports.mappings import import_mappings, save_import_mapping

__all__ = ["find_campaign", "get_import", "import_error_rows", "import_leads", "import_mappings", "run_lead_import",
           "save_import_mapping", "start_lead_import"]


def start_lead_import(ctx: ServiceContext, actor_id: int, source: SourceFile, *, mapping_name: str | None = None,
                      options: ImportOptions | None = None, campaign: str | None = None) -> ImportJob:
    """``start_import`` of leads."""
    return start_import(ctx, actor_id, "lead", source, mapping_name=mapping_name, options=options, campaign=campaign)


def run_lead_import(ctx: ServiceContext, job_id: int, source: SourceFile, *,
                    progress: Progress | None = None) -> ImportJob:
    """``run_import``: the job knows its kind."""
    return run_import(ctx, job_id, source, progress=progress)


def import_leads(ctx: ServiceContext, actor_id: int, source: SourceFile, *, mapping_name: str | None = None,
                 options: ImportOptions | None = None, progress: Progress | None = None,
                 campaign: str | None = None) -> ImportJob:
    """``import_records`` of leads: the whole import, in this thread."""
    return import_records(ctx, actor_id, "lead", source, mapping_name=mapping_name, options=options,
                          progress=progress, campaign=campaign)
