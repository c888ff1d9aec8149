"""Lead use cases: capture, read, list, update and change status by hand.

Every change is written with its field history (who, when, from what to what), and every
status change, the first one included, lands in the lead's status history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from leadline.domain.configuration.custom_fields import (
    CustomValue,
    RecordType,
    coerce_custom_values,
    custom_filters,
    parse_custom_pairs,
)
from leadline.domain.configuration.sources import LeadSource, ensure_selectable, find_source
from leadline.domain.configuration.statuses import LeadStatus, default_status, find_status
from leadline.domain.duplicates.check import DuplicateCheck
from leadline.domain.duplicates.merge import ensure_not_merged_away
from leadline.domain.errors import ConflictError, NotFoundError, StaleRecordError, ValidationError
from leadline.domain.history import Deletion, FieldChange, diff_fields, render_value
from leadline.domain.ids import new_id
from leadline.domain.leads.lead import (
    LEAD_FIELD_CLEANERS,
    Lead,
    ProductInterest,
    clean_lead_fields,
    ensure_complete,
    parse_rating,
)
from leadline.domain.leads.warnings import FieldWarning, lead_warnings
from leadline.domain.queries import LeadQuery, Page
from leadline.domain.scoring.records import LeadScore
from leadline.domain.security.access import Viewer
from leadline.domain.security.users import User
from leadline.services.campaigns.members import join_source_campaign
from leadline.services.campaigns.records import resolve_campaign
from leadline.services.context import ServiceContext
from leadline.services.duplicates.check import DuplicateReport, probe_of, screen_new_record
from leadline.services.leads.status_moves import enter_first_status, move_status
from leadline.services.named_history import named_history
from leadline.services.scoring.scores import lead_unscored_reason, rescore_lead
from leadline.services.security import idempotency
from leadline.services.security.access import audit_created, load_viewer
from leadline.services.security.idempotency import IdempotencyClaim
from leadline.services.security.users import resolve_query_owners, resolve_user
from leadline.services.security.visibility import redacted_history, survivor_shown, without_hidden_conversion

if TYPE_CHECKING:
    from leadline.services.ports import UnitOfWork


@dataclass
class LeadDetails:
    """A lead with its references resolved to names, as every transport shows it."""

    lead: Lead
    status: LeadStatus
    source: LeadSource | None
    owner: User | None
    custom: dict[str, CustomValue | None] = field(default_factory=dict)
    #: what the capture or change accepted but looks wrong (a purchase timeframe in the past)
    warnings: list[FieldWarning] = field(default_factory=list)
    #: where the lead came from (``domain.capture.attribution.Attribution``), read by ``get_lead`` only
    capture: Any = None
    #: on capture: the records the duplicate rules say it matches (``warn`` and overridden ``block``)
    duplicates: DuplicateCheck | None = None
    #: the predicted chance of converting with its reasons (``get_lead`` and ``list_leads``); None unscored
    score: LeadScore | None = None
    #: why the lead has no score (``get_lead`` only; None when scored or not read)
    score_note: str | None = None


def create_lead(
    ctx: ServiceContext, actor_id: int, values: Mapping[str, object], *,
    products: Sequence[Mapping[str, object]] = (), custom: Mapping[str, object] | None = None,
    claim: IdempotencyClaim[LeadDetails] | None = None,
) -> LeadDetails:
    """Capture one lead. ``values`` holds standard fields plus ``source``, ``status`` and
    ``owner`` by label, id or e-mail. The owner defaults to the actor, the status to the default.
    ``claim``: the request's idempotency key, kept with the lead.

    The duplicate rules are checked (services/duplicates/check.py): a ``block`` match refuses
    with ``DUPLICATE_BLOCKED`` unless ``values["duplicate_override_reason"]`` is given (kept in
    the lead's history as ``duplicate_override``); ``warn`` matches come back in ``duplicates``.

    Raises ``ValidationError`` naming the first bad field; nothing is written then.
    """
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        report = DuplicateReport()
        lead = add_lead(ctx, uow, viewer, values, products=products, custom=custom, duplicates=report)
        details = _warned(describe_lead(ctx, uow, lead), ctx)
        details.duplicates = report.check
        return idempotency.commit(ctx, uow, claim, details)


def vars_of(lead: Lead) -> dict[str, Any]:
    """The lead's values the duplicate rules compare."""
    return {"email": lead.email, "phone": lead.phone, "website": lead.website, "company": lead.company,
            "first_name": lead.first_name, "last_name": lead.last_name}


def add_lead(
    ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, object], *,
    products: Sequence[Mapping[str, object]] = (), custom: Mapping[str, object] | None = None,
    before_storing: Callable[[Lead], None] | None = None, duplicates: DuplicateReport | None = None,
    rescore: bool = True, override_reason: str | None = None,
) -> Lead:
    """``create_lead``'s work inside a unit of work the caller owns and commits: the lead built,
    checked, stored with its custom values, first status and audit. ``before_storing(lead)``
    runs on the built lead before it is stored (capture channels assign its owner there).
    ``duplicates``: screen the lead by the duplicate rules and report the matches there (a
    ``block`` refuses unless ``values["duplicate_override_reason"]`` is given). Used by the
    capture channels, which write more in the same transaction (and check repeats their own way):
    they pass ``rescore=False`` and re-score the lead once what they add (quiz answers, the call)
    is written. ``override_reason``: a duplicate rule overridden before (a release from
    quarantine), kept in the lead's history as ``duplicate_override``."""
    lead = build_lead(ctx, uow, viewer, values, products)
    if before_storing is not None:
        before_storing(lead)
    overridden = override_reason
    if duplicates is not None:
        overridden = screen_new_record(ctx, uow, viewer, probe_of(RecordType.LEAD, vars_of(lead)),
                                       values.get("duplicate_override_reason"), duplicates)
    definitions = ctx.config(uow).custom_fields_of(RecordType.LEAD)
    lead.custom = coerce_custom_values(definitions, dict(custom or {}), creating=True)
    first = enter_first_status(ctx, uow, lead, reason=values.get("unqualified_reason"),
                               override_reason=values.get("qualification_override_reason"))
    uow.leads.add(lead)
    _join_campaign(uow, lead)
    uow.custom_fields.set_values(definitions, lead.id, lead.custom)
    uow.leads.record_status_change(lead.id, None, lead.status_id, viewer.id, lead.created_at,
                                   reason_id=first.reason.id if first.reason else None,
                                   note=first.override_reason)
    justified = {"unqualified_reason": first.reason.label if first.reason else None,
                 "qualification_override": first.override_reason, "duplicate_override": overridden}
    audit_created(uow, "lead", lead.id, viewer.id, lead.created_at,
                  {**lead_audit_values(lead), **justified, **{f"custom.{k}": v for k, v in lead.custom.items()}})
    if rescore:
        rescore_lead(ctx, uow, lead.id)
    return lead


