"""Column mappings a team saves by name, with their value mappings (the file's value -> the label
read instead, per pick-list field: ``domain/imports/values.py``), and what an import reads
through: the built-in mappings and standard values first, a saved mapping's own after them
(its values win). The CLI, the API and the import page save and list them here."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.errors import NotFoundError, ValidationError
from leadline.domain.imports.mapping import (
    COLUMN_TABLE,
    CUSTOM_PREFIX,
    IMPORT_KINDS,
    ColumnPlan,
    SavedMapping,
    column_table,
    ensure_mapping,
    import_kind,
)
from leadline.domain.imports.values import (
    RATING_LABELS,
    ValueField,
    ensure_value_maps,
    standard_values,
    value_key,
    with_saved_values,
)
from leadline.domain.security.access import Viewer
from leadline.domain.security.rights import Action
from leadline.services.context import ServiceContext
from leadline.services.imports.files import SourceFile, read_rows
from leadline.services.security.access import load_viewer

ValueMaps = Mapping[str, Mapping[str, str]]
#: the file's rows the import page reads for the distinct values of its pick-list columns
VALUES_READ = 10_000
#: the distinct values of one column the import page offers to map at most
VALUES_SHOWN = 50


def value_fields(ctx: ServiceContext, uow: Any, kind: str) -> dict[str, ValueField]:
    """The fields of an import of ``kind`` whose values a mapping may read as others, with the
    labels each allows: a lead's status (those set by hand), source, rating and industry (free
    text), an account's industry, a contact's or opportunity's lead source, and every active
    custom pick-list of the kind (``custom.<name>``)."""
    config = ctx.config(uow)
    sources = tuple(s.label for s in sorted(config.source_by_id.values(), key=lambda s: s.order) if s.is_active)
    statuses = tuple(s.label for s in sorted(config.status_by_id.values(), key=lambda s: s.order)
                     if s.can_be_set_by_hand())
    by_kind: dict[str, dict[str, tuple[str, ...] | None]] = {
        "lead": {"status": statuses, "source": sources, "rating": RATING_LABELS, "industry": None},
        "account": {"industry": None}, "contact": {"lead_source": sources},
        "opportunity": {"lead_source": sources}}
    standard = by_kind[kind]
    fields = {name: ValueField(name, labels) for name, labels in standard.items()}
    for definition in config.custom_fields_of(RecordType(kind)):
        if definition.type is CustomFieldType.PICKLIST and definition.is_active:
            name = CUSTOM_PREFIX + definition.name
            fields[name] = ValueField(name, tuple(definition.options))
    return fields


def find_mapping(uow: Any, kind: str, name: str) -> SavedMapping:
    """The mapping ``name`` an import of ``kind`` may name: a built-in one (no values of its own)
    or a saved one of ``kind``; ``NOT_FOUND`` on ``mapping`` for neither, ``VALIDATION_FAILED``
    on ``mapping`` for a saved mapping of another kind (its fields and values are not this kind's)."""
    built_in = IMPORT_KINDS[kind].mappings.get(name)
    if built_in is not None:
        return SavedMapping(name, kind, dict(built_in))
    saved: SavedMapping | None = uow.imports.mapping(name)
    if saved is None:
        raise NotFoundError(f"there is no import mapping {name!r}", field="mapping")
    if saved.record_type != kind:
        raise ValidationError(f"{name!r} is a mapping of {saved.record_type} records, not of {kind} records",
                              field="mapping")
    return saved


def ensure_may_save(viewer: Viewer, kind: str, before: SavedMapping | None) -> None:
    """Saving a mapping of ``kind`` (over ``before``, if saved under the name) is for whoever may
    import records of that kind: the create right on it, and on the kind of the mapping replaced
    (``PERMISSION_DENIED`` else): a mapping is the team's, as the records imported through it are."""
    viewer.ensure_may(Action.CREATE, RecordType(kind))
    if before is not None and before.record_type != kind:
        viewer.ensure_may(Action.CREATE, RecordType(before.record_type))


def import_value_map(ctx: ServiceContext, uow: Any, kind: str, saved: ValueMaps) -> dict[str, dict[str, str]]:
    """What an import of ``kind`` reads values through: the standard values of the usual exports
    (but for the organisation's own labels), then ``saved`` (a saved mapping's, or those chosen
    on the import page), which win."""
    config = ctx.config(uow)
    labels = {"status": [s.label for s in config.status_by_id.values()],
              "source": [s.label for s in config.source_by_id.values()]}
    return with_saved_values(standard_values(kind, labels), saved)


def checked_values(ctx: ServiceContext, uow: Any, kind: str, values: ValueMaps) -> dict[str, dict[str, str]]:
    """``values`` checked against the pick-lists of ``kind`` (``ensure_value_maps``)."""
    return ensure_value_maps(values, value_fields(ctx, uow, kind), kind)


def mapping_title(name: str) -> str:
    """The name a mapping is saved under; ``VALIDATION_FAILED`` on ``name`` for a blank one or the
    name of a built-in mapping of any kind (an import names either, so one name is one mapping)."""
    title = name.strip()[:120]
    if not title:
        raise ValidationError("a mapping needs a name", field="name")
    if any(title in spec.mappings for spec in IMPORT_KINDS.values()):
        raise ValidationError(f"{title!r} is a built-in mapping: save yours under another name", field="name")
    return title


def store_mapping(ctx: ServiceContext, uow: Any, viewer: Viewer, name: str, columns: Mapping[str, str], *,
                  kind: str, values: ValueMaps | None = None) -> SavedMapping:
    """``save_import_mapping`` inside the caller's unit of work (an import started with "save this
    mapping as" records its job and the mapping together, or neither)."""
    spec = import_kind(kind)
    checked = ensure_mapping(dict(columns), spec.name)
    title = mapping_title(name)
    before: SavedMapping | None = uow.imports.mapping(title)
    ensure_may_save(viewer, spec.name, before)
    if values is None:  # kept as saved, unchecked: a label renamed since is reported on import
        kept = before.values if before is not None and before.record_type == spec.name else {}
    else:
        kept = checked_values(ctx, uow, spec.name, values)
    mapping = SavedMapping(title, spec.name, checked, kept)
    uow.imports.save_mapping(mapping, ctx.now())
    return mapping


def save_import_mapping(ctx: ServiceContext, actor_id: int, name: str, columns: dict[str, str], *,
                        kind: str = "lead", values: ValueMaps | None = None) -> SavedMapping:
    """Save (or replace) the column mapping ``name``: header -> field of ``kind``, with its value
    mappings (field -> the file's value -> label; ``None`` keeps those saved before under the
    name, if any, as they are). ``VALIDATION_FAILED`` naming the column, the field or the label at
    fault; a built-in mapping's name (of any kind) is taken. ``PERMISSION_DENIED`` unless the
    actor may create records of ``kind`` (and of the kind of the mapping it replaces)."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        mapping = store_mapping(ctx, uow, viewer, name, columns, kind=kind, values=values)
        uow.commit()
    return mapping


def set_mapping_values(ctx: ServiceContext, actor_id: int, name: str, field: str,
                       values: Mapping[str, str]) -> SavedMapping:
    """Replace the value mappings of one ``field`` of the saved mapping ``name`` (none given: the
    field's are removed, unchecked), the others kept as saved (only the field changed is checked:
    another gone stale since does not block it); ``NOT_FOUND`` for a mapping not saved (a built-in
    one is not changed: save your own), ``VALIDATION_FAILED`` and ``PERMISSION_DENIED`` as
    ``save_import_mapping``."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        saved: SavedMapping | None = uow.imports.mapping(name.strip())
        if saved is None:
            raise NotFoundError(f"there is no saved import mapping {name!r}", field="mapping")
        ensure_may_save(viewer, saved.record_type, None)
        others = {key: table for key, table in saved.values.items() if key != field.strip()}
        changed = checked_values(ctx, uow, saved.record_type, {field.strip(): dict(values)}) if values else {}
        mapping = replace(saved, values={**others, **changed})
        uow.imports.save_mapping(mapping, ctx.now())
        uow.commit()
    return mapping


def import_mappings(ctx: ServiceContext, actor_id: int, kind: str = "lead") -> dict[str, SavedMapping]:
    """Every mapping an import of ``kind`` may name: its built-in ones, then the saved ones of
    ``kind`` (a built-in name saved before names were refused for every kind stays the built-in)."""
    spec = import_kind(kind)
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        saved: list[SavedMapping] = uow.imports.mappings()
    built_in = {name: SavedMapping(name, spec.name, dict(columns)) for name, columns in spec.mappings.items()}
    return {**{mapping.name: mapping for mapping in saved if mapping.record_type == spec.name}, **built_in}


def built_in_names(kind: str) -> frozenset[str]:
    """The names of the built-in mappings of ``kind``."""
    return frozenset(import_kind(kind).mappings)


def get_import_mapping(ctx: ServiceContext, actor_id: int, name: str, kind: str = "lead") -> SavedMapping:
    """The mapping ``name`` (built-in, of ``kind``, or saved); ``NOT_FOUND`` for neither."""
    spec = import_kind(kind)
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        return find_mapping(uow, spec.name, name)


@dataclass(frozen=True)
class ValueChoice:
    """A value of a pick-list column of the file that is none of its field's labels: what the
    import page offers to map, with the label it reads as now (``chosen``: a saved mapping's,
    else the standard one, else "": as it is) and the labels allowed (None: free text)."""

    field: str
    header: str
    value: str
    chosen: str
    labels: tuple[str, ...] | None


def value_choices(ctx: ServiceContext, actor_id: int, kind: str, source: SourceFile, plan: ColumnPlan, *,
                  saved: ValueMaps | None = None) -> list[ValueChoice]:
    """For each column ``plan`` reads into a pick-list field, the distinct values of the first
    ``VALUES_READ`` data rows of ``source`` that are none of the field's labels, at
    most ``VALUES_SHOWN`` a column, in the order they come."""
    spec = import_kind(kind)
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        fields = value_fields(ctx, uow, spec.name)
        reads = import_value_map(ctx, uow, spec.name, saved or {})
    targets = {**plan.fields, **{index: CUSTOM_PREFIX + name for index, name in plan.custom.items()}}
    columns = {index: target for index, target in targets.items() if target in fields}
    rows = read_rows(source)
    next(rows, None)  # the header
    found: dict[int, dict[str, str]] = {index: {} for index in columns}
    for count, cells in enumerate(rows):
        if count >= VALUES_READ:
            break
        for index, table in found.items():
            value = cells[index].strip() if index < len(cells) else ""
            if value and len(table) < VALUES_SHOWN:
                table.setdefault(value_key(value), value)
    choices = []
    for index, table in found.items():
        spec_field = fields[columns[index]]
        labels = {value_key(label) for label in spec_field.labels or ()}
        reading = column_table(reads, spec_field.name, plan.headers[index])
        for key, value in table.items():
            if key not in labels:
                choices.append(ValueChoice(spec_field.name, plan.headers[index], value,
                                           reading.get(key, ""), spec_field.labels))
    return choices


def chosen_values(pairs: Sequence[tuple[str, str, str]]) -> dict[str, dict[str, str]]:
    """Value mappings from (field, the file's value, label) triples, a blank label left out
    (the value read as it is)."""
    found: dict[str, dict[str, str]] = {}
    for field, value, label in pairs:
        if field.strip() and value.strip() and label.strip():
            found.setdefault(field.strip(), {})[value.strip()] = label.strip()
    return found


def page_values(ctx: ServiceContext, actor_id: int, kind: str, mapping_name: str | None,
                chosen: ValueMaps) -> dict[str, dict[str, str]]:
    """What a web import reads values through as the team's own: the saved mapping's value
    mappings in full (not only the values of the page's sample), then those ``chosen`` on the
    page, which win per value; a value chosen as the standard table reads it (the page shows
    that reading) is not the team's, unless the saved mapping maps it."""
    spec = import_kind(kind)
    with ctx.reader() as uow:
        load_viewer(uow, actor_id, ctx)
        saved = find_mapping(uow, spec.name, mapping_name).values if mapping_name else {}
        standard = import_value_map(ctx, uow, spec.name, {})
    merged = {field: dict(table) for field, table in saved.items()}
    for field, table in chosen.items():
        own = {value_key(value) for value in saved.get(field, {})}
        readings = [table_ for key, table_ in standard.items() if key.split(COLUMN_TABLE)[0] == field]
        for value, label in table.items():
            key = value_key(value)
            if key not in own and any(reading.get(key, "").casefold() == label.casefold() for reading in readings):
                continue
            kept = merged.setdefault(field, {})
            for old in [old for old in kept if value_key(old) == key]:
                del kept[old]
            kept[value] = label
    return {field: table for field, table in merged.items() if table}
