"""The client's address, as every part of the portal records and counts it (the access log,
django-axes' lockout, the e-mail request limits, the terms acceptance).

Behind reverse proxies (DJANGO_TRUSTED_PROXY_COUNT = how many), REMOTE_ADDR is the nearest
proxy's; each proxy appends the address it received from to X-Forwarded-For, so the client is
the entry that many places from the right. Entries further left were written by the client and
are never trusted. (django-ipware counts proxies differently: with one proxy it expects two
entries and answers None for one.)"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    proxies = settings.TRUSTED_PROXY_COUNT
    address = request.META.get("REMOTE_ADDR", "")
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return None
