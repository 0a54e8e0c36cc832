"""Admin changelists for tables too large to count or scan on every page: members, coverage,
practitioners, sites and the access log (a million rows and more).

Such a changelist never counts the whole table twice (`show_full_result_count = False`), never
offers facet counts, estimates its size from PostgreSQL's statistics when nothing narrows it, and
searches with lookups that PostgreSQL answers from an index.
"""

from __future__ import annotations

from django.contrib import admin
from django.core.paginator import Paginator
from django.db import connection
from django.db.models import QuerySet
from django.utils.functional import cached_property


class LargeTablePaginator(Paginator):
    """Counting every row of a million-row table takes longer than the page itself. With no
    filter and no search, the changelist shows PostgreSQL's own estimate of the number of rows
    (kept current by autovacuum); with one, it counts the matching rows exactly."""

    ESTIMATE_FROM = 100_000

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if isinstance(queryset, QuerySet) and not queryset.query.where:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                    [queryset.model._meta.db_table],
                )
                row = cursor.fetchone()
            if row and row[0] >= self.ESTIMATE_FROM:
                return row[0]
        return super().count


class LargeTableAdmin(admin.ModelAdmin):
    """A changelist that counts at most once, offers no facet counts and pages with
    LargeTablePaginator."""

    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    paginator = LargeTablePaginator
    list_per_page = 50


def upper_prefix(alias: str, term: str) -> dict[str, str]:
    """Lookups for "the upper-cased column begins with `term`" that an expression index on
    UPPER(column) can answer whatever the database's collation: a LIKE alone cannot use such an
    index unless the collation is C, a range can. The LIKE keeps the result exact."""
    prefix = term.upper()
    following = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    return {f"{alias}__gte": prefix, f"{alias}__lt": following, f"{alias}__startswith": prefix}
