"""A table of past records for a backtest: column kinds detected, ids and leaks named and excluded.

Each column is one of: the target, the time column (orders the split, not a feature), a number, a
category, or excluded with a reason:

* **identifier**: named like an id (``id``, ``*_id``, ``uuid``, ``key``) with (almost) every value
  distinct; named like a person's or company's name or a contact point (``first_name``,
  ``last_name``, ``company``, ``phone``, ``website``, ``street``, ...: they say who a row is, not
  what kind) with at least ``NAME_DISTINCT`` of its values distinct; or a text column with half or
  more of its values distinct (two rows or fewer per value: nothing to learn from, and the
  frequency model would leave it out anyway);
* **leak, by name**: named like something recorded after the outcome (converted, won, lost,
  closed, outcome, result, opportunity, deal, stage, status, reason, disqualified);
* **leak, by data**: filled for (almost) only one outcome (``converted_at`` is empty until a lead
  converts), or predicting the outcome almost perfectly on its own;
* **date**: dates other than the time column (a calendar date does not recur in the future);
* **constant**: one value only.

**Rows too recent** (with a time column): a row whose outcome is negative may only not have had its
chance yet. ``min_age_days`` leaves out the rows within that many days of the latest time; without
it, a note counts the negative rows younger than ``RECENT_DAYS`` (Leadline's own maturity rule).
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from leadline.domain.scoring.frequency import FrequencyModel
from leadline.domain.scoring.interface import FeatureValue
from leadline.domain.scoring.metrics import roc_auc

ID_NAME = re.compile(r"(^id$|_id$|^id_|uuid|guid|(^|_)key$|^ref$|number$|^email|e_?mail$)", re.I)
NAME_LIKE = re.compile(r"(^((first|last|middle|full|given|family|sur|contact|account|customer)_?)?name$|"
                       r"^company(_?name)?$|^organi[sz]ation(_?name)?$|phone|mobile|^fax|website|^url$|street|"
                       r"address|postal|^zip)", re.I)
NAME_DISTINCT = 0.1
RECENT_DAYS = 180
LEAK_NAME = re.compile(r"(convert|\bwon\b|_won|won_|lost|closed?|outcome|result|opportunit|deal|stage|status|"
                       r"reason|disqualif|unqualif)", re.I)
TRUE_WORDS = {"1", "true", "yes", "y", "t", "won", "converted", "positive"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "lost", "not converted", "negative", ""}
LEAK_PRESENCE = 0.98
LEAK_AUC = 0.98


class TableError(ValueError):
    """The table cannot be backtested as asked; the message says why, ``field`` which option
    (``file``, ``target``, ``time`` or ``positive``) to change."""

    def __init__(self, message: str, field: str = "file") -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Table:
    rows: list[dict[str, FeatureValue]]
    outcomes: list[bool]
    times: list[datetime] | None
    positive: str
    kinds: dict[str, str] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)
    #: what the reader must know about the rows (left out as too recent, or maybe too recent)
    notes: list[str] = field(default_factory=list)


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            records = [dict(r) for r in reader]
            return list(reader.fieldnames or []), records
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TableError(f"cannot read {path}: {error}") from error


def prepare(columns: Sequence[str], records: Sequence[dict[str, str]], target: str, *,
            time: str | None = None, positive: str | None = None, min_age_days: int | None = None) -> Table:
    """The table's feature rows, outcomes and times, with every column kind and exclusion named.
    ``min_age_days`` (needs ``time``) leaves out the rows within that many days of the latest."""
    if target not in columns:
        raise TableError(f"there is no column {target!r}; the columns are {', '.join(columns)}", "target")
    if time is not None and time not in columns:
        raise TableError(f"there is no time column {time!r}", "time")
    if min_age_days is not None and (time is None or min_age_days < 0):
        raise TableError("--min-age needs a time column (--time) and a number of days, 0 or more", "min_age")
    notes: list[str] = []
    if time is not None and min_age_days is not None:
        records, notes = _old_enough(records, time, min_age_days)
    if len(records) < 20:
        raise TableError(f"a backtest needs at least 20 rows; the table has {len(records)}")
    raw_target = [(r.get(target) or "").strip() for r in records]
    positive = _positive_value(raw_target, positive)
    outcomes = [v.lower() == positive.lower() for v in raw_target]
    if len(set(outcomes)) < 2:
        raise TableError(f"every row has the same outcome in {target!r}; a backtest needs both", "target")
    times = _times(records, time) if time else None
    table = Table([{} for _ in records], outcomes, times, positive, notes=notes)
    if times is not None and min_age_days is None:
        table.notes += _maybe_too_recent(times, outcomes)
    for name in columns:
        if name in (target, time):
            table.kinds[name] = "target" if name == target else "time"
            continue
        values = [(r.get(name) or "").strip() for r in records]
        kind, reason = _kind(name, values, outcomes)
        if reason:
            table.excluded[name] = reason
            continue
        table.kinds[name] = kind
        for row, value in zip(table.rows, values, strict=True):
            row[name] = _cell(value, kind)
    return table


def _cell(value: str, kind: str) -> FeatureValue:
    if value == "":
        return None
    if kind == "number":
        return float(value) if _is_number(value) else None
    return value


def _kind(name: str, values: list[str], outcomes: list[bool]) -> tuple[str, str | None]:
    filled = [v for v in values if v != ""]
    if len(set(values)) <= 1:
        return "constant", "constant: one value only"
    if LEAK_NAME.search(name):
        return "leak", "leak: named like something recorded after the outcome"
    if _presence_leak(values, outcomes):
        return "leak", "leak: filled for (almost) only one outcome"
    if len(set(filled)) <= 1:
        return "constant", "constant: one value where filled"
    distinct = len(set(filled)) / len(filled)
    numeric = _share(filled, _is_number) >= 0.95
    if ID_NAME.search(name) and distinct >= 0.9:
        return "id", "identifier: named like an id, almost every value distinct"
    if _share(filled, _is_date) >= 0.95:
        return "date", "date: not the time column, so not a feature"
    if NAME_LIKE.search(name) and distinct >= NAME_DISTINCT:
        return "id", (f"identifier: a name or contact point ({len(set(filled))} distinct values in "
                      f"{len(filled)} rows) says who a row is, not what kind")
    if not numeric and distinct >= 0.5 and len(filled) >= 20:
        return "id", (f"identifier or free text: {len(set(filled))} distinct values in {len(filled)} rows, "
                      f"too few rows per value to learn from")
    kind = "number" if numeric else "category"
    if _single_column_auc(values, outcomes, numeric) >= LEAK_AUC:
        return "leak", f"leak: predicts the outcome almost perfectly on its own (ROC AUC >= {LEAK_AUC})"
    return kind, None


def _presence_leak(values: list[str], outcomes: list[bool]) -> bool:
    present = [v != "" for v in values]
    if all(present) or not any(present):
        return False
    agree = sum(p == y for p, y in zip(present, outcomes, strict=True)) / len(values)
    return max(agree, 1 - agree) >= LEAK_PRESENCE


def _single_column_auc(values: list[str], outcomes: list[bool], numeric: bool) -> float:
    rows = [{"x": (float(v) if numeric else v) if v != "" else None} for v in values]
    model = FrequencyModel.fit(rows, outcomes)
    if not model.tables:
        return 0.5
    return roc_auc([model.raw(r) for r in rows], outcomes)


def _old_enough(records: Sequence[dict[str, str]], column: str, days: int) -> tuple[list[dict[str, str]], list[str]]:
    """The records at least ``days`` older than the latest, and a note of how many were left out."""
    times = _times(records, column)
    latest = max(times, default=None)
    if latest is None:
        return list(records), []
    kept = [r for r, t in zip(records, times, strict=True) if (latest - t).days >= days]
    left = len(records) - len(kept)
    return kept, [f"left out {left} rows with {column} within {days} days of the latest ({latest:%Y-%m-%d}): "
                  f"too recent to have had their chance"]


def _maybe_too_recent(times: list[datetime], outcomes: list[bool]) -> list[str]:
    latest = max(times)
    young = sum(not y and (latest - t).days < RECENT_DAYS for t, y in zip(times, outcomes, strict=True))
    if not young:
        return []
    return [f"{young} rows without the positive outcome are younger than {RECENT_DAYS} days at the latest time "
            f"({latest:%Y-%m-%d}): some may not have had their chance yet and count as failures; "
            f"--min-age {RECENT_DAYS} leaves them out"]


def _positive_value(values: list[str], positive: str | None) -> str:
    distinct = sorted({v for v in values}, key=str.lower)
    if positive is not None:
        if positive.lower() not in {v.lower() for v in distinct}:
            raise TableError(f"no row has the positive value {positive!r}; the values are {', '.join(distinct)}",
                             "positive")
        return positive
    truthy = [v for v in distinct if v.lower() in TRUE_WORDS]
    if len(distinct) == 2 and len(truthy) == 1 and all(v.lower() in TRUE_WORDS | FALSE_WORDS for v in distinct):
        return truthy[0]
    raise TableError(f"say which value is the positive outcome with --positive; the values are "
                     f"{', '.join(repr(v) for v in distinct[:10])}", "positive")


def _times(records: Sequence[dict[str, str]], column: str) -> list[datetime]:
    out = []
    for i, record in enumerate(records, start=2):
        value = (record.get(column) or "").strip()
        try:
            out.append(datetime.fromisoformat(value).replace(tzinfo=None))
        except ValueError as error:
            raise TableError(f"line {i}: {column} {value!r} is not an ISO date or date-time", "time") from error
    return out


def _share(values: list[str], test: object) -> float:
    return sum(bool(test(v)) for v in values) / len(values) if values else 0.0  # type: ignore[operator]


def _is_number(value: str) -> bool:
    try:
        float(value)
    except ValueError:
        return False
    return True


def _is_date(value: str) -> bool:
    if len(value) < 8 or _is_number(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True
