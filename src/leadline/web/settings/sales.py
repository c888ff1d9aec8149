"""Settings of the sales data: sales processes (renamed, made the default, (de)activated) and
their stages, custom fields (added, relabelled, their options, required and active flags
changed), and the field mappings that carry a lead's custom fields to the records its
conversion creates (added, pointed elsewhere, removed)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Response, get, post
from litestar.response import Template

from leadline.domain.configuration.custom_fields import CustomFieldType, RecordType
from leadline.domain.opportunities.opportunity import ForecastCategory
from leadline.services.configuration import lead_workflow as workflow
from leadline.services.configuration import sales
from leadline.services.context import ServiceContext
from leadline.services.opportunities.lifecycle import parse_percent
from leadline.web.settings.forms import Form, SettingsPage, text, ticked


def _stages(ctx: ServiceContext, user: int) -> dict[str, Any]:
    processes = sales.list_processes(ctx)
    stages: dict[int, list[Any]] = {p.id: [] for p in processes}
    for stage in sorted(sales.list_stages(ctx), key=lambda s: s.order):
        stages.setdefault(stage.process_id, []).append(stage)
    return {"processes": processes, "stages": stages, "categories": [c.value for c in ForecastCategory]}


def _custom_fields(ctx: ServiceContext, user: int) -> dict[str, Any]:
    fields = sorted(sales.list_custom_fields(ctx), key=lambda d: (d.record_type.value, d.name))
    return {"fields": fields, "record_types": [t.value for t in RecordType],
            "field_types": [t.value for t in CustomFieldType], "mappings": workflow.list_field_mappings(ctx),
            "lead_fields": [f"lead.{d.name}" for d in fields if d.record_type is RecordType.LEAD],
            "targets": [f"{d.record_type.value}.{d.name}" for d in fields
                        if d.record_type in (RecordType.ACCOUNT, RecordType.CONTACT, RecordType.OPPORTUNITY)]}


STAGES = SettingsPage("/settings/stages", "settings/stages.html", _stages)
CUSTOM_FIELDS = SettingsPage("/settings/custom-fields", "settings/custom_fields.html", _custom_fields)


class SalesSettings(Controller):
    path = "/settings"

    @get("/stages", sync_to_thread=False)
    def stages_page(self, ctx: ServiceContext, user: int) -> Template:
        return STAGES.render(ctx, user)

    @post("/processes", sync_to_thread=False)
    def add_process(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return STAGES.submit(ctx, user, "add-process", data, lambda: sales.add_process(
            ctx, user, data.get("name", ""), copy_stages_from=text(data, "copy_stages_from")))

    @post("/processes/{process_id:int}", sync_to_thread=False)
    def change_process(self, ctx: ServiceContext, user: int, process_id: int, data: Form) -> Response[Any]:
        """Rename, make the default, (de)activate: the boxes say what the process is to be."""
        return STAGES.submit(ctx, user, f"process-{process_id}", data, lambda: sales.update_process(
            ctx, user, str(process_id), name=text(data, "name"), default=ticked(data, "default"),
            active=ticked(data, "active")))

    @post("/stages", sync_to_thread=False)
    def add_stage(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        process = data.get("process", "")
        return STAGES.submit(ctx, user, f"add-stage-{process}", data, lambda: sales.add_stage(
            ctx, user, data.get("label", ""), probability=parse_percent(data.get("probability", "")),
            forecast_category=data.get("forecast_category", ""), process=process or None))

    @post("/stages/{stage_id:int}", sync_to_thread=False)
    def change_stage(self, ctx: ServiceContext, user: int, stage_id: int, data: Form) -> Response[Any]:
        probability = text(data, "probability")
        return STAGES.submit(ctx, user, f"stage-{stage_id}", data, lambda: sales.update_stage(
            ctx, user, str(stage_id), process=text(data, "process"), label=text(data, "label"),
            probability=parse_percent(probability) if probability is not None else None,
            forecast_category=text(data, "forecast_category"), active=ticked(data, "active")))

    @get("/custom-fields", sync_to_thread=False)
    def custom_fields_page(self, ctx: ServiceContext, user: int) -> Template:
        return CUSTOM_FIELDS.render(ctx, user)

    @post("/custom-fields", sync_to_thread=False)
    def add_custom_field(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        options = [o.strip() for o in data.get("options", "").split(",") if o.strip()]
        return CUSTOM_FIELDS.submit(ctx, user, "add-field", data, lambda: sales.add_custom_field(
            ctx, user, data.get("record_type", ""), data.get("name", ""), data.get("label", ""),
            data.get("type", ""), options=options or None, required=ticked(data, "required")))

    @post("/custom-fields/{field_id:int}", sync_to_thread=False)
    def change_custom_field(self, ctx: ServiceContext, user: int, field_id: int, data: Form) -> Response[Any]:
        """Relabel, change a pick-list's options, required or not, active or not."""
        options = data.get("options")
        return CUSTOM_FIELDS.submit(ctx, user, f"field-{field_id}", data, lambda: sales.update_custom_field(
            ctx, user, field_id, label=data.get("label", ""),
            options=None if options is None else [o.strip() for o in options.split(",") if o.strip()],
            required=ticked(data, "required"), active=ticked(data, "active")))

    @post("/field-mappings", sync_to_thread=False)
    def add_field_mapping(self, ctx: ServiceContext, user: int, data: Form) -> Response[Any]:
        return CUSTOM_FIELDS.submit(ctx, user, "add-mapping", data, lambda: workflow.add_field_mapping(
            ctx, user, data.get("source", ""), data.get("target", "")))

    @post("/field-mappings/{mapping_id:int}", sync_to_thread=False)
    def change_field_mapping(self, ctx: ServiceContext, user: int, mapping_id: int, data: Form) -> Response[Any]:
        return CUSTOM_FIELDS.submit(ctx, user, f"mapping-{mapping_id}", data, lambda: workflow.update_field_mapping(
            ctx, user, mapping_id, data.get("source", ""), data.get("target", "")))

    @post("/field-mappings/{mapping_id:int}/remove", sync_to_thread=False)
    def remove_field_mapping(self, ctx: ServiceContext, user: int, mapping_id: int, data: Form) -> Response[Any]:
        return CUSTOM_FIELDS.submit(ctx, user, "mappings", data,
                                    lambda: workflow.remove_field_mapping(ctx, user, mapping_id))
