import datetime

import pytest

from eligibility.selectors import member_with_coverages, program_eligibility_for
from tests.factories.eligibility import (
    CoverageFactory,
    DelegationFactory,
    HealthPlanFactory,
    LineOfBusinessFactory,
    MemberFactory,
    ProgramFactory,
)

pytestmark = pytest.mark.django_db

DAY = datetime.date(2026, 11, 23)


def test_coverage_on_picks_the_coverage_in_force():
    member = MemberFactory()
    medicaid = LineOfBusinessFactory(kind="medicaid")
    commercial = LineOfBusinessFactory(kind="commercial")
    CoverageFactory(
        member=member,
        line_of_business=medicaid,
        effective_from=datetime.date(2018, 1, 1),
        effective_to=datetime.date(2025, 12, 31),
    )
    current = CoverageFactory(
        member=member, line_of_business=commercial, effective_from=datetime.date(2026, 1, 1)
    )
    found = member_with_coverages(
        health_plan=member.health_plan, patient_id=member.patient_id.lower()
    )
    assert found.member == member
    assert found.on(DAY) == current
    assert found.on(datetime.date(2020, 6, 1)).line_of_business == medicaid
    assert found.on(datetime.date(2017, 6, 1)) is None


def test_member_without_any_coverage_is_still_found():
    member = MemberFactory()
    found = member_with_coverages(health_plan=member.health_plan, patient_id=member.patient_id)
    assert found.member == member
    assert found.coverages == []
    assert found.on(DAY) is None


def test_member_lookup_is_one_query(django_assert_num_queries):
    coverage = CoverageFactory()
    member = coverage.member
    with django_assert_num_queries(1):
        found = member_with_coverages(health_plan=member.health_plan, patient_id=member.patient_id)
        assert found.on(DAY).line_of_business.name == coverage.line_of_business.name


def test_coverage_ending_today_still_counts():
    coverage = CoverageFactory(effective_from=datetime.date(2020, 1, 1), effective_to=DAY)
    assert coverage.is_active_on(DAY)
    assert not coverage.is_active_on(DAY + datetime.timedelta(days=1))


def test_delegations_outside_their_dates_do_not_count():
    plan = HealthPlanFactory()
    commercial = LineOfBusinessFactory(kind="commercial")
    coverage = CoverageFactory(member=MemberFactory(health_plan=plan), line_of_business=commercial)
    ended = ProgramFactory(name="Lab Management")
    future = ProgramFactory(name="Gastroenterology")
    current = ProgramFactory(name="Radiology and Cardiology")
    DelegationFactory(
        health_plan=plan,
        program=ended,
        line_of_business=commercial,
        effective_to=datetime.date(2025, 1, 1),
    )
    DelegationFactory(
        health_plan=plan,
        program=future,
        line_of_business=commercial,
        effective_from=datetime.date(2027, 1, 1),
    )
    DelegationFactory(health_plan=plan, program=current, line_of_business=commercial)
    result = program_eligibility_for(coverage=coverage, health_plan=plan, day=DAY)
    assert [line.service for line in result.lines] == ["Radiology and Cardiology"]
    assert result.lines[0].message == "Precertification is Required"
    assert set(result.not_required) == {"Lab Management", "Gastroenterology"}


def test_program_eligibility_makes_few_queries(django_assert_max_num_queries):
    plan = HealthPlanFactory()
    commercial = LineOfBusinessFactory(kind="commercial")
    coverage = CoverageFactory(member=MemberFactory(health_plan=plan), line_of_business=commercial)
    for n in range(8):
        DelegationFactory(
            health_plan=plan, program=ProgramFactory(name=f"P{n}"), line_of_business=commercial
        )
    with django_assert_max_num_queries(2):
        result = program_eligibility_for(coverage=coverage, health_plan=plan, day=DAY)
        assert len(result.lines) == 8
