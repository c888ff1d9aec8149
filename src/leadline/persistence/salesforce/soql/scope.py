"""One object in a statement: its table alias, the lookups and parents joined to it, and the
resolution of field paths (``Account.Owner.Email``) to SQL expressions, with INVALID_FIELD for
what the object does not have."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, FromClause, and_

from leadline.domain.salesforce.soql.errors import INVALID_FIELD, INVALID_TYPE, Position, SoqlError
from leadline.domain.salesforce.soql.syntax import FieldPath
from leadline.persistence.salesforce.soql.model import NAME_OBJECT, Catalog, FieldDef, ObjectDef, OnClause

MAX_PARENT_DEPTH = 5


@dataclass(frozen=True, slots=True)
class Resolved:
    """A field path resolved: its expression and definition, the scope that owns the field, and
    the relationship names walked to reach it."""

    expression: ColumnElement[Any]
    field: FieldDef
    scope: Scope
    relationships: tuple[str, ...]


class Statement:
    """The joins of one SELECT (the root object's and every parent's), in the order made."""

    def __init__(self, catalog: Catalog, query_text: str, make_alias: Callable[[FromClause], FromClause]) -> None:
        self.catalog = catalog
        self.text = query_text
        self.make_alias = make_alias
        self.joins: list[tuple[FromClause, ColumnElement[bool]]] = []

    def from_clause(self, root: FromClause) -> FromClause:
        joined = root
        for target, on in self.joins:
            joined = joined.outerjoin(target, on)
        return joined

    def error(self, code: str, message: str, offset: int) -> SoqlError:
        return SoqlError(code, message, self.text, Position.at(self.text, offset))

    def object(self, name: str, offset: int) -> ObjectDef:
        found = self.catalog.object(name)
        if found is None:
            raise self.error(INVALID_TYPE, f"sObject type '{name}' is not supported. If you are attempting to use "
                             "a custom object, be sure to append the '__c' after the entity name. Please reference "
                             "your WSDL or the describe call for the appropriate names.", offset)
        return found


class Scope:
    """An object's alias in a statement; implements ``Joins`` for the catalog's expressions."""

    def __init__(self, statement: Statement, definition: ObjectDef, depth: int = 0) -> None:
        self.statement = statement
        self.definition = definition
        self.alias = statement.make_alias(definition.table)
        self.depth = depth
        self._lookups: dict[str, FromClause] = {}
        self._parents: dict[str, Scope] = {}

    @property
    def base(self) -> FromClause:
        return self.alias

    @property
    def key(self) -> ColumnElement[Any]:
        column: ColumnElement[Any] = self.alias.c[self.definition.key]
        return column

    def lookup(self, key: str, table: FromClause, on: OnClause) -> FromClause:
        if key not in self._lookups:
            joined = self.statement.make_alias(table)
            self._lookups[key] = joined
            self.statement.joins.append((joined, on(self.alias, joined)))
        return self._lookups[key]

    def parent(self, name: str, offset: int) -> Scope | None:
        """The scope of parent relationship ``name``, left-joined on first use, only rows the user
        may read (a hidden parent reads as no parent); None if the object has no such relationship."""
        relationship = self.definition.parent(name)
        if relationship is None:
            return None
        if relationship.name not in self._parents:
            if self.depth >= MAX_PARENT_DEPTH:
                raise self.statement.error(INVALID_FIELD, "SOQL statements cannot query relationships more than "
                                           f"{MAX_PARENT_DEPTH} levels away from the root entity object.", offset)
            target = Scope(self.statement, self.statement.object(relationship.target, offset), self.depth + 1)
            on = target.key == relationship.foreign_key(self.alias)
            visible = self.statement.catalog.visibility(target.definition.name, target.alias)
            self.statement.joins.append((target.alias, on if visible is None else and_(on, visible)))
            self._parents[relationship.name] = target
        return self._parents[relationship.name]

    def resolve(self, path: FieldPath) -> Resolved:
        """The expression of ``path`` here, or INVALID_FIELD at the path."""
        scope: Scope = self
        walked: list[str] = []
        for index, part in enumerate(path.parts[:-1]):
            polymorphic = scope.definition.polymorphic_parent(part)
            if polymorphic is not None:  # Who.Name: Salesforce's Name object, a last step without a join
                field = polymorphic.field(path.parts[index + 1])
                if field is None or index != len(path.parts) - 2:
                    raise self.no_column(path.parts[index + 1], NAME_OBJECT, path.offset)
                return Resolved(field.expression(scope), field, scope, (*walked, polymorphic.name))
            relationship, parent = scope.definition.parent(part), scope.parent(part, path.offset)
            if parent is None or relationship is None:
                raise self.statement.error(
                    INVALID_FIELD, f"Didn't understand relationship '{part}' in field path. If you are attempting to "
                    "use a custom relationship, be sure to append the '__r' after the custom relationship name. "
                    "Please reference your WSDL or the describe call for the appropriate names.", path.offset)
            walked.append(relationship.name)
            scope = parent
        field = scope.definition.field(path.parts[-1])
        if field is None:
            raise self.no_column(path.parts[-1], scope.definition.name, path.offset)
        return Resolved(scope.expression_of(field, path.offset), field, scope, tuple(walked))

    def no_column(self, name: str, object_name: str, offset: int) -> SoqlError:
        return self.statement.error(
            INVALID_FIELD, f"No such column '{name}' on entity '{object_name}'. If you are attempting to use a "
            "custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or "
            "the describe call for the appropriate names.", offset)

    def expression_of(self, field: FieldDef, offset: int) -> ColumnElement[Any]:
        """A reference through a relationship to an object with sharing reads the joined
        parent's id: null when the user may not read the parent (docs/adr/0016)."""
        if field.relationship is not None and field.reference_to is not None:
            target = self.statement.catalog.object(field.reference_to)
            if target is not None and self.statement.catalog.visibility(target.name, target.table) is not None:
                parent = self.parent(field.relationship, offset)
                if parent is not None:
                    return parent.key
        return field.expression(self)
