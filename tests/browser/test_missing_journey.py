"""An investigator reports a child missing, records her return found at a hotel with an adult,
sees the return home interview due, completes it, records a disclosure as an observation and as
intelligence, and sees the episode on the child's page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from vigil.missing import services
from vigil.people.models import Location
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def sign_in(page: Any, username: str) -> None:
    """Sign in, answering the second-factor step (when there is one) with a code from the
    user's authenticator."""
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


def fill_date(page: Any, day: Any) -> None:
    page.get_by_label("Day").fill(str(day.day))
    page.get_by_label("Month").fill(str(day.month))
    page.get_by_label("Year").fill(str(day.year))


def test_report_return_interview_and_disclosure(page: Any, live_server: Any) -> None:
    records = build_demo_area()
    kayleigh, lee = records["kayleigh"], records["lee"]
    hotel = Location.objects.get(name="Station Hotel")
    today = timezone.localdate()
    sign_in(page, "investigator")

    # Report her missing, first forgetting the risk grading.
    page.goto(f"/people/{kayleigh.pk}/")
    panel = page.locator("#panel-missing")
    panel.get_by_role("link", name="Report missing").click()
    fill_date(page, today - timedelta(days=2))
    page.get_by_label("Time reported missing").fill("21:30")
    page.get_by_label("Children's home").check()
    page.get_by_role("button", name="Report missing").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("Select the missing-person risk level")).to_be_visible()
    page.get_by_label("Medium").check()
    page.get_by_label("Reason for the risk level").fill("Known CSE concerns; went missing before")
    page.get_by_label("Grading officer").fill("PS 1234 Hale")
    page.get_by_role("button", name="Report missing").click()
    assert page.locator("#episode-state").inner_text() == "Missing now"

    # She is on the Missing now list.
    page.get_by_role("link", name="Missing", exact=True).click()
    expect(page.locator("#missing-now").get_by_text("Kayleigh Smith")).to_be_visible()
    page.locator("#missing-now").get_by_role("link", name="MP-").click()

    # Record the return: found at the Station Hotel with Lee Marsh.
    page.get_by_role("link", name="Record the return").first.click()
    expect(page.locator("#references").get_by_text(f"P-{lee.pk}")).to_be_visible()
    fill_date(page, today - timedelta(days=1))
    page.get_by_label("Time found or returned").fill("02:15")
    page.get_by_label("Found by police").check()
    page.get_by_label("Where found (location reference)").fill(f"L-{hotel.pk}")
    page.get_by_label("Found with (person references)").fill(f"P-{lee.pk}")
    page.get_by_label("Vehicles involved (registration marks)").fill("AB12 CDE")
    page.get_by_role("button", name="Record the return").click()
    expect(page.get_by_text("the return home interview is now due")).to_be_visible()
    details = page.locator("#return-details")
    expect(details.get_by_role("link", name="Lee Marsh")).to_be_visible()
    expect(details.get_by_text("Station Hotel")).to_be_visible()

    # The interview is due, 72 hours after the return.
    interview = page.locator("#interview")
    assert interview.locator(".vigil-rhi--due").inner_text() == "Due"
    page.goto("/missing/interviews/")
    expect(page.locator("#interviews").get_by_text("Kayleigh Smith")).to_be_visible()
    page.goto(f"/people/{kayleigh.pk}/")
    page.locator("#missing-timeline").get_by_role("link", name="MP-").first.click()

    # Complete it and record what she disclosed.
    page.get_by_role("link", name="Update the return home interview").click()
    page.get_by_label("Completed").check()
    done = timezone.localtime() - timedelta(minutes=5)  # in the past whatever the hour
    fill_date(page, done.date())
    page.get_by_label("Time").fill(f"{done:%H:%M}")
    page.get_by_role("button", name="Save").click()
    expect(page.locator("#interview .vigil-rhi--completed")).to_be_visible()
    page.get_by_label("What the child disclosed").fill(
        "Lee bought me a new phone and takes me to the hotel at weekends."
    )
    page.get_by_role("button", name="Record disclosure").click()
    expect(page.locator("#disclosures").get_by_text("Lee bought me a new phone")).to_be_visible()

    if services.observation_service() is not None:
        page.get_by_role("link", name="Record as observation").click()
        page.get_by_label("Has unexplained gifts or new possessions").check()
        page.get_by_role("button", name="Record as observations").click()
        expect(page.get_by_text("Recorded as 1 observation")).to_be_visible()
        expect(page.locator("#disclosures").get_by_text("Observation recorded")).to_be_visible()

    page.get_by_role("link", name="Record as intelligence").click()
    page.get_by_role("button", name="Record as intelligence").click()
    expect(page.get_by_text("Recorded as intelligence (2AP)")).to_be_visible()

    # The episode is on her page: the summary, the episode timeline and the main timeline.
    page.goto(f"/people/{kayleigh.pk}/")
    timeline = page.locator("#missing-timeline")
    expect(timeline.get_by_role("link", name="Station Hotel").first).to_be_visible()
    expect(timeline.get_by_role("link", name="Lee Marsh").first).to_be_visible()
    expect(
        page.locator("#missing-summary").get_by_role("link", name="Station Hotel")
    ).to_be_visible()
    expect(page.locator("#missing-indicators").get_by_text("location of concern")).to_be_visible()
    expect(page.locator("#timeline").get_by_text("Missing from").first).to_be_visible()
