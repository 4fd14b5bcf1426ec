"""The address a request came from, as the log-in lock-out counts it.

Behind the city's reverse proxy every officer's request arrives from the proxy's address. The
client's own address is then in `X-Forwarded-For`, but anyone can send that header: it is read
only when the request comes from a proxy named in `ZONEPLAN_TRUSTED_PROXIES`, and then the
right-most address that is not itself a trusted proxy is the client's (each proxy appends the
address it received the request from).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in settings.ZONEPLAN_TRUSTED_PROXIES)


def client_address(request) -> str:
    """The client's address: REMOTE_ADDR, or the forwarded one from a trusted proxy."""
    remote = request.META.get("REMOTE_ADDR", "")
    if not _trusted(remote):
        return remote
    forwarded = [a.strip() for a in request.headers.get("x-forwarded-for", "").split(",")]
    for address in reversed(forwarded):
        if not address:
            continue
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a malformed chain: count the proxy, never guess
        if not _trusted(address):
            return address
    return remote
