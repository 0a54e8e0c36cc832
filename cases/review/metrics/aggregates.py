"""The database expressions the metrics need that Django does not ship: the median (a
continuous percentile, PostgreSQL's percentile_cont) and an interval in hours."""

from __future__ import annotations

from django.db.models import Aggregate, FloatField, Func


class PercentileCont(Aggregate):
    """PERCENTILE_CONT(fraction) WITHIN GROUP (ORDER BY expression): the value below which
    `fraction` of the rows fall, interpolated between two rows when it falls between them (so
    the median of 10 and 30 is 20). NULLs are left out, as every aggregate does."""

    function = "PERCENTILE_CONT"
    name = "PercentileCont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()
    allow_distinct = False

    def __init__(self, expression, *, fraction: float, **extra):
        # Written into the SQL: only a number of ours, never input.
        if isinstance(fraction, bool) or not isinstance(fraction, int | float):
            raise TypeError("fraction must be a number from 0 to 1.")
        if not 0 <= fraction <= 1:
            raise ValueError("fraction must be a number from 0 to 1.")
        super().__init__(expression, fraction=repr(float(fraction)), **extra)


class Median(PercentileCont):
    def __init__(self, expression, **extra):
        super().__init__(expression, fraction=0.5, **extra)


class IntervalHours(Func):
    """An interval (the difference of two datetimes) in hours, as a floating-point number."""

    template = "(EXTRACT(EPOCH FROM %(expressions)s)::double precision / 3600.0)"
    output_field = FloatField()
