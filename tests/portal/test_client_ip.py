"""The client's address behind zero, one or two reverse proxies."""

import pytest
from django.test import RequestFactory

from portal.client_ip import client_ip


def request_from(remote_addr, forwarded=None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote_addr, **extra)


def test_without_proxies_the_socket_address_counts_and_the_header_is_ignored(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("203.0.113.7", forwarded="6.6.6.6")) == "203.0.113.7"


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (1, "203.0.113.7", "203.0.113.7"),
        # The client wrote 6.6.6.6 itself; the proxy appended the address it saw.
        (1, "6.6.6.6, 203.0.113.7", "203.0.113.7"),
        (2, "6.6.6.6, 203.0.113.7, 10.0.0.2", "203.0.113.7"),
        (1, "2001:db8::7", "2001:db8::7"),
        # Fewer entries than proxies: the header cannot be trusted, the socket address counts.
        (2, "203.0.113.7", "10.0.0.3"),
        (1, "", "10.0.0.3"),
    ],
)
def test_behind_proxies_the_entry_that_many_from_the_right(settings, proxies, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(request_from("10.0.0.3", forwarded=forwarded)) == expected


def test_an_address_that_is_not_one_is_none(settings):
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_ip(request_from("10.0.0.3", forwarded="<script>, not-an-ip")) is None
