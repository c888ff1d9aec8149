"""A record's field history as the record pages show it (accounts, contacts, opportunities; the
lead page through ``history_names``): newest first, bookkeeping left out, each value as
``values.history_values`` writes it, each owner, record or campaign the history names by its
name rather than its e-mail or id."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from leadline.domain.history import FieldChange
from leadline.services import records
from leadline.services.configuration.sales import list_custom_fields
from leadline.services.context import ServiceContext
from leadline.services.record_names import record_names
from leadline.services.security.users import user_choices
from leadline.services.security.visibility import REFERENCE_FIELDS
from leadline.web.values import custom_booleans, history_booleans, history_values


@dataclass(frozen=True)
class HistoryRow:
    """One change as every history table shows it (``records/related.html`` ``history_table``):
    when, who by name, the field as a rep reads it, and its values as the pages write them."""

    at: datetime
    who: str
    field: str
    old: str | None
    new: str | None


#: Fields of a record's history its page leaves out: they change with every change.
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at"})


def page_history(ctx: ServiceContext, user: int, kind: str, record_id: int, people: Mapping[int, str],
                 currency: str | None = None) -> list[HistoryRow]:
    """A record's field history as its page lists it (``shown_history``), each owner, account,
    contact, opportunity, lead or campaign it names by its name rather than its e-mail or id (a
    record the user may not read is never in it: ``record_history`` leaves it out); ``people``:
    user id -> name, for who made each change; ``currency``: the record's, for its amounts."""
    changes = records.record_history(ctx, user, kind, record_id)
    return shown_history(changes, people, lambda: custom_booleans(list_custom_fields(ctx, kind)),
                         history_names(ctx, user, changes), currency)


def shown_history(changes: Iterable[FieldChange], people: Mapping[int, str] | None = None,
                  custom: Callable[[], frozenset[str]] = frozenset,
                  names: Mapping[tuple[str, str], str] | None = None,
                  currency: str | None = None) -> list[HistoryRow]:
    """A record's field history as its page lists it, newest first: bookkeeping (version, times
    of creation and change) left out, who made each change by name (``people``: user id -> name;
    "—" for none or one not listed), each field by its name as a rep reads it, each value as
    ``values.history_values`` writes it (``custom``: the record type's yes/no custom fields, read
    only if needed; ``names``: (field, value) -> name; ``currency``: the record's)."""
    every = list(changes)
    kept = [c for c in reversed(every) if c.field not in BOOKKEEPING]
    shown = history_values(every, names or {}, history_booleans(kept, custom), currency)
    return [HistoryRow(c.changed_at, (people or {}).get(c.actor_id or 0, "—"),
                       c.field.removeprefix("custom.").removesuffix("_id").replace("_", " "),
                       shown(c, c.old_value, False), shown(c, c.new_value, True)) for c in kept]


#: History fields holding another record's id, and that record's kind: those whose ids a reader
#: who may not read the record never sees (``REFERENCE_FIELDS``), and a lead's campaign.
RECORD_FIELDS = {**{name: kind.value for name, kind in REFERENCE_FIELDS.items()}, "campaign_id": "campaign"}


def history_names(ctx: ServiceContext, user: int, changes: Iterable[FieldChange]) -> dict[tuple[str, str], str]:
    """(field, value as written) -> the name a page shows for it: an owner (the history names
    users by e-mail) by the user's name, and each record or campaign the history names by id
    (``RECORD_FIELDS``) by its name when the user may read it: one read per kind of record
    however long the history (``record_names``)."""
    every = list(changes)
    names = {("owner_id", u.email): u.name for u in user_choices(ctx, user)} \
        if any(c.field == "owner_id" for c in every) else {}
    wanted = {(c.field, value) for c in every if c.field in RECORD_FIELDS
              for value in (c.old_value, c.new_value) if value and value.isdigit()}
    found = record_names(ctx, user, {(RECORD_FIELDS[field_name], int(value)) for field_name, value in wanted})
    for field_name, value in wanted:
        name = found.get((RECORD_FIELDS[field_name], int(value)))
        if name is not None:
            names[(field_name, value)] = name
    return names
