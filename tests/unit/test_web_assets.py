"""The web pages' vendored assets are the recorded ones, every page names only this server's, and
no template writes a time of day itself (the ``moment`` filter writes each with its zone)."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from pathlib import Path

import leadline.web
from leadline.web.app import HTMX
from leadline.web.dashboard import CHART_JS
from leadline.web.values import moment_text

WEB = Path(leadline.web.__file__).parent


def test_the_vendored_htmx_is_the_version_and_checksum_recorded() -> None:
    record = (WEB / "static" / "VENDORED.md").read_text()
    digest = hashlib.sha256((WEB / "static" / HTMX).read_bytes()).hexdigest()

    assert f"`{HTMX}` {digest}" in record
    assert (WEB / "static" / "htmx-LICENSE.txt").read_text().startswith("Zero-Clause BSD")


def test_the_vendored_chart_js_is_the_version_and_checksum_recorded() -> None:
    record = (WEB / "static" / "VENDORED.md").read_text()
    digest = hashlib.sha256((WEB / "static" / CHART_JS).read_bytes()).hexdigest()

    assert f"`{CHART_JS}` {digest}" in record
    assert (WEB / "static" / "chart-LICENSE.md").read_text().startswith("The MIT License")


def test_no_template_loads_anything_from_another_host() -> None:
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"""(src|href|action)=["']?(https?:)?//""", text), template


def test_no_template_writes_a_time_of_day_but_through_the_moment_filter_which_names_its_zone() -> None:
    for template in (WEB / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"%[HIMp]|\.(hour|minute)\b", text), template
    assert moment_text(datetime(2026, 2, 8, 10, 30, tzinfo=UTC)) == "2026-02-08 10:30 UTC"
