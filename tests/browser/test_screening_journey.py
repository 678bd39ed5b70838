"""A CSE investigator screens a demo child: Kayleigh Smith's records already put her at high
(found at a location of concern, an adult suspect boyfriend), so her brother Tyler gets a
"consider screening" task. The investigator records a concern for Tyler, sees his level and its
reasons change, raises the level by professional judgement with a reason (shown beside the rule
result), and closes the sibling task."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from playwright.sync_api import expect

from vigil.people.models import Person
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def _sign_in(page: Any, username: str) -> None:
    """Sign in, answering the second-factor step with a code from the user's authenticator."""
    from django_otp.oath import TOTP
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.accounts.models import User

    user = User.objects.get(username=username)
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Browser test", confirmed=True)
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if "/sign-in/code/" in page.url:
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        page.get_by_label("Code from your authenticator app").fill(f"{totp.token():06d}")
        page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")


def _open(page: Any, person: Person) -> None:
    page.goto(f"/people/{person.pk}/")
    if "/why-are-you-looking/" in page.url:
        page.get_by_label("Why you need to look at this record").fill("CSE screening review")
        page.get_by_role("button", name="Continue to the record").click()
        page.wait_for_url(f"**/people/{person.pk}/")


def test_record_a_concern_override_and_see_the_sibling_task(page: Any, live_server: Any) -> None:
    build_demo_area()
    kayleigh = Person.objects.get(given_names="Kayleigh", family_name="Smith")
    tyler = Person.objects.get(given_names="Tyler", family_name="Smith")
    _sign_in(page, "investigator")

    # Tyler: nothing recorded about him yet. His sister's records were screened as they were
    # written (re-screen on every change), so his "consider screening" task is already there.
    _open(page, tyler)
    panel = page.locator("#panel-cse-screening")
    assert panel.locator("#screening-level").inner_text() == "No indicators recorded"
    assert "no risk" not in panel.inner_text().lower()
    assert "sibling Kayleigh Smith" in panel.locator(".vigil-screening-task").inner_text()

    # Kayleigh: her records alone put her at high, each reason naming the records behind it.
    _open(page, kayleigh)
    panel = page.locator("#panel-cse-screening")
    assert panel.locator("#screening-level").inner_text() == "High"
    evidence = panel.locator("#screening-evidence")
    expect(evidence.get_by_text("Found at a location of concern").first).to_be_visible()
    expect(
        evidence.get_by_role("link", name="Found in car at Riverside Park").first
    ).to_be_visible()

    # Her brother now has a "consider screening" task, on his page and on the task list.
    _open(page, tyler)
    task = page.locator(".vigil-screening-task")
    assert "Consider screening: sibling Kayleigh Smith reached high" in task.inner_text()
    page.get_by_role("link", name="Screening", exact=True).click()
    page.get_by_role("link", name="Tasks").click()
    expect(
        page.locator("#tasks").get_by_role("link", name="Tyler Smith", exact=True)
    ).to_be_visible()

    # Record a concern for Tyler; first with a mistake, then properly.
    _open(page, tyler)
    page.get_by_role("link", name="Record a concern").click()
    page.get_by_role("button", name="Save and re-screen").click()
    errors = page.locator(".govuk-error-summary")
    expect(errors.get_by_role("link", name="Select at least one warning sign")).to_be_visible()
    page.get_by_label("Absent, truanting or disengaged from school").check()
    page.get_by_label("Has unexplained gifts or new possessions").check()
    seen = date.today() - timedelta(days=3)
    page.get_by_label("Day").fill(str(seen.day))
    page.get_by_label("Month").fill(str(seen.month))
    page.get_by_label("Year").fill(str(seen.year))
    page.get_by_label("Who saw it?").select_option("school")
    page.get_by_label("What was seen").fill("New trainers and a phone; missed 6 days this month")
    page.get_by_role("button", name="Save and re-screen").click()

    panel = page.locator("#panel-cse-screening")
    expect(page.get_by_text("Concern recorded (2 signs); re-screened")).to_be_visible()
    assert panel.locator("#screening-level").inner_text() == "Low"
    reasons = panel.locator("#screening-reasons")
    expect(reasons.get_by_text("Has unexplained gifts or new possessions").first).to_be_visible()
    assert "missed 6 days" in reasons.inner_text()

    # Professional judgement: raise to medium, with the reason beside the rule result.
    panel.get_by_role("link", name="Override").click()
    page.get_by_label("Medium", exact=True).check()
    page.get_by_label("Reason", exact=True).fill(
        "His sister is being exploited by an adult he knows"
    )
    page.get_by_role("button", name="Record judgement").click()
    panel = page.locator("#panel-cse-screening")
    assert panel.locator("#screening-level").inner_text() == "Medium"
    assert panel.locator("#screening-rule-result").inner_text() == "Low"
    assert "His sister is being exploited" in panel.locator("#screening-judgement").inner_text()
    assert "Raised from low to medium" in panel.locator("#screening-reasons").inner_text()

    # Screened: close the sibling task.
    panel.get_by_role("link", name="Close task").click()
    page.get_by_label("Screened: I have recorded what is known").check()
    page.get_by_role("button", name="Close task").click()
    expect(page.get_by_text("Task closed")).to_be_visible()
    assert page.locator(".vigil-screening-task").count() == 0
