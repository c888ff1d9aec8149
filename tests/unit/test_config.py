"""Settings: safe defaults for a laptop, and no default secret anywhere else."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadline.config import Settings


def test_the_defaults_use_an_sqlite_file_and_loopback() -> None:
    settings = Settings(_env_file=None)
    assert settings.resolved_database_url == "sqlite:///var/leadline.db"
    assert (settings.host, settings.port) == ("127.0.0.1", 8000)


@pytest.mark.parametrize("environment", ["production", "test"])
def test_outside_development_the_default_secret_is_refused(environment: str) -> None:
    with pytest.raises(ValidationError, match="LEADLINE_SECRET_KEY"):
        Settings(_env_file=None, environment=environment)
    assert Settings(_env_file=None, environment=environment, secret_key="x" * 40).secret_key == "x" * 40


def test_a_postgresql_url_gets_the_psycopg_driver_and_other_databases_are_refused() -> None:
    assert Settings(database_url="postgresql://u@h/db").resolved_database_url == "postgresql+psycopg://u@h/db"
    with pytest.raises(ValidationError, match="LEADLINE_DATABASE_URL"):
        Settings(database_url="mysql://u@h/db")


def test_an_empty_rate_limit_store_means_none_and_password_hashes_are_bounded() -> None:
    assert Settings(_env_file=None, rate_limit_store="  ").rate_limit_store is None
    assert str(Settings(_env_file=None, rate_limit_store="/tmp/x.db").rate_limit_store) == "/tmp/x.db"
    assert Settings(_env_file=None).password_hashes == 1
    with pytest.raises(ValidationError, match="password_hashes"):
        Settings(_env_file=None, password_hashes=0)


@pytest.mark.parametrize("currency", ["ZZZ", "XXX", "HRK"])
def test_the_organisation_currency_must_be_a_current_iso_4217_code(currency: str) -> None:
    with pytest.raises(ValidationError, match="ISO 4217"):
        Settings(_env_file=None, currency=currency)
    assert Settings(_env_file=None, currency="EUR").currency == "EUR"
