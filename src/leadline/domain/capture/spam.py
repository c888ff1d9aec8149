"""The pure parts of the spam defence (docs/adr/0032-spam-layers-and-quarantine.md): the signed
timing token, the honeypot,
disposable e-mail domains and the fingerprint of a submission. What needs stored state (used
tokens, rate counters, earlier submissions) is asked by the use case through its ports.

A suspicious submission is never refused outright: each check answers a ``Reason`` and the use
case puts a submission with any reason in quarantine, where a person releases or discards it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from functools import cache
from importlib import resources

#: the hidden field that carries the timing token in a form post
TOKEN_FIELD = "_lt"


class Reason(StrEnum):
    """Why a submission was held; stable codes, shown in the quarantine."""

    HONEYPOT = "honeypot"
    TOKEN_MISSING = "token_missing"
    TOKEN_INVALID = "token_invalid"
    TOKEN_EXPIRED = "token_expired"
    TOO_FAST = "too_fast"
    TOKEN_REPLAYED = "token_replayed"
    ADDRESS_RATE = "address_rate"
    FORM_RATE = "form_rate"
    TOO_LARGE = "too_large"
    DISPOSABLE_EMAIL = "disposable_email"
    #: not spam: a duplicate rule set to ``block`` matched a stored record (a person releases it)
    DUPLICATE_BLOCKED = "duplicate_blocked"


@dataclass(frozen=True, slots=True)
class TimingToken:
    form_id: int
    issued_at: int  # seconds since the epoch
    nonce: str


def _signature(secret: str, body: str) -> str:
    return hmac.new(secret.encode(), body.encode(), hashlib.sha256).hexdigest()[:32]


def issue_token(secret: str, form_id: int, at: datetime) -> str:
    """A token saying "form ``form_id`` was served at ``at``", signed with the secret key:
    ``<form>.<issued>.<nonce>.<signature>``."""
    body = f"{form_id}.{int(at.timestamp())}.{secrets.token_hex(8)}"
    return f"{body}.{_signature(secret, body)}"


def read_token(secret: str, text: str) -> TimingToken | None:
    """The token's content if its signature holds; None for a forged or mangled one."""
    parts = text.strip().split(".") if text else []
    if len(parts) != 4 or not parts[0].isdigit() or not parts[1].isdigit() or len(parts[3]) != 32:
        return None
    body = ".".join(parts[:3])
    if not hmac.compare_digest(_signature(secret, body), parts[3]):
        return None
    return TimingToken(int(parts[0]), int(parts[1]), parts[2])


def check_token(secret: str, text: str | None, form_id: int, now: datetime, *, min_seconds: int,
                max_age_seconds: int) -> tuple[Reason | None, TimingToken | None]:
    """Whether a submission's token shows a person: present, signed for this form, not sooner
    than ``min_seconds`` after it was issued, and not older than ``max_age_seconds``. Replay is
    the use case's to check (it remembers used tokens)."""
    if not text:
        return Reason.TOKEN_MISSING, None
    token = read_token(secret, text)
    if token is None or token.form_id != form_id:
        return Reason.TOKEN_INVALID, None
    elapsed = now.timestamp() - token.issued_at
    if elapsed < min_seconds:
        return Reason.TOO_FAST, token
    if elapsed > max_age_seconds:
        return Reason.TOKEN_EXPIRED, token
    return None, token


def token_digest(text: str) -> str:
    """What is remembered of a used token (its hash: the token itself is never stored)."""
    return hashlib.sha256(text.strip().encode()).hexdigest()


def honeypot_tripped(values: Mapping[str, object], field: str) -> bool:
    """A person never sees the honeypot field, so anything in it means a bot filled the form."""
    value = values.get(field)
    return value not in (None, "", [])


@cache
def disposable_domains() -> frozenset[str]:
    """The vendored list (``disposable_domains.txt``: its source is noted at its top)."""
    text = resources.files(__package__).joinpath("disposable_domains.txt").read_text("utf-8")
    return frozenset(line.strip().lower() for line in text.splitlines() if line.strip() and line[0] != "#")


def is_disposable(email: str | None) -> bool:
    """Whether ``email`` is at a throw-away address service (or a subdomain of one)."""
    if not email or "@" not in email:
        return False
    domain = email.rpartition("@")[2].strip().lower().rstrip(".")
    listed = disposable_domains()
    parts = domain.split(".")
    return any(".".join(parts[i:]) in listed for i in range(len(parts) - 1))


def fingerprint(form_id: int, values: Mapping[str, object]) -> str:
    """The identity of a submission's content: the same answers to the same form, whatever
    their order, case or surrounding blanks, and whatever token or attribution came with them."""
    def norm(value: object) -> object:
        if isinstance(value, list | tuple):
            return sorted(str(norm(v)) for v in value)
        return " ".join(str(value).split()).lower() if value is not None else ""

    content = {k: norm(v) for k, v in values.items() if v not in (None, "", [])}
    encoded = json.dumps([form_id, content], sort_keys=True)
    return hashlib.sha256(encoded.encode()).hexdigest()
