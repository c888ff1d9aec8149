"""In-memory fakes of the ports (leadline.services.ports) for the use-case tests: the rule
matrices run against them in milliseconds, while repositories, queries and migrations keep their
tests on SQLite and PostgreSQL. mypy checks the fakes against the same Protocols as SqlUnitOfWork."""

from __future__ import annotations

from leadline.services.ports import UnitOfWork


def port_repository_names() -> list[str]:
    """Every repository and query object the port ``UnitOfWork`` offers, by attribute name."""
    return sorted(name for name, member in vars(UnitOfWork).items() if isinstance(member, property))
