"""Record identifiers: 63-bit integers, time-ordered, made by the application.

Why not database sequences or UUIDs (see docs/adr/0002-record-ids.md): ids made
here let a use case insert an account, its contact and its opportunity in one
batch without asking the database for keys, they sort by creation time (cursor
pagination for free), they fit a BIGINT on every database, and they map one to
one onto 18-character Salesforce-style ids for the compatible API.

Layout: 42 bits of milliseconds since 2024-01-01 UTC (139 years), 21 bits of a
per-process sequence that starts at a random point each millisecond.
"""

from __future__ import annotations

import os
import random
import threading
import time

EPOCH_MS = 1_704_067_200_000  # 2024-01-01T00:00:00Z
_SEQUENCE_BITS = 21
_SEQUENCE_MASK = (1 << _SEQUENCE_BITS) - 1


class IdGenerator:
    """Hands out strictly increasing ids within one process, thread-safe."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._last = 0
        # The random start only spreads processes apart within a millisecond; it guards no
        # secret, so a private generator seeded from the OS (and again in a forked child) serves,
        # at a fraction of ``secrets``' cost of one system call per id.
        self._random = random.Random()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self._random.seed)

    def next_id(self) -> int:
        with self._lock:
            millis = int(time.time() * 1000) - EPOCH_MS
            candidate = (millis << _SEQUENCE_BITS) | self._random.getrandbits(_SEQUENCE_BITS - 1)
            self._last = max(candidate, self._last + 1)
            return self._last

    def next_ids(self, count: int) -> list[int]:
        """``count`` consecutive-in-order ids, for bulk paths."""
        if count < 0:
            raise ValueError("count must not be negative")
        with self._lock:
            millis = int(time.time() * 1000) - EPOCH_MS
            start = max((millis << _SEQUENCE_BITS) | self._random.getrandbits(_SEQUENCE_BITS - 1), self._last + 1)
            self._last = start + count - 1
            return list(range(start, start + count))


_generator = IdGenerator()
new_id = _generator.next_id
new_ids = _generator.next_ids


def id_created_at_ms(record_id: int) -> int:
    """The Unix time in milliseconds at which ``record_id`` was made."""
    return (record_id >> _SEQUENCE_BITS) + EPOCH_MS


MAX_ID = (1 << 63) - 1


def _digits_up_to(bound: str) -> str:
    """A regular expression for the strings of ``len(bound)`` digits, the first not 0, whose value
    is at most ``bound``: ``bound`` itself, or its first digits then a smaller one, then any."""
    alternatives = [bound]
    for place, digit in enumerate(bound):
        lowest = 1 if place == 0 else 0
        if int(digit) > lowest:
            smaller = f"[{lowest}-{int(digit) - 1}]" if int(digit) - 1 > lowest else str(lowest)
            rest = len(bound) - place - 1
            alternatives.append(f"{bound[:place]}{smaller}[0-9]{{{rest}}}" if rest else f"{bound[:place]}{smaller}")
    return "|".join(alternatives)


#: A record id written as a string (JSON bodies): the decimal digits of a number from 1 to
#: ``MAX_ID``, as ``parse_record_id`` reads them (leading zeros allowed).
RECORD_ID_PATTERN = rf"^0*(?:[1-9][0-9]{{0,{len(str(MAX_ID)) - 2}}}|{_digits_up_to(str(MAX_ID))})$"


def parse_record_id(value: object, *, field: str) -> int:
    """A record id from input: a whole number from 1 to 2^63-1, else ``ValidationError``."""
    from leadline.domain.errors import ValidationError

    try:
        text = str(value).strip()
        number = int(text) if text.isascii() else -1  # int() reads "１２" as 12: digits 0-9 only
    except ValueError:
        raise ValidationError(f"{value!r} is not a record id", field=field) from None
    if not 1 <= number <= MAX_ID:
        raise ValidationError(f"{value!r} is not a record id", field=field)
    return number
