"""What the compiler needs to know about objects: the ``Catalog`` protocol and its records.

Field types are the domain's ``FieldType`` (``domain/salesforce/fields.py``), the same the REST
describe answers.

A catalog names each object's table, its fields (each an SQL expression built on the object's
table alias, with its Salesforce type), its parent relationships (``Account`` from a contact: the
target object and the foreign key) and its child relationships (``Contacts`` of an account: the
child object and the child's foreign key), and gives each object's visibility predicate for the
acting user. Names match case-insensitively, as in Salesforce.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import ColumnElement, FromClause

from leadline.domain.salesforce.fields import FieldType

OnClause = Callable[[FromClause, FromClause], ColumnElement[bool]]
#: separates the objects of a polymorphic reference's ``reference_to`` (``"Contact|Lead"``: an
#: activity's ``WhoId``), whose SQL value is then ``"<Object>:<id>"``
POLYMORPHIC = "|"


def polymorphic_targets(reference_to: str | None) -> tuple[str, ...] | None:
    """The objects a polymorphic reference may hold the id of; None for a reference to one object."""
    if reference_to is None or POLYMORPHIC not in reference_to:
        return None
    return tuple(reference_to.split(POLYMORPHIC))


def typed_reference(value: str) -> tuple[str, int]:
    """``"Lead:42"`` (a polymorphic reference's value) -> ``("Lead", 42)``."""
    name, _, number = value.partition(":")
    return name, int(number)


class Joins(Protocol):
    """The object's table alias, and lookup tables joined to it on demand (once per key), which a
    field's expression may use: ``joins.lookup("status", statuses, lambda lead, s: s.c.id == lead.c.status_id)``."""

    @property
    def base(self) -> FromClause: ...

    def lookup(self, key: str, table: FromClause, on: OnClause) -> FromClause: ...


@dataclass(frozen=True, slots=True)
class FieldDef:
    """``reference_to``: for an id or a reference, the object whose ids it holds. ``relationship``:
    the parent relationship a reference is the key of (``AccountId`` -> ``Account``); through it
    a reference to a record the user may not read reads as null (docs/adr/0016)."""

    name: str
    type: FieldType
    expression: Callable[[Joins], ColumnElement[Any]]
    reference_to: str | None = None
    relationship: str | None = None
    custom: bool = False


@dataclass(frozen=True, slots=True)
class ParentDef:
    name: str
    target: str
    foreign_key: Callable[[FromClause], ColumnElement[Any]]


@dataclass(frozen=True, slots=True)
class ChildDef:
    """``foreign_key`` is built on the child's alias: the column holding the parent's id."""

    name: str
    child: str
    foreign_key: Callable[[FromClause], ColumnElement[Any]]


#: the object Salesforce reads a polymorphic relationship as (``Who.Name``): named in the
#: ``attributes`` of the related record, whose ``url`` is the actual object's
NAME_OBJECT = "Name"


@dataclass(frozen=True, slots=True)
class PolymorphicDef:
    """A polymorphic relationship (an activity's ``Who``, ``What``): Salesforce's ``Name`` object of
    whichever record the reference holds. Only its ``fields`` (``Id``, ``Name``, ``Type``) are read
    through it, each an expression on the object's own alias; it leads to no further relationship."""

    name: str
    fields: Mapping[str, FieldDef]

    def field(self, name: str) -> FieldDef | None:
        return self.fields.get(name.lower())


@dataclass(frozen=True, slots=True)
class ObjectDef:
    """``deleted``: the predicate of rows that are deleted but kept (merged tombstones), left out
    unless the query is a ``queryAll``. ``polymorphic``: the polymorphic relationships, by name."""

    name: str
    table: FromClause
    fields: Mapping[str, FieldDef]
    parents: Mapping[str, ParentDef] = field(default_factory=dict)
    children: Mapping[str, ChildDef] = field(default_factory=dict)
    deleted: Callable[[FromClause], ColumnElement[bool]] | None = None
    key: str = "id"
    polymorphic: Mapping[str, PolymorphicDef] = field(default_factory=dict)

    def field(self, name: str) -> FieldDef | None:
        return self.fields.get(name.lower())

    def parent(self, name: str) -> ParentDef | None:
        return self.parents.get(name.lower())

    def polymorphic_parent(self, name: str) -> PolymorphicDef | None:
        return self.polymorphic.get(name.lower())

    def child(self, name: str) -> ChildDef | None:
        return self.children.get(name.lower())


class Catalog(Protocol):
    def object(self, name: str) -> ObjectDef | None:
        """The object called ``name`` (any case), or None."""

    def visibility(self, object_name: str, table: FromClause) -> ColumnElement[bool] | None:
        """The rows of ``table`` (an alias of the object's table) the acting user may read, or None
        when they may read every row."""
