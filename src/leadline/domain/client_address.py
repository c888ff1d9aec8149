"""Who the client is behind trusted reverse proxies (see ``leadline.api.proxy_headers``): pure rules
on addresses, standard library only.

``X-Forwarded-For`` is believed only as far as trusted proxies wrote it: it is read from the right
(each proxy appends the address it was connected from), trusted hops are skipped, and the first
address that is not a trusted proxy is the client. A malformed entry stops the walk (what lies
left of it was written by the client); the nearest address read so far stands.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

Network = IPv4Network | IPv6Network


def parse_networks(text: str) -> tuple[Network, ...]:
    """``"127.0.0.1, 10.0.0.0/8"``: the addresses or networks (CIDR) of the trusted proxies.
    Raises ``ValueError`` naming the first entry that is neither."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is not an IP address or network (e.g. 10.0.0.0/8)") from None
    return tuple(networks)


def _address(text: str) -> IPv4Address | IPv6Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # [v6]:port
        text = text[1:text.index("]")]
    elif text.count(":") == 1:  # v4:port
        text = text.partition(":")[0]
    try:
        return ip_address(text)
    except ValueError:
        return None


def _trusted(address: IPv4Address | IPv6Address | None, networks: Sequence[Network]) -> bool:
    return address is not None and any(address in network for network in networks)


def forwarded_client(peer: str, forwarded_for: Iterable[str], networks: Sequence[Network]) -> str:
    """The client's address: ``peer`` unless it is a trusted proxy that passed ``X-Forwarded-For``
    (every value of the header, in the order received)."""
    if not networks or not _trusted(_address(peer), networks):
        return peer
    hops = [hop for value in forwarded_for for hop in value.split(",") if hop.strip()]
    client = peer
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break
        client = str(address)
        if not _trusted(address, networks):
            break
    return client