def describe_new_lead(ctx: ServiceContext, uow: UnitOfWork, lead: Lead) -> LeadDetails:
    """The details ``create_lead`` answers with, warnings included."""
    return _warned(describe_lead(ctx, uow, lead), ctx)


def _warned(details: LeadDetails, ctx: ServiceContext, fields: frozenset[str] | None = None) -> LeadDetails:
    details.warnings = lead_warnings(details.lead, ctx.now().date(), fields=fields)
    return details


def build_lead(
    ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, values: Mapping[str, object],
    products: Sequence[Mapping[str, object]] = (), *, owner_of: Callable[[Any], User | None] | None = None,
    cleaned: Mapping[str, object] | None = None,
) -> Lead:
    """Validate input into a new ``Lead`` (not stored). Shared by single capture and bulk paths;
    ``owner_of`` resolves the ``owner`` reference (default: ``resolve_user``; an import remembers
    each owner it looked up); ``cleaned``: what ``clean_lead_fields`` answered for ``values``
    already (an import checks rows ahead in a worker: services/imports/ahead.py). Refused with
    ``PERMISSION_DENIED`` when the viewer's role may not create leads."""
    viewer.ensure_can_create(RecordType.LEAD)
    if cleaned is None:
        cleaned = clean_lead_fields(values, ctx.contact_points, country_hint=ctx.phone_region)
    ensure_complete(cleaned.get("last_name"), cleaned.get("company"))  # type: ignore[arg-type]
    statuses = ctx.config(uow).statuses
    status = default_status(statuses)
    if values.get("status"):
        status = find_status(statuses, str(values["status"]))
    source = _source(ctx, uow, values.get("source"))
    campaign = resolve_campaign(uow, values.get("campaign_id"))
    owner = (owner_of or (lambda reference: resolve_user(uow, reference)))(values.get("owner")) or viewer.user
    viewer.ensure_can_assign(owner)
    now = ctx.now()
    lead = Lead(id=new_id(), last_name="", company="", status_id=status.id, created_at=now, updated_at=now,
                currency=ctx.currency, owner_id=owner.id, source_id=source.id if source else None,
                campaign_id=campaign.id if campaign else None)
    for name, value in cleaned.items():
        setattr(lead, name, value)
    lead.set_status(status)
    lead.products = _products(products)
    return lead


