"""``BatchedUnitOfWork``: what ``convert_in`` sees for a lead of a bulk conversion batch.

The conversion itself is the one of ``convert_lead``, unchanged: only where it reads and writes
differs. Reads come from what the batch read at once (the lead, locked, with its product lines
and custom values) or, for what is the same for every lead (configuration, users, the catalogue,
the standard prices), from the unit of work the first time they are asked for in the call.
Writes are collected by the persistence layer's ``ConversionBatch`` as the rows the repositories
would write and written together. Anything else raises ``NotBatchedError``: that lead is then
converted alone, against the real unit of work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn

from leadline.domain.accounts import Account, normalise_company_name
from leadline.domain.custom_fields import RecordType
from leadline.domain.leads import Lead, phone_number_of
from leadline.services.ports import UnitOfWork
from leadline.services.ports.configuration import (
    CriteriaRepository,
    FieldMappingRepository,
    ReasonRepository,
    SourceRepository,
    StageRepository,
    StatusRepository,
    TransitionRepository,
)
from leadline.services.ports.security import SharingRepository


class NotBatchedError(Exception):
    """``BatchedUnitOfWork`` was asked for something it does not batch: convert the lead alone."""


def _not_batched(name: str) -> NotBatchedError | AttributeError:
    return AttributeError(name) if name.startswith("__") else NotBatchedError(name)


class _Part:
    """A repository of ``BatchedUnitOfWork``: the methods given; anything else takes the slow path."""

    def __init__(self, **methods: Callable[..., Any]) -> None:
        self.__dict__.update(methods)

    def __getattr__(self, name: str) -> Any:
        raise _not_batched(name)


class BatchedUnitOfWork:
    """The unit of work of one bulk conversion, as ``convert_in`` uses it for batched leads."""

    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self.pending = uow.conversions.batch()  # the rows collected, written by ``write``
        self.lead: Lead | None = None  # the lead ``convert_in`` is about to read
        self.current = 0  # the id of the lead being converted
        self._custom: tuple[tuple[int, ...], dict[int, dict[str, Any]]] = ((), {})
        self._known: dict[Any, Any] = {}  # what is the same for every lead, read once per call
        rows = self.pending
        self.leads = _Part(get_for_update=self._lead, save=rows.save_lead, record_status_change=rows.add_status_change)
        self._new = _NewRecords()  # the accounts and contacts collected since the last write
        self.accounts = _Part(add=self._new.adding(rows.add_account))
        self.contacts = _Part(add=self._new.adding(rows.add_contact))
        self.opportunities = _Part(add=rows.add_opportunity)
        self.audit = _Part(record=rows.add_audit)
        self.stage_history = _Part(record=rows.add_stage_change)
        self.products = _Part(list=self._catalogue, add_line_items=rows.add_line_items,
                              add_contact_role=rows.add_contact_role)
        self.conversions = _Part(standard_prices=self._prices, add=rows.add_conversion,
                                 account_candidates=self._account_candidates,
                                 contact_candidates=self._contact_candidates)
        self.activities = _Part(for_record=self._activities)
        self.custom_fields = _Part(definitions=uow.custom_fields.definitions, values_for=self._custom_values)
        self.users = _Part(get=self._user, get_by_email=uow.users.get_by_email, list=uow.users.list,
                           hierarchy=uow.users.hierarchy)

    # configuration is read as the unit of work reads it
    @property
    def statuses(self) -> StatusRepository:
        return self._uow.statuses

    @property
    def sources(self) -> SourceRepository:
        return self._uow.sources

    @property
    def stages(self) -> StageRepository:
        return self._uow.stages

    @property
    def sharing(self) -> SharingRepository:
        return self._uow.sharing

    @property
    def transitions(self) -> TransitionRepository:
        return self._uow.transitions

    @property
    def reasons(self) -> ReasonRepository:
        return self._uow.reasons

    @property
    def criteria(self) -> CriteriaRepository:
        return self._uow.criteria

    @property
    def field_mappings(self) -> FieldMappingRepository:
        return self._uow.field_mappings

    def __getattr__(self, name: str) -> NoReturn:
        """Anything else (a flush, a savepoint, another repository) takes the slow path."""
        raise _not_batched(name)

    def prefetched(self, definitions: list[Any], custom: dict[int, dict[str, Any]]) -> None:
        """The custom lead fields and each batched lead's values of them, read with the leads."""
        self._custom = (tuple(d.id for d in definitions), custom)

    def mark(self, lead: Lead) -> tuple[int, ...]:
        """Start converting ``lead``; what to ``forget`` if it fails."""
        self.lead, self.current = lead, lead.id
        return self.pending.mark(lead)

    def forget(self, mark: tuple[int, ...] | None = None) -> None:
        """Drop the rows collected since ``mark`` (all of them without)."""
        self.pending.forget(mark)

    def write(self) -> None:
        """Write the rows collected (``STALE_RECORD`` or ``CONFLICT`` if that fails); empties the batch."""
        self.pending.write()
        self._new.clear()

    def _cached(self, key: Any, read: Callable[..., Any], *args: Any) -> Any:
        if key not in self._known:
            self._known[key] = read(*args)
        return self._known[key]

    def _lead(self, lead_id: int) -> Lead:
        lead, self.lead = self.lead, None
        if lead is None or lead.id != lead_id:
            raise NotBatchedError("lead")
        return lead

    def _catalogue(self) -> Any:
        return self._cached("catalogue", self._uow.products.list)

    def _prices(self, currency: str) -> Any:
        return self._cached(("prices", currency), self._uow.conversions.standard_prices, currency)

    def _user(self, user_id: int) -> Any:
        return self._cached(("user", user_id), self._uow.users.get, user_id)

    def _activities(self, record_type: RecordType, record_id: int) -> list[Any]:
        if (record_type, record_id) != (RecordType.LEAD, self.current):
            raise NotBatchedError("activities")
        return []  # only leads without activities are batched

    def _account_candidates(self, domain: str | None, name_word: str | None, *args: Any, **kwargs: Any) -> Any:
        """As the repository's, read from the database; a lead that may match an account of the
        batch not written yet is converted alone (after the batch is written), so it finds it."""
        if self._new.may_match(domain, name_word, None, None):
            raise NotBatchedError("account candidates")
        return self._uow.conversions.account_candidates(domain, name_word, *args, **kwargs)

    def _contact_candidates(self, email: str | None, phone: str | None, *args: Any, **kwargs: Any) -> Any:
        if self._new.may_match(None, None, email, phone):
            raise NotBatchedError("contact candidates")
        return self._uow.conversions.contact_candidates(email, phone, *args, **kwargs)

    def _custom_values(self, definitions: list[Any], record_ids: list[int]) -> dict[int, dict[str, Any]]:
        fields, values = self._custom
        if tuple(d.id for d in definitions) != fields or any(i not in values for i in record_ids):
            raise NotBatchedError("custom values")
        return {i: dict(values[i]) for i in record_ids}


