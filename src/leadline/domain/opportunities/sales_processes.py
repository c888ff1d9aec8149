"""Which sales process an opportunity follows, which of its stages a reference names, and where
a new stage goes in its process.

An opportunity follows the process it names; else the active process set for its type (a
renewal follows "Renewals" when an admin said so); else the default process. Any active stage of
that process may be named, by label or id; a stage id names its own process.

Example::

    process = process_for(processes, stages, named="Renewals", stage="Renewal Review")
    stage = stage_in(stages, process, "Renewal Review")
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace

from leadline.domain.common import parse_position
from leadline.domain.errors import ValidationError
from leadline.domain.opportunities.opportunity import (
    OpportunityStage,
    OpportunityType,
    SalesProcess,
    default_process,
    first_open_stage,
)


def find_process(processes: Iterable[SalesProcess], reference: object) -> SalesProcess:
    """The active process named by ``reference`` (name in any case, or id); ``VALIDATION_FAILED``
    on ``process`` naming the choices otherwise."""
    items = list(processes)
    text = str(reference).strip()
    for process in items:
        if process.is_active and (process.name.casefold() == text.casefold() or str(process.id) == text):
            return process
    choices = ", ".join(p.name for p in items if p.is_active)
    raise ValidationError(f"there is no active sales process {reference!r}; use one of {choices}", field="process")


def process_for(processes: Iterable[SalesProcess], stages: Iterable[OpportunityStage], *, named: object = None,
                opportunity_type: OpportunityType | None = None, stage: object = None) -> SalesProcess:
    """The process an opportunity follows: the one ``named``; else the process of the stage whose
    id ``stage`` is; else the active process for ``opportunity_type``; else the default one."""
    items = list(processes)
    if named not in (None, ""):
        return find_process(items, named)
    by_id = {str(s.id): s.process_id for s in stages}
    if stage is not None and str(stage).strip() in by_id:
        return find_process(items, by_id[str(stage).strip()])
    typed = [p for p in items if p.is_active and p.opportunity_type is not None
             and p.opportunity_type is opportunity_type]
    return typed[0] if typed else default_process(items)


def stage_in(stages: Iterable[OpportunityStage], process: SalesProcess, reference: object) -> OpportunityStage:
    """The active stage of ``process`` named by ``reference`` (label in any case, or id); no
    reference gives its first open stage. ``VALIDATION_FAILED`` on ``stage`` naming the process
    and its stages otherwise."""
    in_process = sorted((s for s in stages if s.process_id == process.id and s.is_active), key=lambda s: s.order)
    if reference in (None, ""):
        return first_open_stage(in_process)
    text = str(reference).strip()
    for stage in in_process:
        if stage.label.casefold() == text.casefold() or str(stage.id) == text:
            return stage
    labels = ", ".join(s.label for s in in_process)
    raise ValidationError(f"there is no active stage {reference!r} in the sales process {process.name!r} "
                          f"(its stages: {labels}); name another process with process", field="stage")


def place_stage(stages: Iterable[OpportunityStage], new: OpportunityStage,
                position: int | None) -> list[OpportunityStage]:
    """The process's stages with ``new`` at ``position`` (0 is first; default: last), renumbered
    0..n-1 so no two stages share a position. Returns the stages whose order changed (``new``
    included, renumbered); ``VALIDATION_FAILED`` on ``position`` outside 0..n."""
    ordered = sorted(stages, key=lambda s: (s.order, s.label))
    where = len(ordered) if position is None else parse_position(position)
    if not 0 <= where <= len(ordered):
        raise ValidationError(f"must be between 0 and {len(ordered)}", field="position")
    ordered.insert(where, new)
    return [replace(stage, order=order) for order, stage in enumerate(ordered) if stage.order != order or stage is new]