MAX_MERGE_HOPS = 10  # merges of merges a read follows to the survivor


def get_lead(ctx: ServiceContext, actor_id: int, lead_id: int) -> LeadDetails:
    """One lead the actor may read; the id of a merged lead answers its survivor (whose id
    differs). The hottest read of the API: the lead comes through the unit
    of work's lean reads (one statement, no session) and the rest from the configuration cache."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = uow.reads.lead(lead_id)
        for _ in range(MAX_MERGE_HOPS):  # a merged lead is a tombstone: its survivor answers
            if lead is None or lead.merged_into_id is None:
                break
            lead = uow.reads.lead(lead.merged_into_id)
        if lead is None:
            raise NotFoundError(f"there is no lead {lead_id}", field="lead")
        viewer.ensure_can_read(RecordType.LEAD, lead.id, lead.owner_id)
        shown = without_hidden_conversion(uow, viewer, [lead])
        details = _describe_many(ctx, uow, shown, custom_of=uow.reads.custom_values)[0]
        details.capture = uow.reads.capture(lead.id)
        details.score = uow.reads.lead_score(lead.id)
        if details.score is None:
            details.score_note = lead_unscored_reason(uow, details.lead)
        return details


def get_lead_for_editing(ctx: ServiceContext, actor_id: int, lead_id: int) -> LeadDetails:
    """The lead an edit form starts from, under the guard its change will meet: ``NOT_FOUND``
    when the actor may not read it, ``PERMISSION_DENIED`` when they may read but not change it,
    ``LEAD_READ_ONLY`` once it is converted. Nothing is locked: the form's version, sent back
    with the change, catches an edit made meanwhile (``update_lead``'s ``expected_version``)."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead(uow, viewer, lead_id, edit=True)
        lead.ensure_editable()
        return describe_lead(ctx, uow, lead)


def list_leads(ctx: ServiceContext, actor_id: int, query: LeadQuery, page: Page) -> list[LeadDetails]:
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        leads = uow.leads.list(query, page, visible_owner_ids=viewer.readable_owner_ids(RecordType.LEAD))
        described = _describe_many(ctx, uow, without_hidden_conversion(uow, viewer, leads))
        scores = uow.scoring.lead_scores([d.lead.id for d in described])
        for details in described:
            details.score = scores.get(details.lead.id)
        return described


def lead_cursor(page: Page, last: LeadDetails) -> str:
    """The cursor after ``last`` in ``page``'s order: by its stored score (None when unscored) when
    the list is sorted by score, else by the lead's own field."""
    return page.cursor_after(last.lead, score=last.score.score if last.score else None)


def resolve_lead_query(
    ctx: ServiceContext, *, statuses: Sequence[str] = (), sources: Sequence[str] = (),
    owners: Sequence[str] = (), ratings: Sequence[str] = (), custom: Sequence[str] = (),
    campaigns: Sequence[str] = (), **rest: Any,
) -> LeadQuery:
    """Turn labels and e-mails from a transport into a ``LeadQuery`` of ids, refusing unknown
    names and ratings; ``custom`` filters are ``NAME=VALUE`` texts."""
    owner_ids = resolve_query_owners(ctx, list(owners))
    with ctx.reader() as uow:
        config = ctx.config(uow)
        all_statuses, all_sources = config.statuses, config.sources
        filters = custom_filters(config.custom_fields_of(RecordType.LEAD), parse_custom_pairs(custom))
        campaign_ids = tuple(c.id for c in (resolve_campaign(uow, c) for c in campaigns if c) if c is not None)
    return LeadQuery(
        status_ids=tuple(find_status(all_statuses, s).id for s in statuses if s),
        source_ids=tuple(find_source(all_sources, s).id for s in sources if s),
        owner_ids=owner_ids,
        ratings=tuple(parse_rating(r) for r in ratings if r),
        custom=filters,
        campaign_ids=campaign_ids,
        **rest,
    )


def update_lead(
    ctx: ServiceContext, actor_id: int, lead_id: int, changes: Mapping[str, object], *,
    products: Sequence[Mapping[str, object]] | None = None, custom: Mapping[str, object] | None = None,
    expected_version: int | None = None,
) -> LeadDetails:
    """Change fields of an unconverted lead the actor may edit. With ``expected_version`` the
    update is refused (``STALE_RECORD``) if someone changed the lead since it was read. The
    status the lead already has, sent beside other changes, is left alone; sent alone it is
    ``STATUS_UNCHANGED`` (an unqualified lead's new reason excepted), as ``lead status`` says."""
    with ctx.uow_factory() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        lead = load_lead_for_editing(uow, viewer, lead_id, expected_version=expected_version)
        now = ctx.now()
        others = set(changes) - {"status", "unqualified_reason", "qualification_override_reason"}
        history = apply_lead_changes(ctx, uow, viewer, lead, changes, now,
                                unchanged_ok=bool(others) or products is not None or bool(custom))
        if products is not None:
            history += _replace_products(uow, viewer, lead, products, now)
        if custom:
            history += change_lead_custom(ctx, uow, viewer, lead, custom, now)
        if not history:
            return describe_lead(ctx, uow, lead)
        lead.updated_at = now
        uow.leads.save(lead)
        if "campaign_id" in changes:
            _join_campaign(uow, lead)
        uow.audit.record_changes(history)
        rescore_lead(ctx, uow, lead.id)
        uow.commit()
        return _warned(describe_lead(ctx, uow, lead), ctx, frozenset(c.field for c in history))


def apply_lead_changes(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead,
                       changes: Mapping[str, object], now: datetime, *, unchanged_ok: bool = True) -> list[FieldChange]:
    """Apply ``changes`` (standard fields, source, owner, status) to ``lead`` (locked, editable by
    ``viewer``) by the rules of a lead update; the field changes for the audit. Not saved."""
    cleaned = clean_lead_fields(changes, ctx.contact_points, country_hint=lead.country or ctx.phone_region)
    if "source" in changes:
        source = _source(ctx, uow, changes["source"])
        cleaned["source_id"] = source.id if source else None
    if "campaign_id" in changes:
        campaign = resolve_campaign(uow, changes["campaign_id"])
        cleaned["campaign_id"] = campaign.id if campaign else None
    if changes.get("owner"):
        owner = resolve_user(uow, changes["owner"])  # type: ignore[arg-type]
        assert owner is not None
        viewer.ensure_can_assign(owner)
        cleaned["owner_id"] = owner.id
    before = lead.apply(cleaned)
    history = diff_fields(RecordType.LEAD, lead.id, before, cleaned, actor_id=viewer.id, at=now)
    if changes.get("status"):
        history += move_status(ctx, uow, viewer, lead, changes["status"], reason=changes.get("unqualified_reason"),
                               override_reason=changes.get("qualification_override_reason"), now=now,
                               unchanged_ok=unchanged_ok)
    elif changes.get("unqualified_reason") or changes.get("qualification_override_reason"):
        raise ValidationError("a reason or override is given only with a status change", field="status")
    return history


def _replace_products(uow: UnitOfWork, viewer: Viewer, lead: Lead, products: Sequence[Mapping[str, object]],
                      now: datetime) -> list[FieldChange]:
    old_products = _render_products(lead.products)
    lead.products = _products(products)
    uow.leads.replace_products(lead.id, lead.products)
    return diff_fields(RecordType.LEAD, lead.id, {"products": old_products},
                       {"products": _render_products(lead.products)}, actor_id=viewer.id, at=now)


def change_lead_custom(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead: Lead,
                       custom: Mapping[str, object], now: datetime) -> list[FieldChange]:
    definitions = ctx.config(uow).custom_fields_of(RecordType.LEAD)
    old_custom = uow.custom_fields.values_for(definitions, [lead.id])[lead.id]
    new_custom = coerce_custom_values(definitions, dict(custom), creating=False)
    uow.custom_fields.set_values(definitions, lead.id, new_custom)
    return diff_fields(RecordType.LEAD, lead.id, {f"custom.{k}": v for k, v in old_custom.items()},
                       {f"custom.{k}": v for k, v in new_custom.items()}, actor_id=viewer.id, at=now)


def delete_lead(ctx: ServiceContext, actor_id: int, lead_id: int, *, expected_version: int | None = None) -> None:
    """Delete an unconverted lead the actor may edit, if their role may delete leads (a converted
    lead is kept for its lineage)."""
    with ctx.uow_factory() as uow:
        remove_lead(ctx, uow, load_viewer(uow, actor_id, ctx), lead_id, expected_version=expected_version)
        uow.commit()


def remove_lead(ctx: ServiceContext, uow: UnitOfWork, viewer: Viewer, lead_id: int, *,
                expected_version: int | None = None) -> None:
    """``delete_lead``'s work in the caller's unit of work (a bulk job's block)."""
    lead = load_lead_for_editing(uow, viewer, lead_id, expected_version=expected_version)
    viewer.ensure_can_delete(RecordType.LEAD, lead.id, lead.owner_id)
    ensure_not_merged_away("lead", lead.id, lead.merged_into_id, field="lead",
                           survivor_shown=survivor_shown(uow, viewer, RecordType.LEAD, lead.merged_into_id))
    uow.custom_fields.delete_values(lead.id)
    uow.leads.delete(lead.id)
    uow.deletions.add(Deletion("lead", lead.id, lead.owner_id, ctx.now()))
    uow.audit.record("delete", "lead", lead.id, viewer.id, ctx.now(),
                     {k: (render_value(v), None) for k, v in lead_audit_values(lead).items() if v is not None})


def lead_history(ctx: ServiceContext, actor_id: int, lead_id: int) -> list[Any]:
    """The field history of a lead the actor may read; ids of records the actor may not read (what
    it was converted into) are left out."""
    with ctx.reader() as uow:
        viewer = load_viewer(uow, actor_id, ctx)
        load_lead(uow, viewer, lead_id)
        changes = named_history(ctx.config(uow), uow.audit.history(RecordType.LEAD, lead_id))
        return redacted_history(uow, viewer, changes)


def load_lead(uow: UnitOfWork, viewer: Viewer, lead_id: int, *, for_update: bool = False, edit: bool = False) -> Lead:
    """The lead if the viewer may read it (and edit it, with ``edit``); unreadable is not found."""
    lead: Lead | None = uow.leads.get_for_update(lead_id) if for_update else uow.leads.get(lead_id)
    if lead is None:
        raise NotFoundError(f"there is no lead {lead_id}", field="lead")
    if edit:
        viewer.ensure_can_edit(RecordType.LEAD, lead.id, lead.owner_id)
    else:
        viewer.ensure_can_read(RecordType.LEAD, lead.id, lead.owner_id)
    return lead


def load_lead_for_editing(uow: UnitOfWork, viewer: Viewer, lead_id: int, *, expected_version: int | None = None,
                          converted: bool | None = False) -> Lead:
    """The one guard of every use case that changes a lead: the lead read and locked until
    commit, if the viewer may edit it (``NOT_FOUND`` when they may not even read it, else
    ``PERMISSION_DENIED``), in the conversion state the change needs, and (with
    ``expected_version``) unchanged since the caller read it (``STALE_RECORD``).

    ``converted``: False for a change to an unconverted lead (a converted one is read-only,
    ``LEAD_CONVERTED``); True for one that only a converted lead takes, such as undoing a
    conversion (``CONFLICT`` otherwise); None for either (conversion, which replays a converted
    lead's result: it checks ``ensure_current`` itself once it knows the lead is not converted).

    Example: ``lead = load_lead_for_editing(uow, viewer, lead_id, expected_version=version)``
    """
    lead = load_lead(uow, viewer, lead_id, for_update=True, edit=True)
    if converted is False:
        lead.ensure_editable()
    elif converted and not lead.is_converted():
        raise ConflictError(f"lead {lead.id} is not converted", field="lead")
    ensure_current(lead, expected_version)
    return lead


def ensure_current(lead: Lead, expected_version: int | None) -> None:
    """``STALE_RECORD`` when ``expected_version`` is given and the lead is no longer at it."""
    if expected_version is not None and expected_version != lead.version:
        raise StaleRecordError("the lead changed since you read it; reload and retry", field="version")


def lead_audit_values(lead: Lead) -> dict[str, object]:
    values = {name: getattr(lead, name) for name in LEAD_FIELD_CLEANERS}
    values.update(email=lead.email, phone=lead.phone, source_id=lead.source_id, campaign_id=lead.campaign_id,
                  status_id=lead.status_id,
                  owner_id=lead.owner_id, products=_render_products(lead.products))
    return values


def _join_campaign(uow: UnitOfWork, lead: Lead) -> None:
    """A lead is a member of its source campaign, as having responded when it was captured."""
    if lead.campaign_id is not None:
        campaign = uow.campaigns.get(lead.campaign_id)
        assert campaign is not None, "resolved in this transaction"
        join_source_campaign(uow, campaign, lead.id, lead.created_at)


def _source(ctx: ServiceContext, uow: UnitOfWork, reference: object) -> LeadSource | None:
    if reference in (None, ""):
        return None
    source = find_source(ctx.config(uow).sources, str(reference))
    ensure_selectable(source)
    return source


def _products(lines: Sequence[Mapping[str, object]]) -> list[ProductInterest]:
    return [
        ProductInterest.build(line.get("product"), line.get("quantity", "1"), line.get("estimated_unit_price"),
                              index=i)
        for i, line in enumerate(lines)
    ]


def _render_products(lines: Sequence[ProductInterest]) -> str | None:
    rendered = "; ".join(
        f"{p.product_name} x {p.quantity.normalize():f}"
        + (f" @ {p.estimated_unit_price.normalize():f}" if p.estimated_unit_price is not None else "")
        for p in lines
    )
    return rendered or None


def describe_lead(ctx: ServiceContext, uow: UnitOfWork, lead: Lead) -> LeadDetails:
    return _describe_many(ctx, uow, [lead])[0]


def _describe_many(ctx: ServiceContext, uow: UnitOfWork, leads: list[Lead], *,
                   custom_of: Any = None) -> list[LeadDetails]:
    """The leads with their references resolved; ``custom_of(lead_id, definitions)`` reads one
    lead's custom values (default: all the leads' in one query through the repository)."""
    config = ctx.config(uow)
    if any(lead.status_id not in config.status_by_id or (lead.owner_id and lead.owner_id not in config.users)
           or (lead.source_id and lead.source_id not in config.source_by_id) for lead in leads):
        config = ctx.fresh_config(uow)  # a status, source or user made by another worker a moment ago
    statuses = config.status_by_id
    sources: Mapping[Any, Any] = config.source_by_id
    owners: Mapping[Any, Any] = config.users
    definitions = config.custom_fields_of(RecordType.LEAD)
    if not definitions:
        custom = {}
    elif custom_of is not None:
        custom = {lead.id: custom_of(lead.id, definitions) for lead in leads}
    else:
        custom = uow.custom_fields.values_for(definitions, [lead.id for lead in leads])
    # the cached configuration's own (immutable) status, source and owner: shared, never copied
    return [
        LeadDetails(lead, statuses[lead.status_id], sources.get(lead.source_id), owners.get(lead.owner_id),
                    custom.get(lead.id, {}))
        for lead in leads
    ]
