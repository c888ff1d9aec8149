"""Settings of the report transaction on PostgreSQL (``SET LOCAL``: they end with it).

A report aggregates the whole history in one statement: with the server's default ``work_mem``
(4 MB) its sorts and hashes spill to disk, and just-in-time compilation, which the planner turns
on for statements this costly, spends longer compiling than it saves. bench/bench_reports.py
measures both sides (``--paired``); bench/RESULTS.md, issue 19, has the figures.
"""

from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

#: setting -> value for the report's transaction (the benchmark empties it for its "before" side)
REPORT_SETTINGS: dict[str, str] = {"work_mem": "64MB", "jit": "off"}


def apply_report_settings(session: Session) -> None:
    """``SET LOCAL`` each of ``REPORT_SETTINGS`` (PostgreSQL only; SQLite has no such settings)."""
    if session.get_bind().dialect.name != "postgresql":
        return
    for name, value in REPORT_SETTINGS.items():
        session.execute(text(f"SET LOCAL {name} = '{value}'"))
