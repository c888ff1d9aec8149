"""Who the client is behind trusted proxies: X-Forwarded-For is believed only as far as trusted
proxies wrote it, read from the right."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from leadline.config import Settings
from leadline.domain.client_address import forwarded_client, parse_networks

PROXIES = parse_networks("127.0.0.1, 10.0.0.0/8, ::1")


def test_without_trusted_proxies_the_peer_is_the_client_whatever_the_header_says() -> None:
    assert forwarded_client("127.0.0.1", ["203.0.113.9"], ()) == "127.0.0.1"


def test_a_peer_that_is_not_a_trusted_proxy_cannot_name_another_client() -> None:
    assert forwarded_client("198.51.100.7", ["203.0.113.9"], PROXIES) == "198.51.100.7"


def test_a_trusted_proxy_names_the_client_it_was_connected_from() -> None:
    assert forwarded_client("127.0.0.1", ["203.0.113.9"], PROXIES) == "203.0.113.9"


def test_trusted_hops_are_skipped_from_the_right_and_a_forged_left_part_is_ignored() -> None:
    # the client forged "1.2.3.4"; the edge proxy appended the client's real address, the inner one its own
    assert forwarded_client("127.0.0.1", ["1.2.3.4, 203.0.113.9", "10.1.2.3"], PROXIES) == "203.0.113.9"


def test_a_malformed_entry_stops_the_walk_at_the_nearest_address_read() -> None:
    assert forwarded_client("127.0.0.1", ["junk, 10.1.2.3"], PROXIES) == "10.1.2.3"
    assert forwarded_client("127.0.0.1", ["nonsense"], PROXIES) == "127.0.0.1"


def test_ports_and_bracketed_ipv6_are_read_as_addresses() -> None:
    assert forwarded_client("::1", ["[2001:db8::5]:4711"], PROXIES) == "2001:db8::5"
    assert forwarded_client("10.0.0.1", ["203.0.113.9:51000"], PROXIES) == "203.0.113.9"


def test_an_empty_header_leaves_the_peer() -> None:
    assert forwarded_client("127.0.0.1", ["", " , "], PROXIES) == "127.0.0.1"


def test_the_setting_refuses_an_entry_that_is_no_address_naming_it() -> None:
    with pytest.raises(ValidationError, match="'proxy.example' is not an IP address or network"):
        Settings(trusted_proxies="127.0.0.1, proxy.example")
    assert [str(n) for n in Settings(trusted_proxies=" 10.0.0.0/8 ,127.0.0.1").trusted_proxy_networks] == [
        "10.0.0.0/8", "127.0.0.1/32"]
