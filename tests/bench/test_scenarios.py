"""The line `make bench` prints for a scenario."""

from bench.scenarios import Result
from bench.stats import Summary


def test_a_login_line_has_no_throughput_and_holds_server_p95_to_the_target():
    result = Result(
        name="login_mfa",
        target_p95_ms=150,
        server=Summary(n=300, p50=90.0, p95=120.5, p99=140.0),
        client=Summary(n=300, p50=95.0, p95=130.0, p99=150.0),
        errors=0,
        throughput=None,
    )
    assert result.line() == (
        "login_mfa            n=300  server p50=90.0ms p95=120.5ms p99=140.0ms  "
        "client p95=130.0ms  target p95<150ms  OK"
    )


def test_a_scenario_over_its_target_or_with_errors_is_missed():
    summary = Summary(n=10, p50=10.0, p95=31.0, p99=40.0)
    missed = Result("diagnosis_search", 30, summary, summary, errors=0, throughput=250.0)
    assert "throughput=250/s" in missed.line()
    assert missed.line().endswith("target p95<30ms  MISSED")
    fast = Summary(n=10, p50=1.0, p95=2.0, p99=3.0)
    failed = Result("home", 30, fast, fast, errors=1, throughput=1.0)
    assert failed.line().endswith("errors=1  target p95<30ms  MISSED")
