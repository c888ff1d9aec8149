"""Password hashing with argon2 (a slow, salted hash: passwords are guessable, tokens are not)."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from leadline.domain.errors import ValidationError

MIN_PASSWORD_LENGTH = 12
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Made on first sign-in, not at import: every CLI start would otherwise pay for one hash."""
    return _hasher.hash("leadline-dummy-password")


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationError(f"must be at least {MIN_PASSWORD_LENGTH} characters", field="password")
    return _hasher.hash(password)


def password_matches(stored: str | None, password: str) -> bool:
    """Checks against a dummy hash when there is none, so a missing user takes as long as a wrong password."""
    try:
        _hasher.verify(stored or _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return False
    return stored is not None
