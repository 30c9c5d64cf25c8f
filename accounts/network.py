"""The client's address, trusting X-Forwarded-For only from proxies named in TRUSTED_PROXIES."""

import ipaddress
from functools import lru_cache

from django.conf import settings


@lru_cache(maxsize=8)
def _networks(
    entries: tuple[str, ...],
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)


def _parse(value: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        return None


def _trusted(address, networks) -> bool:
    return any(address in network for network in networks)


def client_ip(request) -> str:
    """REMOTE_ADDR, or the nearest untrusted hop of X-Forwarded-For behind a trusted proxy."""
    remote = _parse(request.META.get("REMOTE_ADDR", ""))
    if remote is None:
        return ""
    networks = _networks(tuple(getattr(settings, "TRUSTED_PROXIES", ()) or ()))
    if not networks or not _trusted(remote, networks):
        return str(remote)
    # Clients can write anything on the left of the header; only the entries our own proxies
    # appended (read from the right) are believable.
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        address = _parse(hop)
        if address is None:
            break
        if not _trusted(address, networks):
            return str(address)
    return str(remote)
