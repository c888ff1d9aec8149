"""/api/v1/leads/...: working a lead through its statuses and qualifying it (converting it is
api/conversion/handlers.py).

Each handler parses, calls the one use case, and renders; the rules (workflow, criteria,
record-level security) live in the use cases.
"""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Controller, Request, Response
from litestar.params import Parameter

from leadline.api.deps import expected_version
from leadline.api.idempotency import idempotent
from leadline.api.leads.records import lead_response
from leadline.api.leads.schemas import (
    CriterionResultPublic,
    EvaluationPublic,
    LeadPublic,
    QualifyIn,
    StatusChangeIn,
    StatusChangePublic,
    StatusOptionsPublic,
)
from leadline.api.routes import RecordId, api_get, api_post
from leadline.domain.leads.qualification import Evaluation, Purpose
from leadline.services.context import ServiceContext
from leadline.services.leads import workflow as lead_workflow

AnyRequest = Request[Any, Any, Any]
PurposeParam = Annotated[str, Parameter(pattern="^(qualification|opportunity)$",
                                        description="qualification or opportunity")]


def _ref(value: int | None) -> str | None:
    return str(value) if value else None


def evaluation_public(evaluation: Evaluation) -> EvaluationPublic:
    return EvaluationPublic(framework=evaluation.framework, met=evaluation.met, results=[
        CriterionResultPublic(name=r.name, met=r.met, reason=r.reason) for r in evaluation.results])


class LeadWorkflowController(Controller):
    path = "/leads"
    tags = ["lead workflow"]

    @api_post("/{lead_id:int}/status", summary="Move a lead to another status", status_code=200)
    def change_status(self, request: AnyRequest, ctx: ServiceContext, actor: int, lead_id: RecordId,
                      data: StatusChangeIn, body: bytes) -> Response[LeadPublic]:
        """Move by the organisation's workflow: a move outside it is STATUS_TRANSITION_NOT_ALLOWED,
        disqualifying without a reason REASON_REQUIRED, qualifying a lead that misses its criteria
        without ``override_reason`` CRITERIA_NOT_MET (each unmet criterion in ``errors``)."""
        version = expected_version(request)
        return idempotent(request, body, ctx, actor, lambda claim: lead_workflow.change_lead_status(
            ctx, actor, lead_id, data.status, reason=data.reason, override_reason=data.override_reason,
            expected_version=version, claim=claim), lead_response)

    @api_post("/{lead_id:int}/qualify", summary="Qualify a lead", status_code=200)
    def qualify(self, request: AnyRequest, ctx: ServiceContext, actor: int, lead_id: RecordId, data: QualifyIn,
                body: bytes) -> Response[LeadPublic]:
        """Move to a qualified status (the first one unless ``status`` names another); the criteria
        must be met, or overridden with a written ``override_reason``, which is kept."""
        version = expected_version(request)
        return idempotent(request, body, ctx, actor, lambda claim: lead_workflow.qualify_lead(
            ctx, actor, lead_id, status=data.status, override_reason=data.override_reason,
            expected_version=version, claim=claim), lead_response)

    @api_get("/{lead_id:int}/qualification", summary="Evaluate a lead against its criteria")
    def qualification(self, ctx: ServiceContext, actor: int, lead_id: RecordId,
                      purpose: PurposeParam = "qualification") -> EvaluationPublic:
        """Each active criterion of the purpose, met or unmet with the reason."""
        return evaluation_public(lead_workflow.evaluate_lead(ctx, actor, lead_id, Purpose(purpose)))

    @api_get("/{lead_id:int}/status-options", summary="Where a lead may move next")
    def status_options(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> StatusOptionsPublic:
        options = lead_workflow.status_options(ctx, actor, lead_id)
        return StatusOptionsPublic(current=options.current.label, current_kind=options.current.kind.value,
                                   read_only=options.read_only,
                                   next=[s.label for s in options.next_statuses],
                                   qualification=evaluation_public(options.qualification))

    @api_get("/{lead_id:int}/status-history", summary="Status changes of a lead")
    def status_history(self, ctx: ServiceContext, actor: int, lead_id: RecordId) -> list[StatusChangePublic]:
        """Every status change, oldest first, with who, when, the reason and any override."""
        return [StatusChangePublic(from_status=c["from"], to=c["to"], actor_id=_ref(c["actor_id"]), at=c["at"],
                                   reason=c["reason"], override_reason=c["override_reason"])
                for c in lead_workflow.status_history(ctx, actor, lead_id)]
