"""Request counters in Redis: every web process sees the same counts.

A fixed window per key: the first request starts an hour (say), later ones count against it.
Keys hold a hash of what is counted (an e-mail address, a client address), never the value, and
the database's name, so a test run and `make run` sharing one Redis do not count each other.
"""

from __future__ import annotations

import hashlib
from functools import cache

import redis
from django.conf import settings

# Celery (kombu) spells a unix socket redis+socket://PATH; redis-py spells it unix://PATH.
_KOMBU_SOCKET = "redis+socket://"


@cache
def _connection(url: str) -> redis.Redis:
    if url.startswith(_KOMBU_SOCKET):
        url = "unix://" + url.removeprefix(_KOMBU_SOCKET)
    return redis.Redis.from_url(url)


def _prefix() -> str:
    return f"portal:{settings.DATABASES['default']['NAME']}:ratelimit:"


def _key(scope: str, value: str) -> str:
    digest = hashlib.sha256(value.encode()).hexdigest()
    return f"{_prefix()}{scope}:{digest}"


def hit(*, scope: str, value: str, limit: int, window_seconds: int) -> bool:
    """Count one request for `value` in `scope`; True while the window's count is within
    `limit`, False once it is over."""
    key = _key(scope, value)
    pipe = _connection(settings.REDIS_URL).pipeline()
    # SET NX EX then INCR: the window starts with the first request (Redis 6 has no EXPIRE NX).
    pipe.set(key, 0, ex=window_seconds, nx=True)
    pipe.incr(key)
    _, count = pipe.execute()
    return count <= limit


def clear() -> int:
    """Forget every counter of this database's portal (tests start each case from zero)."""
    connection = _connection(settings.REDIS_URL)
    keys = list(connection.scan_iter(match=f"{_prefix()}*", count=1000))
    return connection.delete(*keys) if keys else 0
