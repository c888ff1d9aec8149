"""/api/v1/config: the lead workflow's configuration: the status transition graph, reason lists,
qualification and opportunity criteria, and the custom field mappings of conversion.

Anyone signed in may read it; changes are for admins (the use cases refuse others with
PERMISSION_DENIED).
"""

from __future__ import annotations

from typing import Annotated

from litestar import Controller
from litestar.params import Parameter, QueryParameter

from leadline.api.configuration.schemas import (
    ConditionPublic,
    ConversionGate,
    CriterionIn,
    CriterionPublic,
    FrameworkIn,
    MappingIn,
    MappingPublic,
    ReasonChange,
    ReasonIn,
    ReasonPublic,
    TransitionIn,
    TransitionPublic,
)
from leadline.api.routes import RecordId, api_delete, api_get, api_patch, api_post, api_put
from leadline.domain.configuration.reasons import Reason, ReasonKind
from leadline.domain.leads.qualification import Criterion, Purpose
from leadline.services.configuration import lead_workflow as workflow
from leadline.services.configuration.lead_workflow import MappingView, Transition
from leadline.services.context import ServiceContext
from leadline.services.conversion import gate as conversion_gate

StatusRef = Annotated[str, Parameter(max_length=255, description="A status label or id.")]
Kind = Annotated[str | None, Parameter(max_length=40, schema_extra={"enum": [k.value for k in ReasonKind]})]
PurposeFilter = Annotated[str | None, Parameter(max_length=40, schema_extra={"enum": [p.value for p in Purpose]})]


def _transition(transition: Transition) -> TransitionPublic:
    return TransitionPublic(from_status=transition.from_status, to=transition.to_status)


def _reason(reason: Reason) -> ReasonPublic:
    return ReasonPublic(id=str(reason.id), kind=reason.kind.value, label=reason.label, order=reason.order,
                        is_active=reason.is_active)


def _criterion(criterion: Criterion) -> CriterionPublic:
    return CriterionPublic(
        id=str(criterion.id), purpose=criterion.purpose.value, framework=criterion.framework, name=criterion.name,
        label=criterion.label, order=criterion.order, is_active=criterion.is_active,
        conditions=[ConditionPublic(field=c.field, operator=c.operator.value, value=c.value)
                    for c in criterion.conditions])


def _mapping(mapping: MappingView) -> MappingPublic:
    return MappingPublic(id=str(mapping.id), source=mapping.source, target=mapping.target)


