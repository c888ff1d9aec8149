"""One typed settings object, read from ``LEADLINE_*`` environment variables (and a ``.env`` file).

Defaults are safe for a laptop: an SQLite file under ``./var``. Outside development a real
secret key is required; start-up refuses the default.
"""

from __future__ import annotations

from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from leadline.domain.client_address import Network, parse_networks
from leadline.domain.currencies import is_iso_currency

DEV_SECRET = "dev-insecure-change-me"


class Environment(StrEnum):
    DEVELOPMENT = "development"
    TEST = "test"
    PRODUCTION = "production"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="LEADLINE_", env_file=".env", extra="ignore")

    environment: Environment = Environment.DEVELOPMENT
    #: SQLAlchemy URL. Empty means the SQLite file at ``sqlite_path``.
    database_url: str = ""
    sqlite_path: Path = Path("var/leadline.db")
    #: ISO 4217 code every report converts into; also the default currency of new records.
    currency: str = Field(default="USD", pattern=r"^[A-Z]{3}$")
    #: Country assumed for phone numbers written without an international prefix.
    default_phone_region: str = Field(default="US", pattern=r"^[A-Z]{2}$")
    secret_key: str = DEV_SECRET
    #: The HTTP server (``leadline serve``): loopback only unless told otherwise.
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    workers: int = Field(default=2, ge=1, le=64)
    #: Threads per worker that run the synchronous handlers (the writes); reads run on the event
    #: loop. Few threads contend less for the GIL (docs/adr/0010); at most 8, well inside the
    #: connection pools (a writer waiting for the SQLite gate holds a pooled connection).
    threads: int = Field(default=2, ge=1, le=8)
    #: Largest request body accepted (413 beyond it).
    max_body_bytes: int = Field(default=1_048_576, ge=1024)
    #: Largest file ``POST /api/v1/imports/leads`` takes (streamed to a temporary file; 413 beyond it).
    import_max_bytes: int = Field(default=1_073_741_824, ge=1024)
    #: Requests per minute per client (the signed-in user, else the address); 0 turns rate limiting off.
    rate_limit_per_minute: int = Field(default=6000, ge=0)
    #: File of the rate limiter's counters, shared by the workers of one server (docs/adr/0012);
    #: empty: ``leadline serve`` makes a fresh one per start (a single process: a private one).
    rate_limit_store: Path | None = None
    #: Password hashes (argon2, for sign-ins and new passwords) run at once per worker; more wait.
    password_hashes: int = Field(default=1, ge=1, le=8)
    #: Seconds a client has to send a request's headers, and then its body (408 beyond).
    header_timeout: float = Field(default=10, gt=0, le=300)
    body_timeout: float = Field(default=20, gt=0, le=3600)
    echo_sql: bool = False
    #: Reverse proxies whose ``X-Forwarded-For`` names the client (addresses or CIDR networks,
    #: comma-separated, e.g. ``127.0.0.1,10.0.0.0/8``). Empty: the TCP peer is the client and the
    #: header is ignored. Rate limits, the sign-in throttle and held form submissions use it.
    trusted_proxies: str = ""
    #: ``leadline capture prune`` deletes form submissions discarded from the quarantine this many
    #: days ago or more; 0 keeps them.
    capture_discarded_days: int = Field(default=90, ge=0)
    #: The web pages' cookies (session, CSRF) carry ``Secure``: set it when served over TLS
    #: (behind a proxy that ends TLS too). Empty: on in production, off otherwise.
    secure_cookies: bool | None = None

    @property
    def cookies_secure(self) -> bool:
        if self.secure_cookies is None:
            return self.environment is Environment.PRODUCTION
        return self.secure_cookies

    @field_validator("database_url")
    @classmethod
    def _known_driver(cls, value: str) -> str:
        if value and not value.startswith(("sqlite", "postgresql")):
            raise ValueError("LEADLINE_DATABASE_URL must be a sqlite:// or postgresql:// URL")
        if value.startswith("postgresql://"):
            value = "postgresql+psycopg://" + value.removeprefix("postgresql://")
        return value

    @field_validator("trusted_proxies")
    @classmethod
    def _proxy_networks(cls, value: str) -> str:
        parse_networks(value)  # a ValueError names the bad entry
        return value

    @property
    def trusted_proxy_networks(self) -> tuple[Network, ...]:
        return parse_networks(self.trusted_proxies)

    @field_validator("currency")
    @classmethod
    def _iso_currency(cls, value: str) -> str:
        if not is_iso_currency(value):
            raise ValueError(f"{value!r} is not a current ISO 4217 currency code")
        return value

    @field_validator("rate_limit_store", mode="before")
    @classmethod
    def _empty_store_is_none(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _no_default_secret_outside_development(self) -> Settings:
        if self.environment is not Environment.DEVELOPMENT and self.secret_key == DEV_SECRET:
            raise ValueError(f"LEADLINE_SECRET_KEY must be set to a real secret in {self.environment.value}")
        if self.environment is not Environment.DEVELOPMENT and len(self.secret_key) < 32:
            raise ValueError("LEADLINE_SECRET_KEY must be at least 32 characters")
        return self

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
