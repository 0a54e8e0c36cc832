"""Server-Timing: how long Django took to answer, read by `make bench` from outside the app.

Off unless settings.SERVER_TIMING is true (DJANGO_SERVER_TIMING=true): the header tells anyone
who can see responses how long each request took, which production has no need to publish.
Put it first in MIDDLEWARE so the figure covers every other middleware too.
"""

import time

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


class ServerTimingMiddleware:
    def __init__(self, get_response):
        if not getattr(settings, "SERVER_TIMING", False):
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.2f}"
        return response
