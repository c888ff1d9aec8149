"""/api/v1/import-mappings: the column mappings an import may name (``mapping`` of an upload),
built-in and saved, and saving one with its value mappings (field -> the file's value -> the
label read instead; docs/adr/0076-value-mappings-saved-with-a-column-mapping.md)."""

from __future__ import annotations

from typing import Annotated

import msgspec
from litestar import Controller
from litestar.params import Parameter

from leadline.api.routes import api_get, api_put
from leadline.domain.imports.mapping import SavedMapping
from leadline.services.context import ServiceContext
from leadline.services.imports import mappings as import_mappings

KINDS = ["lead", "account", "contact", "opportunity"]
KindParam = Annotated[str, Parameter(description="lead, account, contact or opportunity.",
                                     schema_extra={"enum": KINDS})]
MappingName = Annotated[str, Parameter(min_length=1, max_length=120, description="The mapping's name.")]


class ImportMappingPublic(msgspec.Struct, kw_only=True):
    """A column mapping: ``columns`` header -> field; ``values`` field -> the file's value -> the
    label it is read as (after the standard values of the usual exports, which it overrides);
    ``built_in`` for salesforce, hubspot, pipedrive and leadline (not changed here)."""

    name: str
    record_type: str
    built_in: bool
    columns: dict[str, str]
    values: dict[str, dict[str, str]]


class ImportMappingIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """``columns``: header -> field of ``record_type``; ``values``: field (``status``, ``source``,
    ``rating``, ``industry``, ``lead_source``, ``custom.<name>``) -> the file's value -> a label of
    that field; left out, the values saved before under the name are kept."""

    record_type: Annotated[str, msgspec.Meta(extra_json_schema={"extra": {"enum": KINDS}})] = "lead"
    columns: Annotated[dict[str, str], msgspec.Meta(extra_json_schema={"extra": {"minProperties": 1}})]
    values: dict[str, dict[str, str]] | None = None


def _public(mapping: SavedMapping, built_in: bool) -> ImportMappingPublic:
    return ImportMappingPublic(name=mapping.name, record_type=mapping.record_type, built_in=built_in,
                               columns=mapping.columns, values=mapping.values)


class ImportMappingController(Controller):
    path = "/import-mappings"
    tags = ["imports"]

    @api_get("/", summary="List the column mappings an import may name")
    def list_mappings(self, ctx: ServiceContext, actor: int, kind: KindParam = "lead") -> list[ImportMappingPublic]:
        """The built-in mappings of ``kind``, then every saved one, with its value mappings."""
        found = import_mappings.import_mappings(ctx, actor, kind)
        built_in = import_mappings.built_in_names(kind)
        return [_public(mapping, name in built_in) for name, mapping in found.items()]

    @api_get("/{name:str}", summary="Show a column mapping")
    def get_mapping(self, ctx: ServiceContext, actor: int, name: MappingName,
                    kind: KindParam = "lead") -> ImportMappingPublic:
        mapping = import_mappings.get_import_mapping(ctx, actor, name, kind)
        return _public(mapping, name in import_mappings.built_in_names(kind))

    @api_put("/{name:str}", summary="Save a column mapping with its value mappings")
    def save_mapping(self, ctx: ServiceContext, actor: int, name: MappingName,
                     data: ImportMappingIn) -> ImportMappingPublic:
        """Save (or replace) the mapping ``name``. ``VALIDATION_FAILED`` naming ``columns``, ``values``
        (a field that is no pick-list of the kind) or ``values.<field>`` (a label that is none of
        the field's: the allowed ones are named)."""
        saved = import_mappings.save_import_mapping(ctx, actor, name, data.columns, kind=data.record_type,
                                                    values=data.values)
        return _public(saved, False)
