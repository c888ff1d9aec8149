"""Shared fixture for the HTTP-stack benchmark: the SQLite `leads` table and its data.

Not part of the `leadline` package; used only by the apps in this folder (see README.md).
"""

from __future__ import annotations

import os
import random
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    Engine,
    Integer,
    MetaData,
    String,
    Table,
    create_engine,
    event,
    insert,
    select,
)

ROWS = 10_000
DB_PATH = Path(os.environ.get("STACK_BENCH_DB", Path(tempfile.gettempdir()) / "leadline-stack-bench.db"))

metadata = MetaData()

# 20 columns, shaped like a lead.
leads = Table(
    "leads",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("first_name", String(80), nullable=False),
    Column("last_name", String(80), nullable=False),
    Column("email", String(254), nullable=False),
    Column("phone", String(32)),
    Column("company", String(120), nullable=False),
    Column("title", String(120)),
    Column("source", String(32), nullable=False),
    Column("status", String(16), nullable=False),
    Column("score", Integer, nullable=False),
    Column("owner_id", Integer),
    Column("city", String(80)),
    Column("country", String(2), nullable=False),
    Column("industry", String(64)),
    Column("employees", Integer),
    Column("annual_revenue_cents", Integer),
    Column("notes", String(2000)),
    Column("is_qualified", Boolean, nullable=False),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("updated_at", DateTime(timezone=True), nullable=False),
)

STATUSES = ("new", "contacted", "qualified", "unqualified")
SOURCES = ("web", "referral", "event", "outbound", "partner")

# The constant document that GET /ceiling returns: one lead, 20 fields.
CEILING_LEAD: dict[str, object] = {
    "id": 4242,
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada.lovelace@example.com",
    "phone": "+44 20 7946 0958",
    "company": "Analytical Engines Ltd",
    "title": "Head of Computing",
    "source": "referral",
    "status": "qualified",
    "score": 87,
    "owner_id": 7,
    "city": "London",
    "country": "GB",
    "industry": "Software",
    "employees": 120,
    "annual_revenue_cents": 1_250_000_000,
    "notes": "Met at the Difference Engine meetup; wants a demo in Q3.",
    "is_qualified": True,
    "created_at": "2026-11-02T09:30:00Z",
    "updated_at": "2026-11-20T16:05:00Z",
}


def _pragmas(dbapi_conn, _record) -> None:  # noqa: ANN001
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(path: Path = DB_PATH) -> Engine:
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 30, "check_same_thread": False})
    event.listen(engine, "connect", _pragmas)
    return engine


def _generate(path: Path) -> None:
    rnd = random.Random(20261127)
    base = datetime(2026, 1, 1, tzinfo=UTC)
    engine = make_engine(path)
    metadata.create_all(engine)
    rows = []
    for i in range(1, ROWS + 1):
        created = base + timedelta(minutes=rnd.randrange(0, 400_000))
        status = rnd.choice(STATUSES)
        rows.append(
            {
                "id": i,
                "first_name": f"First{i}",
                "last_name": f"Last{i}",
                "email": f"lead{i}@example.com",
                "phone": f"+1 555 {i:07d}",
                "company": f"Company {i % 1500}",
                "title": rnd.choice(("CTO", "VP Sales", "Buyer", "Founder", None)),
                "source": rnd.choice(SOURCES),
                "status": status,
                "score": rnd.randrange(0, 101),
                "owner_id": rnd.randrange(1, 25),
                "city": rnd.choice(("Paris", "Berlin", "Austin", "Osaka", None)),
                "country": rnd.choice(("FR", "DE", "US", "JP", "GB")),
                "industry": rnd.choice(("Software", "Retail", "Energy", None)),
                "employees": rnd.randrange(1, 5000),
                "annual_revenue_cents": rnd.randrange(0, 10**11),
                "notes": "Imported lead." if i % 3 else None,
                "is_qualified": status == "qualified",
                "created_at": created,
                "updated_at": created + timedelta(days=rnd.randrange(0, 30)),
            }
        )
    with engine.begin() as conn:
        conn.execute(insert(leads), rows)
    engine.dispose()


def ensure_db(path: Path = DB_PATH) -> Path:
    """Create the database with ROWS leads if it is missing (atomically, so parallel workers are safe)."""
    if path.exists():
        return path
    fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.unlink(tmp)
    tmp_path = Path(tmp)
    try:
        _generate(tmp_path)
        # Checkpoint so the single file is complete before the rename.
        eng = make_engine(tmp_path)
        with eng.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        eng.dispose()
        if not path.exists():
            os.replace(tmp_path, path)
    finally:
        for suffix in ("", "-wal", "-shm"):
            Path(str(tmp_path) + suffix).unlink(missing_ok=True)
    return path


def new_lead_values(data: dict[str, object]) -> dict[str, object]:
    """Fill the 10 columns a client does not send."""
    now = datetime.now(UTC)
    return {
        **data,
        "owner_id": None,
        "city": None,
        "industry": None,
        "employees": None,
        "annual_revenue_cents": None,
        "notes": None,
        "is_qualified": data["status"] == "qualified",
        "created_at": now,
        "updated_at": now,
    }


def read_lead(engine: Engine, lead_id: int) -> dict[str, object] | None:
    with engine.connect() as conn:
        row = conn.execute(select(leads).where(leads.c.id == lead_id)).mappings().first()
    return dict(row) if row is not None else None


def create_lead(engine: Engine, data: dict[str, object]) -> dict[str, object]:
    values = new_lead_values(data)
    with engine.begin() as conn:
        new_id = conn.execute(insert(leads).values(values)).inserted_primary_key[0]
    return {"id": new_id, **values}
