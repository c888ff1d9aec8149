"""Which existing record each skipped or updated row of an import matched (issue 17): the row's
number in the file, what became of it, the record's id, the duplicate rules that matched and the
score, so a person can see which row skipped or changed which record before trusting an import
(ADR 0073: an update by a weaker match than the exact e-mail fills empty fields only).

Example: ``for line in import_matches(ctx, me, job_id): print(line)`` gives
``["row", "outcome", "record_id", "matched", "rules", "score"]`` then
``["7", "updated", "1234567890", "stored", "lead:phone", "90"]``.
"""

from __future__ import annotations

from collections.abc import Iterator

from leadline.services.context import ServiceContext
from leadline.services.imports.jobs import get_import

MATCH_COLUMNS = ("row", "outcome", "record_id", "matched", "rules", "score")


def import_matches(ctx: ServiceContext, actor_id: int, job_id: int, *, page: int = 1000) -> Iterator[list[str]]:
    """The skipped and updated rows of an import of the actor's (an admin's: anyone's), header
    first, in file order: ``matched`` is ``stored`` (found among the stored records, earlier blocks'
    included) or ``this import`` (the record as an earlier row of the same block made or changed
    it, not yet written; in a dry run, any earlier row's, never written); ``record_id`` is empty for a record
    the importer may not read (its rules are told, never its id). ``NOT_FOUND`` as ``get_import``."""
    job = get_import(ctx, actor_id, job_id)
    yield list(MATCH_COLUMNS)
    after = 0
    while True:
        with ctx.reader() as uow:
            matches = uow.imports.matches_of(job.id, after_row=after, limit=page)
        for match in matches:
            yield [str(match.row), match.outcome, str(match.record_id) if match.record_id else "",
                   "this import" if match.in_file else "stored", ", ".join(match.rules), str(match.score)]
        if len(matches) < page:
            return
        after = matches[-1].row
