"""Opportunities as a list filters them and as a reader names them: the stage (by label or id),
the sales process (by name or id), and the names of an opportunity's stage and process."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from leadline.domain.conversion.audit import Derived
from leadline.domain.errors import ValidationError
from leadline.domain.money import parse_amount
from leadline.domain.queries import RecordQuery
from leadline.services.context import ServiceContext
from leadline.services.security.users import resolve_query_owners


@dataclass(frozen=True, slots=True)
class StageName:
    """What an opportunity's ``stage_id`` stands for: the stage's label and its process."""

    stage: str
    process_id: int
    process: str


def _names(config: Any) -> dict[int, StageName]:
    processes = {p.id: p.name for p in config.processes}
    return {s.id: StageName(s.label, s.process_id, processes.get(s.process_id, str(s.process_id)))
            for s in config.stages}


_stage_names = Derived(_names)  # worked out once per configuration snapshot


def stage_names(ctx: ServiceContext) -> Mapping[int, StageName]:
    """Stage id -> its label, process id and process name (from the cached configuration)."""
    with ctx.reader() as uow:
        return _stage_names(ctx.config(uow))  # type: ignore[no-any-return]


def opportunity_query(ctx: ServiceContext, *, owners: Iterable[str] = (), search: str | None = None,
                      account_id: int | None = None, stages: Iterable[str] = (), processes: Iterable[str] = (),
                      outcomes: Iterable[str] = (), close_from: date | None = None, close_to: date | None = None,
                      amount_from: object = None, amount_to: object = None, min_score: int | None = None,
                      max_score: int | None = None) -> RecordQuery:
    """A list query of opportunities from references as users give them: stages by label or id
    (a label names that stage in every process), processes by name or id, outcomes by name,
    amounts as text. Unknown references are refused naming the field; a stage outside the
    processes asked for too."""
    with ctx.reader() as uow:
        config = ctx.config(uow)
    stage_ids = _stage_ids(config, [s for s in stages if s.strip()], [p for p in processes if p.strip()])

    def amount(value: object, field: str) -> Decimal | None:
        return None if value in (None, "") else parse_amount(value, field=field, allow_negative=True)

    return RecordQuery(owner_ids=resolve_query_owners(ctx, list(owners)), search=search, account_id=account_id,
                       stage_ids=stage_ids, outcomes=tuple(o.strip().lower() for o in outcomes),
                       close_from=close_from, close_to=close_to,
                       amount_from=amount(amount_from, "amount_from"), amount_to=amount(amount_to, "amount_to"),
                       min_score=min_score, max_score=max_score)


def _stage_ids(config: Any, stages: list[str], processes: list[str]) -> tuple[int, ...]:
    """The stage ids to filter by; () for no filter, (0,) (no stage has it) when nothing can match."""
    if not stages and not processes:
        return ()
    chosen = {s.id for s in config.stages}
    if processes:
        process_ids = {_process_id(config.processes, p) for p in processes}
        chosen = {s.id for s in config.stages if s.process_id in process_ids}
    if stages:
        named = {s.id for reference in stages for s in _stages_named(config.stages, reference)}
        if not named & chosen:
            raise ValidationError(f"no stage {', '.join(stages)} in the process {', '.join(processes)}",
                                  field="stage")
        chosen &= named
    return tuple(sorted(chosen)) or (0,)


def _stages_named(all_stages: list[Any], reference: str) -> list[Any]:
    text = reference.strip()
    found = [s for s in all_stages if s.label.casefold() == text.casefold() or str(s.id) == text]
    if not found:
        known = ", ".join(dict.fromkeys(s.label for s in all_stages))
        raise ValidationError(f"there is no stage {reference!r}; the stages are {known}", field="stage")
    return found


def _process_id(processes: list[Any], reference: str) -> int:
    text = reference.strip()
    for process in processes:
        if process.name.casefold() == text.casefold() or str(process.id) == text:
            return int(process.id)
    known = ", ".join(p.name for p in processes)
    raise ValidationError(f"there is no sales process {reference!r}; the processes are {known}", field="process")
