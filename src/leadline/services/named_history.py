"""Field history as people read it: configured values and users by name, not by id
(domain/history.py ``with_names``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from leadline.domain.conversion.audit import Derived
from leadline.domain.history import FieldChange, with_names


def _names(config: Any) -> dict[str, dict[str, str]]:
    def by_id(items: Iterable[Any], name_of: Any) -> dict[str, str]:
        return {str(item.id): name_of(item) for item in items}

    return {"source": by_id(config.sources, lambda s: s.label), "status": by_id(config.statuses, lambda s: s.label),
            "stage": by_id(config.stages, lambda s: s.label), "reason": by_id(config.reasons, lambda r: r.label),
            "user": by_id(config.users.values(), lambda u: u.email)}


_history_names = Derived(_names)  # worked out once per configuration snapshot


def named_history(config: Any, changes: Iterable[FieldChange]) -> list[FieldChange]:
    """``changes`` with sources, statuses, stages, reasons and owners shown by name (users by e-mail)."""
    return with_names(changes, _history_names(config))
