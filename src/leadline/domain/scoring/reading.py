"""When a record that teaches a model is read: at a reading age drawn alike for every record.

An open record is scored as it stands now, at whatever age it has reached; the question asked of
it is "is it won (converted), given that it is still open at this age, as it now stands?". A
record that teaches must be read so that the same question is asked of it: **at a reading age
that does not depend on when it was decided**, and only **if it was still open then**
(``reading_moments``).

* Each record's reading age is drawn from one exponential distribution shared by every record
  of the training set (``reading_age``): its mean is ``READING_AGE_SHARE`` of the median open
  life of those records (``reading_mean``), a figure of the whole set. The draw is a hash of the
  record's kind and id (``reading_draw``): records created at the same instant (a pinned clock,
  history loaded in bulk) draw apart, and the same history gives the same training set (and the
  same model) every time. The id is made at creation, so it knows nothing of the outcome.
* A record decided at or before its reading moment does not teach, **whatever its life**: at
  that age it was no longer open, as no open record scored now is. Ages are continuous: a record
  decided 5 hours after its creation teaches when its draw reads it within those 5 hours, and
  one decided after 25 hours when its draw reads it within 25 hours. (ADR 0067 first read every
  record decided within a day at its creation: such records, converted on capture or won the
  same day, then filled the rows read at age 0 whatever their draw.) A record created already
  decided (entered after the fact) hardly ever teaches: no open record is met like it.
* The median counts the lives of at least ``MEASURED_LIFE`` (the positive ones when none is that
  long): a history entered mostly after the fact (lives of seconds) would otherwise bring the
  mean to 0 and read every record as it was created.

Read halfway through its open life instead (ADR 0064), a record's age was half its life: a lost
deal that dragged on looked old and a won deal closed fast looked young, while an open deal's age
is read now; every count and "days since" read at that moment carried the life's length too, and
so did the stage a deal had reached halfway. Read at an age drawn alike for all, the records still
open at any given age are read there in the same proportion whatever they became, so the share
won among the rows read at that age is the share won among the deals open at that age (ADR
0067-training-records-read-at-an-age-drawn-alike-for-all). The price: short-lived records are
left out more often (an open record of that age is met as seldom in a pipeline).

>>> from datetime import UTC, datetime, timedelta
>>> created = datetime(2026, 1, 1, tzinfo=UTC)
>>> won_fast, lost_late = (7, created, created + timedelta(days=10)), (7, created, created + timedelta(days=100))
>>> [(m - created).days for m in reading_moments([won_fast, lost_late], kind="example", mean=timedelta(days=3))]
[5, 5]
>>> [m is None for m in reading_moments([won_fast, lost_late], kind="example", mean=timedelta(days=30))]
[True, False]
"""

from __future__ import annotations

import hashlib
import math
import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta

#: the median of the lives counts those at least this long (the positive ones when none is)
MEASURED_LIFE = timedelta(days=1)
#: the reading ages' mean, as a share of the median open life of the records that teach: a
#: smaller share leaves fewer short-lived records out, a larger one reads more of them old
READING_AGE_SHARE = 0.5


def reading_mean(lives: Sequence[timedelta]) -> timedelta:
    """The mean reading age of a training set whose records were open for ``lives``:
    ``READING_AGE_SHARE`` of the median of those at least ``MEASURED_LIFE`` long, else of the
    positive ones (zero without any)."""
    measured = [life for life in lives if life >= MEASURED_LIFE] or [life for life in lives if life > timedelta(0)]
    if not measured:
        return timedelta(0)
    return statistics.median_low(measured) * READING_AGE_SHARE


def reading_draw(kind: str, record_id: int) -> float:
    """A record's reading age in units of the mean: an exponential draw of mean 1 from a hash of
    its kind and id (never from anything it became). About 2 µs (a seeded generator per record
    took 25)."""
    digest = hashlib.blake2b(record_id.to_bytes(8, "big", signed=True), digest_size=8,
                             person=kind.encode()[:16]).digest()
    return -math.log1p(-int.from_bytes(digest, "big") / 2 ** 64)


def reading_age(kind: str, record_id: int, mean: timedelta) -> timedelta:
    """The age the record ``record_id`` of ``kind`` is read at, for reading ages of mean ``mean``."""
    return mean * reading_draw(kind, record_id)


def reading_moments(records: Sequence[tuple[int, datetime, datetime]], *, kind: str,
                    mean: timedelta | None = None) -> list[datetime | None]:
    """For each record that teaches, given as ``(id, created_at, decided_at)``, the moment it is
    read at, or None when it was decided by then (it does not teach). ``mean``: the reading ages'
    mean, by default ``reading_mean`` of these records' lives."""
    if mean is None:
        mean = reading_mean([decided - created for _, created, decided in records])
    moments: list[datetime | None] = []
    for record_id, created, decided in records:
        moment = created + reading_age(kind, record_id, mean)
        moments.append(moment if moment < decided else None)
    return moments
