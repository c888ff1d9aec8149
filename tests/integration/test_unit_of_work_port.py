"""The SQL unit of work honours the port services are typed against (mypy checks this module)."""

from __future__ import annotations

from sqlalchemy import Engine

from leadline.persistence.unit_of_work import SqlUnitOfWork
from leadline.services.ports import UnitOfWork
from tests.fakes import port_repository_names


def test_the_sql_unit_of_work_makes_each_repository_of_the_port_once_per_unit_of_work(engine: Engine) -> None:
    uow: UnitOfWork = SqlUnitOfWork(engine, read_only=True)  # mypy: SqlUnitOfWork honours the port
    with uow:
        first = {name: getattr(uow, name) for name in port_repository_names()}
        assert all(getattr(uow, name) is repository for name, repository in first.items())
    with SqlUnitOfWork(engine, read_only=True) as other:
        assert all(getattr(other, name) is not first[name] for name in first)


def test_each_repository_of_the_sql_unit_of_work_is_the_class_its_attribute_is_typed_as(engine: Engine) -> None:
    # the repositories are imported on first use, by name: a name must match the attribute's type
    with SqlUnitOfWork(engine, read_only=True) as uow:
        for name in set(port_repository_names()) - {"reads", "exports"}:  # properties, not imported by name
            typed_as = SqlUnitOfWork.__annotations__[name]
            assert typed_as == f"_Repository[{type(getattr(uow, name)).__name__}]", name
