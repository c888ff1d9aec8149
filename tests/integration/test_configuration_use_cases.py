"""Configuration rules enforced against stored data: statuses, sources, stages, users."""

from __future__ import annotations

import dataclasses

import pytest

from leadline.domain.errors import (
    ConfigurationError,
    ConflictError,
    PermissionDeniedError,
    StatusInUseError,
    ValidationError,
)
from leadline.services.configuration import sales as sales_configuration
from leadline.services.configuration import statuses as configuration
from leadline.services.configuration.setup import initialise_organisation
from leadline.services.context import ServiceContext
from leadline.services.leads import records as leads
from leadline.services.security import users


def test_initialising_twice_seeds_once(ctx: ServiceContext, admin_id: int) -> None:
    again = initialise_organisation(ctx, admin_email="ada@example.com")
    assert again.seeded == [] and again.admin is not None and again.admin.id == admin_id
    assert [s.label for s in configuration.list_statuses(ctx)] == [
        "Open", "Contacted", "Qualified", "Unqualified", "Converted"]
    assert len(configuration.list_sources(ctx)) == 8
    assert [s.label for s in sales_configuration.list_stages(ctx)] == [
        "Prospecting", "Qualification", "Needs Analysis", "Proposal/Quote", "Negotiation", "Order",
        "Closed Won", "Closed Lost"]


def test_a_status_in_use_cannot_be_deleted_but_can_be_deactivated(ctx: ServiceContext, admin_id: int) -> None:
    configuration.add_status(ctx, admin_id, "Nurturing", "working")
    leads.create_lead(ctx, admin_id, {"last_name": "N", "company": "C", "status": "Nurturing"})
    with pytest.raises(StatusInUseError) as error:
        configuration.delete_status(ctx, admin_id, "Nurturing")
    assert error.value.code == "STATUS_IN_USE"
    configuration.deactivate_status(ctx, admin_id, "nurturing")
    assert [s.is_active for s in configuration.list_statuses(ctx) if s.label == "Nurturing"] == [False]


def test_an_unused_status_can_be_deleted(ctx: ServiceContext, admin_id: int) -> None:
    configuration.add_status(ctx, admin_id, "Parked", "working")
    configuration.delete_status(ctx, admin_id, "Parked")
    assert "Parked" not in [s.label for s in configuration.list_statuses(ctx)]


def test_the_last_converted_status_and_the_default_cannot_go(ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(ConfigurationError):
        configuration.deactivate_status(ctx, admin_id, "Converted")
    with pytest.raises(ConfigurationError):
        configuration.deactivate_status(ctx, admin_id, "Open")
    with pytest.raises(ConfigurationError):
        configuration.delete_status(ctx, admin_id, "Converted")
    assert all(s.is_active for s in configuration.list_statuses(ctx))


def test_a_new_default_status_replaces_the_old_one(ctx: ServiceContext, admin_id: int) -> None:
    configuration.add_status(ctx, admin_id, "New", "open", make_default=True)
    defaults = [s.label for s in configuration.list_statuses(ctx) if s.is_default]
    assert defaults == ["New"]
    assert leads.create_lead(ctx, admin_id, {"last_name": "D", "company": "C"}).status.label == "New"


def test_renaming_keeps_labels_unique_ignoring_case(ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(ValidationError):
        configuration.rename_status(ctx, admin_id, "Contacted", "open")
    configuration.rename_source(ctx, admin_id, "Other", "Partner")
    assert "Partner" in [s.label for s in configuration.list_sources(ctx)]


def test_only_admins_change_configuration(ctx: ServiceContext, admin_id: int) -> None:
    rep = users.add_user(ctx, admin_id, name="Rep", email="rep@example.com", role="rep")
    with pytest.raises(PermissionDeniedError):
        configuration.add_source(ctx, rep.id, "Webinar")
    with pytest.raises(PermissionDeniedError):
        users.add_user(ctx, rep.id, name="X", email="x@example.com")


def test_a_process_keeps_an_open_a_won_and_a_lost_stage(ctx: ServiceContext, admin_id: int) -> None:
    with pytest.raises(ConfigurationError):
        sales_configuration.update_stage(ctx, admin_id, "Closed Won", active=False)
    stage = sales_configuration.update_stage(ctx, admin_id, "Negotiation", probability=80)
    assert stage.probability == 80
    renewals = sales_configuration.add_process(ctx, admin_id, "Renewals")
    assert len(sales_configuration.list_stages(ctx, "Renewals")) == 8
    assert renewals.is_default is False


def test_the_role_hierarchy_refuses_unknown_managers_and_duplicate_emails(ctx: ServiceContext, admin_id: int) -> None:
    manager = users.add_user(ctx, admin_id, name="Maria", email="maria@example.com", role="manager")
    rep = users.add_user(ctx, admin_id, name="Sam", email="SAM@example.com", manager="maria@example.com")
    assert (rep.manager_id, rep.email) == (manager.id, "sam@example.com")
    with pytest.raises(ConflictError):
        users.add_user(ctx, admin_id, name="Sam again", email="sam@example.com")
    with pytest.raises(Exception) as error:
        users.add_user(ctx, admin_id, name="Lost", email="lost@example.com", manager="ghost@example.com")
    assert getattr(error.value, "code", "") == "NOT_FOUND"


def test_a_configuration_change_is_seen_at_once_by_the_process_that_made_it(ctx: ServiceContext,
                                                                             admin_id: int) -> None:
    leads.create_lead(ctx, admin_id, {"last_name": "Before", "company": "C"})  # warms the cache
    configuration.add_source(ctx, admin_id, "Webinar")
    assert leads.create_lead(ctx, admin_id, {"last_name": "After", "company": "C", "source": "Webinar"}).source
    configuration.set_source_active(ctx, admin_id, "Webinar", False)
    with pytest.raises(ValidationError):
        leads.create_lead(ctx, admin_id, {"last_name": "Late", "company": "C", "source": "Webinar"})


def test_a_status_added_by_another_worker_is_found_despite_a_stale_cache(ctx: ServiceContext,
                                                                          admin_id: int) -> None:
    from leadline.services.cache import ConfigCache

    other_worker = dataclasses.replace(ctx, cache=ConfigCache(ttl=3600))
    lead = leads.create_lead(other_worker, admin_id, {"last_name": "Stale", "company": "C"})  # warms its cache
    configuration.add_status(ctx, admin_id, "Nurturing", "working")  # this worker's write
    leads.update_lead(ctx, admin_id, lead.lead.id, {"status": "Nurturing"})
    assert leads.get_lead(other_worker, admin_id, lead.lead.id).status.label == "Nurturing"
