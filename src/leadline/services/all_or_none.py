"""Several record writes as ONE unit of work: all kept, or none.

Each step is a use case call made on a context whose units of work join one transaction
(``UnitOfWork.joining``): the use case runs unchanged (its rules, record-level security, audit,
deletions), its ``commit`` only sends its writes, and its reads see the steps before it. The
transaction commits once, after the last step; a step that raises rolls back every step, and the
error leaves as it was raised. Salesforce's ``allOrNone: true`` (composite, composite/sobjects)
is this use case.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TypeVar

from leadline.services.context import ServiceContext

T = TypeVar("T")

#: a step: a use case call on the joined context
Step = Callable[[ServiceContext], T]


def run_all_or_none(ctx: ServiceContext, steps: Sequence[Step[T]]) -> list[T]:
    """Each step's result, in order, once all are committed together; the first step to raise
    rolls back all of them and its error is raised.

    Example: ``run_all_or_none(ctx, [lambda c: create_account(c, admin, {"name": "Acme"}), ...])``.
    """
    with ctx.uow_factory() as uow:
        joined = replace(ctx, uow_factory=uow.joining())
        results = [step(joined) for step in steps]
        uow.commit()
    return results
