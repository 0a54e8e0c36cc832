import datetime

import pytest
from playwright.sync_api import expect

from accounts.models import AccessEvent
from tests.conftest import totp_device_for
from tests.e2e.conftest import enter_authenticator_code
from tests.factories.accounts import UserFactory
from tests.factories.eligibility import (
    CoverageFactory,
    DelegationFactory,
    EligibilityMessageFactory,
    HealthPlanFactory,
    LineOfBusinessFactory,
    MemberFactory,
    ProgramFactory,
)

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def member():
    plan = HealthPlanFactory(name="Evergreen Health Plan")
    commercial = LineOfBusinessFactory(kind="commercial")
    radiology = ProgramFactory(code="radiology", name="Radiology and Cardiology", display_order=1)
    ProgramFactory(code="gastro", name="Gastroenterology", display_order=4)
    delegation = DelegationFactory(health_plan=plan, program=radiology, line_of_business=commercial)
    EligibilityMessageFactory(delegation=delegation, service="Radiology", position=0)
    EligibilityMessageFactory(
        delegation=delegation,
        service="Cardiology",
        message="Medical necessity determination required.",
        position=1,
    )
    member = MemberFactory(
        health_plan=plan, patient_id="EVG100001", date_of_birth=datetime.date(1968, 4, 12)
    )
    CoverageFactory(member=member, line_of_business=commercial, member_code="EVG-PPO")
    return member


def test_sign_in_and_look_up_eligibility(live_server, page, screenshot, member, password):
    user = UserFactory(username="office.user")
    totp_device_for(user)

    page.goto(f"{live_server.url}/eligibility/")
    expect(page.get_by_role("heading", name="Portal Login")).to_be_visible()
    screenshot("01_portal_login")
    page.get_by_role("textbox", name="User ID").fill("office.user")
    page.get_by_label("Password").fill(password)
    page.get_by_label("I agree to HIPAA Disclosure").check()
    page.get_by_role("button", name="LOGIN").click()
    enter_authenticator_code(page, user)

    expect(page.get_by_role("heading", name="Eligibility Lookup")).to_be_visible()
    page.get_by_label("Health Plan").select_option(label="Evergreen Health Plan")
    page.get_by_label("Patient ID").fill("EVG100001")
    page.get_by_label("Date Of Birth").fill("04/12/1968")
    page.get_by_label("Date Of Birth").press("Enter")

    expect(page.get_by_text("Member Code:")).to_be_visible()
    expect(page.get_by_text("Radiology Eligibility: Precertification is Required")).to_be_visible()
    expect(
        page.get_by_text("Cardiology Eligibility: Medical necessity determination required.")
    ).to_be_visible()
    not_required = page.get_by_text("No Prior Authorization required for: Gastroenterology")
    expect(not_required).to_be_visible()
    screenshot("03_eligibility_result")
    assert AccessEvent.objects.filter(member=member).count() == 1

    page.get_by_role("link", name="Search Again").click()
    page.get_by_label("Health Plan").select_option(label="Evergreen Health Plan")
    page.get_by_label("Patient ID").fill("EVG100001")
    page.get_by_label("Date Of Birth").fill("04/13/1968")
    page.get_by_role("button", name="ELIGIBILITY LOOKUP").click()
    expect(page.get_by_text("No member was found")).to_be_visible()
    expect(page.get_by_label("Patient ID")).to_have_value("EVG100001")
    screenshot("02_eligibility_not_found")

    page.get_by_role("button", name="Log Off").click()
    expect(page.get_by_role("heading", name="Portal Login")).to_be_visible()
