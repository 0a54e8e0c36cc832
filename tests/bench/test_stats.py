"""The percentiles `make bench` prints."""

import pytest

from bench.stats import Summary, percentile


def test_median_of_an_even_count_interpolates_between_the_middle_values():
    assert percentile([1, 2, 3, 4], 50) == 2.5


def test_percentile_does_not_depend_on_input_order():
    assert percentile([9, 1, 5, 3, 7], 50) == 5
    assert percentile([9, 1, 5, 3, 7], 25) == 3


def test_extremes_are_the_minimum_and_the_maximum():
    values = [4.0, 0.5, 12.25, 3.0]
    assert percentile(values, 0) == 0.5
    assert percentile(values, 100) == 12.25


def test_p95_and_p99_of_one_to_one_hundred():
    values = list(range(1, 101))
    assert percentile(values, 95) == pytest.approx(95.05)
    assert percentile(values, 99) == pytest.approx(99.01)


def test_a_single_value_is_every_percentile():
    assert percentile([7.5], 50) == percentile([7.5], 99) == 7.5


def test_no_values_or_a_percentile_out_of_range_is_an_error():
    with pytest.raises(ValueError):
        percentile([], 50)
    with pytest.raises(ValueError):
        percentile([1, 2], 101)
    with pytest.raises(ValueError):
        percentile([1, 2], -1)


def test_summary_of_latencies():
    summary = Summary.of([float(ms) for ms in range(1, 201)])
    assert summary.n == 200
    assert summary.p50 == pytest.approx(100.5)
    assert summary.p95 == pytest.approx(190.05)
    assert summary.p99 == pytest.approx(198.01)
    assert Summary.of([]) is None
