"""Renaming configured items and keeping an admin: rules of the domain, no database."""

from __future__ import annotations

from dataclasses import replace

import pytest

from leadline.domain.configuration.sources import LeadSource
from leadline.domain.errors import ConflictError, ValidationError
from leadline.domain.security.users import Role, User, ensure_an_admin_remains


def test_a_source_is_renamed_to_a_clean_label_unique_ignoring_case() -> None:
    from leadline.domain.configuration.statuses import relabel

    web, fair = LeadSource(1, "Web"), LeadSource(2, "Trade show")
    web = relabel(web, "  Website  ", [web, fair])
    assert web.label == "Website"
    with pytest.raises(ValidationError) as error:
        relabel(web, "TRADE SHOW", [web, fair])
    assert error.value.field == "label"
    assert relabel(web, "website", [web, fair]).label == "website"  # its own name in another case is fine


def test_the_last_active_admin_cannot_go() -> None:
    admin = User(1, "Ada", "ada@example.com", Role.ADMIN)
    rep = User(2, "Sam", "sam@example.com", Role.REP)
    ensure_an_admin_remains([admin, rep])
    with pytest.raises(ConflictError):
        ensure_an_admin_remains([replace(admin, active=False), rep])
    with pytest.raises(ConflictError):
        ensure_an_admin_remains([replace(admin, role=Role.MANAGER), rep])
