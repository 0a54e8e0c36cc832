"""Who sees the metrics: portal administrators, that is staff users with the view permission
on determinations, and superusers. Everyone else (office users, reviewers, staff without the
permission) gets 404: the page does not exist for them."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import User

PERMISSION = "cases.view_determination"


def may_see_metrics(user: User) -> bool:
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or (user.is_staff and user.has_perm(PERMISSION))


def metrics_admin_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not may_see_metrics(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped
