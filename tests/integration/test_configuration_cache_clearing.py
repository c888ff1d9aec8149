"""The configuration cache is cleared by the unit of work that commits a configuration change
(persistence/configuration/writes.py), not by each use case: every configuration use case's
change is what the next read sees, at once, although the cache would keep its entries for an
hour; a change rolled back is never seen and clears nothing."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any

import pytest

from leadline.domain.configuration.statuses import LeadStatus, StatusKind
from leadline.domain.errors import AuthenticationError
from leadline.domain.security.rights import ObjectRights
from leadline.services.cache import ConfigCache
from leadline.services.configuration import lead_workflow as workflow_configuration
from leadline.services.configuration import sales as sales_configuration
from leadline.services.configuration import statuses as configuration
from leadline.services.context import CachedConfig, ServiceContext
from leadline.services.conversion import gate as conversion_gate
from leadline.services.forecast import settings as forecast_settings
from leadline.services.security import auth, rights, sharing, users

Change = Callable[[ServiceContext, int], object]


class CountingCache(ConfigCache):
    """A cache that keeps its entries for an hour and counts how often it is cleared."""

    def __init__(self) -> None:
        super().__init__(ttl=3600)
        self.cleared = 0

    def invalidate(self) -> None:
        self.cleared += 1
        super().invalidate()


def _criterion(ctx: ServiceContext, admin: int) -> object:
    return workflow_configuration.add_criterion(ctx, admin, purpose="qualification", framework="FIT", name="fit",
                                                conditions=[{"field": "title", "operator": "present"}])


#: (what is done first, the configuration change whose effect the next read must show)
CHANGES: dict[str, tuple[Change | None, Change]] = {
    "add status": (None, lambda c, a: configuration.add_status(c, a, "Parked", "working")),
    "rename status": (None, lambda c, a: configuration.rename_status(c, a, "Contacted", "Called")),
    "default status": (None, lambda c, a: configuration.set_default_status(c, a, "Contacted")),
    "deactivate status": (None, lambda c, a: configuration.deactivate_status(c, a, "Contacted")),
    "delete status": (lambda c, a: configuration.add_status(c, a, "Parked", "working"),
                      lambda c, a: configuration.delete_status(c, a, "Parked")),
    "add source": (None, lambda c, a: configuration.add_source(c, a, "Webinar")),
    "rename source": (lambda c, a: configuration.add_source(c, a, "Webinar"),
                      lambda c, a: configuration.rename_source(c, a, "Webinar", "Seminar")),
    "deactivate source": (lambda c, a: configuration.add_source(c, a, "Webinar"),
                          lambda c, a: configuration.set_source_active(c, a, "Webinar", False)),
    "add user": (None, lambda c, a: users.add_user(c, a, name="Sam Rep", email="sam@example.com")),
    "update user": (lambda c, a: users.add_user(c, a, name="Sam Rep", email="sam@example.com"),
                    lambda c, a: users.update_user(c, a, "sam@example.com", role="manager")),
    "allow transition": (None, lambda c, a: workflow_configuration.allow_transition(c, a, "Open", "Unqualified")),
    "forbid transition": (None, lambda c, a: workflow_configuration.forbid_transition(c, a, "Open", "Contacted")),
    "reset transitions": (lambda c, a: workflow_configuration.forbid_transition(c, a, "Open", "Contacted"),
                          lambda c, a: workflow_configuration.reset_transitions(c, a)),
    "add reason": (None, lambda c, a: workflow_configuration.add_reason(c, a, "lead_unqualified", "Spam")),
    "change reason": (lambda c, a: workflow_configuration.add_reason(c, a, "lead_unqualified", "Spam"),
                      lambda c, a: workflow_configuration.change_reason(c, a, "lead_unqualified", "Spam",
                                                                        is_active=False)),
    "add criterion": (None, _criterion),
    "use framework": (_criterion, lambda c, a: workflow_configuration.use_framework(c, a, "FIT")),
    "remove criterion": (_criterion, lambda c, a: workflow_configuration.remove_criterion(c, a, "FIT", "fit")),
    "add field mapping": (
        lambda c, a: (sales_configuration.add_custom_field(c, a, "lead", "po", "PO", "text"),
                      sales_configuration.add_custom_field(c, a, "account", "po_note", "PO", "text")),
        lambda c, a: workflow_configuration.add_field_mapping(c, a, "lead.po", "account.po_note")),
    "add process": (None, lambda c, a: sales_configuration.add_process(c, a, "Renewals")),
    "add stage": (None, lambda c, a: sales_configuration.add_stage(c, a, "Pilot", probability=40,
                                                                   forecast_category="pipeline")),
    "update stage": (None, lambda c, a: sales_configuration.update_stage(c, a, "Negotiation", probability=85)),
    "add custom field": (None, lambda c, a: sales_configuration.add_custom_field(c, a, "lead", "seats", "Seats",
                                                                                 "number")),
    "update custom field": (
        lambda c, a: sales_configuration.add_custom_field(c, a, "lead", "seats", "Seats", "number"),
        lambda c, a: sales_configuration.update_custom_field(
            c, a, sales_configuration.list_custom_fields(c)[0].id, label="Seat count", required=True)),
    "update process": (lambda c, a: sales_configuration.add_process(c, a, "Renewals"),
                       lambda c, a: sales_configuration.update_process(c, a, "Renewals", name="Renewal",
                                                                       default=True)),
    "update field mapping": (
        lambda c, a: (sales_configuration.add_custom_field(c, a, "lead", "po", "PO", "text"),
                      sales_configuration.add_custom_field(c, a, "account", "po_note", "PO", "text"),
                      sales_configuration.add_custom_field(c, a, "contact", "po_note", "PO", "text"),
                      workflow_configuration.add_field_mapping(c, a, "lead.po", "account.po_note")),
        lambda c, a: workflow_configuration.update_field_mapping(
            c, a, workflow_configuration.list_field_mappings(c)[0].id, "lead.po", "contact.po_note")),
    "set sharing": (None, lambda c, a: sharing.set_sharing(c, a, "lead", "public_read_only")),
    "revoke a right": (None, lambda c, a: rights.set_object_right(c, a, "rep", "delete", "account", False)),
    "set a role's rights": (None, lambda c, a: rights.set_role_rights(c, a, "manager", [("create", "lead")])),
    "qualification gate": (None, lambda c, a: conversion_gate.set_qualification_gate(c, a, False)),
    "fiscal year start": (None, lambda c, a: forecast_settings.set_fiscal_year_start(c, a, 11)),
}


def served(ctx: ServiceContext) -> str:
    """Everything the cache serves a request, as text (every field of every object)."""
    with ctx.reader() as uow:
        return _fingerprint(ctx.config(uow))


def stored(ctx: ServiceContext) -> str:
    """The configuration the database holds, read past the cache."""
    with ctx.reader() as uow:
        return _fingerprint(CachedConfig.load(uow))


def _fingerprint(config: CachedConfig) -> str:
    fields: list[Any] = [getattr(config, f.name) for f in dataclasses.fields(config)]
    fields = [f.stored if isinstance(f, ObjectRights) else f for f in fields]
    return repr([sorted(map(repr, f.items() if isinstance(f, Mapping) else f)) for f in fields])


@pytest.fixture
def cached(ctx: ServiceContext) -> ServiceContext:
    return dataclasses.replace(ctx, cache=CountingCache())


def served_at_once(cached: ServiceContext, admin_id: int, name: str) -> None:
    """Given the change ``name`` prepared and the cache warm, when it is made, then the next read
    serves what the database holds."""
    prepare, change = CHANGES[name]
    if prepare is not None:
        prepare(cached, admin_id)
    before = served(cached)  # the cache now holds this for an hour, unless a commit clears it
    change(cached, admin_id)
    assert served(cached) != before
    assert served(cached) == stored(cached)


@pytest.mark.parametrize("name", list(CHANGES))
def test_each_configuration_change_is_what_the_next_read_serves_at_once(cached: ServiceContext, admin_id: int,
                                                                        name: str) -> None:
    served_at_once(cached, admin_id, name)


def test_a_revoked_token_is_refused_at_once(cached: ServiceContext, admin_id: int) -> None:
    token, info = auth.create_token(cached, admin_id, name="script")
    assert auth.authenticate_token(cached, token) == admin_id  # cached for an hour
    auth.revoke_token(cached, admin_id, info.id)
    with pytest.raises(AuthenticationError):
        auth.authenticate_token(cached, token)


def test_a_use_case_that_only_writes_records_leaves_the_cache_alone(cached: ServiceContext, admin_id: int) -> None:
    from leadline.services.leads import records as leads

    served(cached)
    leads.create_lead(cached, admin_id, {"last_name": "Lovelace", "company": "Engines"})
    assert isinstance(cached.cache, CountingCache) and cached.cache.cleared == 0


def test_a_configuration_change_rolled_back_is_never_served_and_clears_nothing(cached: ServiceContext,
                                                                              admin_id: int) -> None:
    before = served(cached)
    with pytest.raises(RuntimeError), cached.uow_factory() as uow:
        uow.statuses.add(LeadStatus(4242, "Ghost", 99, StatusKind.WORKING))
        uow.flush()
        assert "Ghost" in [s.label for s in cached.config(uow).statuses]  # this unit of work sees its write
        raise RuntimeError("the use case fails after its write")
    assert served(cached) == before == stored(cached)
    assert isinstance(cached.cache, CountingCache) and cached.cache.cleared == 0


def test_every_table_the_unit_of_work_counts_as_configuration_is_a_table_of_the_schema() -> None:
    from leadline.persistence.configuration.writes import CONFIGURATION_TABLES
    from leadline.persistence.rows import metadata

    assert CONFIGURATION_TABLES <= set(metadata.tables)
    assert {"users", "lead_statuses", "opportunity_stages", "org_settings"} <= CONFIGURATION_TABLES