class _NewRecords:
    """The accounts and contacts a batch collected, and the keys a look-up of candidates matches
    them by (website domain, words of the normalised name, e-mail, phone), worked out only when a
    look-up asks (an admin's conversion never does). Records of a failed lead that the batch
    forgot stay here: such a lead is then converted alone, needlessly but with the same result."""

    def __init__(self) -> None:
        self.records: list[Any] = []
        self.keys: set[tuple[str, str]] = set()
        self.seen = 0

    def clear(self) -> None:
        """The batch was written: what it held is in the database now."""
        self.records.clear()
        self.keys.clear()
        self.seen = 0

    def adding(self, add: Callable[[Any], None]) -> Callable[[Any], None]:
        def added(record: Any) -> None:
            add(record)
            self.records.append(record)
        return added

    def may_match(self, domain: str | None, name_word: str | None, email: str | None, phone: str | None) -> bool:
        for record in self.records[self.seen:]:
            self.keys.update(_keys(record))
        self.seen = len(self.records)
        asked = {("domain", domain), ("word", name_word), ("email", (email or "").lower()),
                 ("phone", phone_number_of(phone))}
        return bool(self.keys & {key for key in asked if key[1]})


def _keys(record: Any) -> list[tuple[str, str]]:
    if isinstance(record, Account):
        return [("domain", record.domain or ""), *(("word", w) for w in normalise_company_name(record.name).split())]
    return [("email", (record.email or "").lower()), ("phone", phone_number_of(record.phone) or "")]