class WorkflowConfigurationController(Controller):
    path = "/config"
    tags = ["configuration"]

    @api_get("/status-transitions", summary="List the allowed status moves")
    def list_transitions(self, ctx: ServiceContext, actor: int) -> list[TransitionPublic]:
        return [_transition(t) for t in workflow.list_transitions(ctx)]

    @api_post("/status-transitions", summary="Allow a status move (admin)")
    def allow_transition(self, ctx: ServiceContext, actor: int, data: TransitionIn) -> TransitionPublic:
        """Allowing a move already allowed changes nothing. Moves into a converted status are
        refused: conversion alone reaches it."""
        return _transition(workflow.allow_transition(ctx, actor, data.from_status, data.to))

    @api_delete("/status-transitions", summary="Forbid a status move (admin)", status_code=204)
    def forbid_transition(self, ctx: ServiceContext, actor: int,
                          from_status: Annotated[str, QueryParameter(name="from", max_length=255,
                                                                     description="A status label or id.")],
                          to: StatusRef) -> None:
        """``?from=Contacted&to=Unqualified``; NOT_FOUND when the move was not allowed."""
        workflow.forbid_transition(ctx, actor, from_status, to)

    @api_post("/status-transitions/reset", summary="Restore the default status moves (admin)", status_code=200)
    def reset_transitions(self, ctx: ServiceContext, actor: int) -> list[TransitionPublic]:
        return [_transition(t) for t in workflow.reset_transitions(ctx, actor)]

    @api_get("/conversion-gate", summary="Whether converting an unqualified lead needs its criteria")
    def conversion_gate(self, ctx: ServiceContext, actor: int) -> ConversionGate:
        return ConversionGate(enabled=conversion_gate.get_qualification_gate(ctx))

    @api_put("/conversion-gate", summary="Turn the qualification gate of conversion on or off (admin)")
    def set_conversion_gate(self, ctx: ServiceContext, actor: int, data: ConversionGate) -> ConversionGate:
        """``{"enabled": false}`` lets a lead that is not qualified convert without its
        qualification criteria or an override; audited."""
        return ConversionGate(enabled=conversion_gate.set_qualification_gate(ctx, actor, data.enabled))

    @api_get("/reasons", summary="List disqualification and loss reasons")
    def list_reasons(self, ctx: ServiceContext, actor: int, kind: Kind = None) -> list[ReasonPublic]:
        return [_reason(r) for r in workflow.list_reasons(ctx, kind)]

    @api_post("/reasons", summary="Add a reason to a list (admin)")
    def add_reason(self, ctx: ServiceContext, actor: int, data: ReasonIn) -> ReasonPublic:
        return _reason(workflow.add_reason(ctx, actor, data.kind, data.label))

    @api_patch("/reasons/{kind:str}/{reason:str}", summary="Rename or (de)activate a reason (admin)")
    def change_reason(self, ctx: ServiceContext, actor: int, kind: str, reason: str,
                      data: ReasonChange) -> ReasonPublic:
        """``reason`` is the label or id; records that carry the reason keep it."""
        return _reason(workflow.change_reason(ctx, actor, kind, reason, label=data.label, is_active=data.is_active))

    @api_get("/criteria", summary="List qualification and opportunity criteria")
    def list_criteria(self, ctx: ServiceContext, actor: int, purpose: PurposeFilter = None) -> list[CriterionPublic]:
        return [_criterion(c) for c in workflow.list_criteria(ctx, purpose)]

    @api_post("/criteria", summary="Add a criterion to a framework (admin)")
    def add_criterion(self, ctx: ServiceContext, actor: int, data: CriterionIn) -> CriterionPublic:
        """A criterion of a new framework stays inactive until ``POST /config/criteria/use`` (unless
        no framework of its purpose is active)."""
        conditions = [{"field": c.field, "operator": c.operator, "value": c.value} for c in data.conditions]
        return _criterion(workflow.add_criterion(ctx, actor, purpose=data.purpose, framework=data.framework,
                                                 name=data.name, conditions=conditions, label=data.label))

    @api_delete("/criteria/{framework:str}/{name:str}", summary="Remove a criterion (admin)", status_code=204)
    def remove_criterion(self, ctx: ServiceContext, actor: int, framework: str, name: str,
                         allow_none: bool = False) -> None:
        """The last criterion the active framework applies goes only with ``allow_none=true``
        (``CONFIGURATION_INVALID`` otherwise): without criteria every lead passes."""
        workflow.remove_criterion(ctx, actor, framework, name, allow_none=allow_none)

    @api_post("/criteria/use", summary="Make a framework the active one of its purpose (admin)", status_code=200)
    def use_framework(self, ctx: ServiceContext, actor: int, data: FrameworkIn) -> list[CriterionPublic]:
        return [_criterion(c) for c in workflow.use_framework(ctx, actor, data.framework)]

    @api_get("/conversion-mappings", summary="List custom field mappings of conversion")
    def list_mappings(self, ctx: ServiceContext, actor: int) -> list[MappingPublic]:
        return [_mapping(m) for m in workflow.list_field_mappings(ctx)]

    @api_post("/conversion-mappings", summary="Map a custom lead field for conversion (admin)")
    def add_mapping(self, ctx: ServiceContext, actor: int, data: MappingIn) -> MappingPublic:
        """The target must be a custom field of account, contact or opportunity of a compatible
        type; otherwise VALIDATION_FAILED naming ``target``."""
        return _mapping(workflow.add_field_mapping(ctx, actor, data.source, data.target))

    @api_delete("/conversion-mappings/{mapping_id:int}", summary="Remove a conversion mapping (admin)",
                status_code=204)
    def remove_mapping(self, ctx: ServiceContext, actor: int, mapping_id: RecordId) -> None:
        workflow.remove_field_mapping(ctx, actor, mapping_id)
