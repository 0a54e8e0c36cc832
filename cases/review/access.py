"""The one way in to cases for reviewers: a nurse reviewer or medical director sees the submitted
cases of the programs they review, nobody else does (office users, administrators in the portal's
pages, a reviewer for another program: every review page answers 404)."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from accounts.models import User
from cases.models import Case
from eligibility.models import Program

REVIEW_STATUSES = (Case.Status.IN_REVIEW, Case.Status.HOLD)


def is_reviewer(user: User) -> bool:
    return bool(user.is_authenticated and user.is_active and user.is_reviewer)


def is_medical_director(user: User) -> bool:
    return is_reviewer(user) and user.reviewer_role == User.ReviewerRole.MEDICAL_DIRECTOR


def cases_for_reviewer(user: User) -> QuerySet[Case]:
    """The submitted cases of the programs `user` reviews (any status: the case screen shows
    decided cases too); none for anyone who is not a reviewer."""
    if not is_reviewer(user):
        return Case.objects.none()
    programs = getattr(user, _PROGRAMS_READ, None)
    if programs is None:
        return Case.objects.filter(
            submitted_at__isnull=False, program__in=user.review_programs.values("pk")
        )
    # Already read (the queue's filter did): their ids, not a subquery. PostgreSQL's estimate of
    # the subquery's rows is far off for a reviewer of large programs, and it then sorts the
    # whole queue for a later page.
    return Case.objects.filter(
        submitted_at__isnull=False, program__in=[program.pk for program in programs]
    )


_PROGRAMS_READ = "_review_programs_read"


def reviewer_programs(user: User) -> list[Program]:
    """The programs `user` reviews, in the menu's order, read once per user object (a
    request's)."""
    programs = getattr(user, _PROGRAMS_READ, None)
    if programs is None:
        programs = list(user.review_programs.order_by("display_order", "name"))
        setattr(user, _PROGRAMS_READ, programs)
    return programs


def reviewer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A review page: 404 for everyone but reviewers (the page does not exist for them)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not is_reviewer(request.user):
            raise Http404("No such page.")
        return view(request, *args, **kwargs)

    return wrapped


__all__ = [
    "REVIEW_STATUSES",
    "cases_for_reviewer",
    "is_medical_director",
    "is_reviewer",
    "reviewer_programs",
    "reviewer_required",
]
