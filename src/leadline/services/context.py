"""What every use case is handed: a way to open a unit of work, a clock and the org's defaults.

Use cases never read settings, the environment or the wall clock themselves, so tests pin
time and storage, and the CLI, the API and imports share one behaviour.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from types import MappingProxyType
from typing import Any, TypeVar

from leadline.domain.leads.lead import ContactPointChecker
from leadline.domain.leads.qualification import Criterion, Purpose, active_criteria
from leadline.domain.security.rights import ALL_GRANTED, ObjectRights
from leadline.services.cache import ConfigCache
from leadline.services.contact_points import LibraryContactPointChecker
from leadline.services.ports import UnitOfWork  # at run time: the API resolves this dataclass's annotations
from leadline.services.security.passwords import PasswordHashing

T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(UTC)


class _ClearingCache:
    """Opens units of work (with ``opens``) that clear ``cache`` when a commit of theirs wrote
    configuration: no use case clears it by hand."""

    def __init__(self, opens: Callable[..., UnitOfWork], cache: ConfigCache) -> None:
        self.opens, self.cache = opens, cache

    def __call__(self, *args: Any, **kwargs: Any) -> UnitOfWork:
        uow = self.opens(*args, **kwargs)
        uow.after_configuration_commit(self.cache.invalidate)
        return uow


@dataclass
class ServiceContext:
    #: Opens a unit of work (leadline.persistence.unit_of_work.SqlUnitOfWork in production);
    #: ``uow_factory(read_only=True)`` for use cases that only read.
    uow_factory: Callable[..., UnitOfWork]
    clock: Callable[[], datetime] = utc_now
    currency: str = "USD"
    phone_region: str = "US"
    contact_points: ContactPointChecker = field(default_factory=lambda: LibraryContactPointChecker("US"))
    #: Configuration read on every request, cached per process (see services/cache.py).
    cache: ConfigCache = field(default_factory=ConfigCache)
    #: Password hashing, a bounded number at a time (services/security/passwords.py).
    passwords: PasswordHashing = field(default_factory=PasswordHashing)

    def __post_init__(self) -> None:
        opens = self.uow_factory
        if isinstance(opens, _ClearingCache):  # dataclasses.replace: clear the new cache, not the old one
            opens = opens.opens
        self.uow_factory = _ClearingCache(opens, self.cache)

    def now(self) -> datetime:
        return self.clock()

    def cached(self, uow: UnitOfWork, key: Any, load: Callable[[], T]) -> T:
        """``cache.get(key, load)``, except while ``uow`` holds configuration it has not committed:
        then loaded and not kept, so a change rolled back is never seen by another request."""
        if uow.changes_configuration():
            return load()
        return self.cache.get(key, load, uow.configuration_version)

    def config(self, uow: UnitOfWork) -> CachedConfig:
        """The configuration as of at most ``cache.ttl`` seconds ago, read through ``uow`` when stale."""
        return self.cached(uow, "config", lambda: CachedConfig.load(uow))

    def fresh_config(self, uow: UnitOfWork) -> CachedConfig:
        """The configuration read now, for when the cached one lacks something a record names."""
        self.cache.invalidate()
        return self.config(uow)

    def reader(self) -> UnitOfWork:
        """A unit of work for a use case that only reads (no write lock on SQLite, no commit)."""
        return self.uow_factory(read_only=True)


@dataclass(frozen=True)
class CachedConfig:
    """Everything most requests need besides their records, in one snapshot shared by every
    request of the process: immutable all through (tuples, read-only mappings, frozen records),
    so no caller can change what the others see."""

    statuses: tuple[Any, ...]
    sources: tuple[Any, ...]
    processes: tuple[Any, ...]
    stages: tuple[Any, ...]
    custom_fields: tuple[Any, ...]
    sharing: Mapping[Any, Any]
    users: Mapping[int, Any]
    hierarchy: Mapping[int, int | None]
    transitions: frozenset[tuple[int, int]]
    reasons: tuple[Any, ...]
    criteria: tuple[Any, ...]
    field_mappings: tuple[Any, ...]
    #: the organisation's settings (``org_settings``), key -> text
    settings: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))
    #: what each role may create, edit and delete
    rights: ObjectRights = ALL_GRANTED

    @classmethod
    def load(cls, uow: UnitOfWork) -> CachedConfig:
        users = {u.id: u for u in uow.users.list()}
        return cls(tuple(uow.statuses.list()), tuple(uow.sources.list()), tuple(uow.stages.processes()),
                   tuple(uow.stages.stages()), tuple(uow.custom_fields.definitions()),
                   MappingProxyType(dict(uow.sharing.all())), MappingProxyType(users),
                   MappingProxyType({uid: u.manager_id for uid, u in users.items()}),
                   frozenset(uow.transitions.list()), tuple(uow.reasons.list()), tuple(uow.criteria.list()),
                   tuple(uow.field_mappings.list()), MappingProxyType(dict(uow.settings.all())),
                   uow.rights.all())

    @cached_property
    def status_by_id(self) -> Mapping[int, Any]:
        return MappingProxyType({s.id: s for s in self.statuses})

    @cached_property
    def source_by_id(self) -> Mapping[int, Any]:
        return MappingProxyType({s.id: s for s in self.sources})

    def reason_label(self, reason_id: int | None) -> str | None:
        """The label of the reason ``reason_id`` (its id if it is gone), None for none."""
        if reason_id is None:
            return None
        return self._reason_labels.get(reason_id, str(reason_id))

    @cached_property
    def _reason_labels(self) -> dict[int, str]:  # private: never handed out
        return {r.id: r.label for r in self.reasons}

    def criteria_for(self, purpose: Purpose) -> tuple[str | None, tuple[Criterion, ...]]:
        """``active_criteria`` of ``purpose`` in this configuration, worked out once."""
        if purpose not in self._criteria_for:
            self._criteria_for[purpose] = active_criteria(self.criteria, purpose)
        return self._criteria_for[purpose]

    @cached_property
    def _criteria_for(self) -> dict[Purpose, tuple[str | None, tuple[Criterion, ...]]]:
        return {}

    def custom_fields_of(self, record_type: Any) -> list[Any]:
        return [d for d in self.custom_fields if d.record_type == record_type]
