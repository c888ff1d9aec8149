"""One way to write a moment: the web pages and the CLI's tables both call the domain's
``moment_text``, so they cannot drift apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from leadline.cli.output import cell
from leadline.domain.common import moment_text
from leadline.web import values


def test_a_moment_is_written_in_utc_saying_so_naive_ones_being_utc():
    paris = timezone(timedelta(hours=1))

    assert moment_text(datetime(2026, 2, 8, 11, 30, tzinfo=paris)) == "2026-02-08 10:30 UTC"
    assert moment_text(datetime(2026, 2, 8, 10, 30)) == "2026-02-08 10:30 UTC"


def test_the_cli_and_the_pages_write_a_moment_with_the_one_function():
    moment = datetime(2026, 2, 8, 10, 30, tzinfo=UTC)

    assert values.moment_text is moment_text
    assert cell(moment) == moment_text(moment) == "2026-02-08 10:30 UTC"
