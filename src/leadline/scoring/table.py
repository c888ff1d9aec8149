"""A table of past records for a backtest: column kinds detected, ids and leaks named and excluded.

Each column is one of: the target, the time column (orders the split, not a feature), a number, a
category, or excluded with a reason:

* **identifier**: named like an id (``id``, ``*_id``, ``uuid``, ``key``) with (almost) every value
  distinct, or a text column with 95 % or more distinct values (names, e-mails, free text);
* **leak, by name**: named like something recorded after the outcome (converted, won, lost,
  closed, outcome, result, opportunity, deal, stage, status, reason, disqualified);
* **leak, by data**: filled for (almost) only one outcome (``converted_at`` is empty until a lead
  converts), or predicting the outcome almost perfectly on its own;
* **date**: dates other than the time column (a calendar date does not recur in the future);
* **constant**: one value only.
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
LEAK_NAME = re.compile(r"(convert|\bwon\b|_won|won_|lost|closed?|outcome|result|opportunit|deal|stage|status|"
                       r"reason|disqualif|unqualif)", re.I)
TRUE_WORDS = {"1", "true", "yes", "y", "t", "won", "converted", "positive"}
FALSE_WORDS = {"0", "false", "no", "n", "f", "lost", "not converted", "negative", ""}
LEAK_PRESENCE = 0.98
LEAK_AUC = 0.98


class TableError(ValueError):
    """The table cannot be backtested as asked; the message says why."""


@dataclass
class Table:
    rows: list[dict[str, FeatureValue]]
    outcomes: list[bool]
    times: list[datetime] | None
    positive: str
    kinds: dict[str, str] = field(default_factory=dict)
    excluded: dict[str, str] = field(default_factory=dict)


def read_csv(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    try:
        with path.open(newline="", encoding="utf-8-sig") as handle:
            reader = csv.DictReader(handle)
            records = [dict(r) for r in reader]
            return list(reader.fieldnames or []), records
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        raise TableError(f"cannot read {path}: {error}") from error


def prepare(columns: Sequence[str], records: Sequence[dict[str, str]], target: str, *,
            time: str | None = None, positive: str | None = None) -> Table:
    """The table's feature rows, outcomes and times, with every column kind and exclusion named."""
    if target not in columns:
        raise TableError(f"there is no column {target!r}; the columns are {', '.join(columns)}")
    if time is not None and time not in columns:
        raise TableError(f"there is no time column {time!r}")
    if len(records) < 20:
        raise TableError(f"a backtest needs at least 20 rows; the table has {len(records)}")
    raw_target = [(r.get(target) or "").strip() for r in records]
    positive = _positive_value(raw_target, positive)
    outcomes = [v.lower() == positive.lower() for v in raw_target]
    if len(set(outcomes)) < 2:
        raise TableError(f"every row has the same outcome in {target!r}; a backtest needs both")
    times = _times(records, time) if time else None
    table = Table([{} for _ in records], outcomes, times, positive)
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
    if not numeric and distinct >= 0.95 and len(filled) >= 20:
        return "id", "identifier or free text: almost every value distinct"
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


def _positive_value(values: list[str], positive: str | None) -> str:
    distinct = sorted({v for v in values}, key=str.lower)
    if positive is not None:
        if positive.lower() not in {v.lower() for v in distinct}:
            raise TableError(f"no row has the positive value {positive!r}; the values are {', '.join(distinct)}")
        return positive
    truthy = [v for v in distinct if v.lower() in TRUE_WORDS]
    if len(distinct) == 2 and len(truthy) == 1 and all(v.lower() in TRUE_WORDS | FALSE_WORDS for v in distinct):
        return truthy[0]
    raise TableError(f"say which value is the positive outcome with --positive; the values are "
                     f"{', '.join(repr(v) for v in distinct[:10])}")


def _times(records: Sequence[dict[str, str]], column: str) -> list[datetime]:
    out = []
    for i, record in enumerate(records, start=2):
        value = (record.get(column) or "").strip()
        try:
            out.append(datetime.fromisoformat(value).replace(tzinfo=None))
        except ValueError as error:
            raise TableError(f"line {i}: {column} {value!r} is not an ISO date or date-time") from error
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
