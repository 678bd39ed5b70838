"""An investigator signs in, finds a child by nickname, reads her timeline, records graded
intelligence and sees it on the timeline."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_search_timeline_and_record_intelligence(page: Any, live_server: Any) -> None:
    build_demo_area()
    sign_in(page, "investigator", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Sam Okafor")).to_be_visible()

    page.get_by_label("Quick search").fill("Kay Smith")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#people-results")
    expect(results.get_by_role("link", name="Kayleigh Smith")).to_be_visible()

    results.get_by_role("link", name="Kayleigh Smith").click()
    assert page.locator("#person-name").inner_text() == "Kayleigh Smith"
    timeline = page.locator("#timeline")
    expect(timeline.get_by_text("Found in car at Riverside Park with adult male")).to_be_visible()

    page.get_by_role("checkbox", name="Missing episode").check()
    page.get_by_role("button", name="Filter timeline").click()
    expect(
        page.locator("#timeline").get_by_text("Missing from Oakfield House").first
    ).to_be_visible()
    assert page.locator("#timeline").get_by_text("Found in car at Riverside Park").count() == 0

    page.get_by_role("link", name="Record intelligence").click()
    page.get_by_role("button", name="Record intelligence").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("Select the source evaluation (1, 2 or 3)")).to_be_visible()

    page.get_by_label("Summary").fill("Seen with Lee Marsh at the Station Hotel car park")
    page.get_by_label("Intelligence", exact=True).fill(
        "Residential worker saw Kayleigh get into a silver Corsa outside the hotel."
    )
    page.get_by_label("Day").fill("3")
    page.get_by_label("Month").fill("11")
    page.get_by_label("Year").fill("2026")
    page.get_by_label("1 - Reliable").check()
    page.get_by_label("B - Known indirectly to the source but corroborated").check()
    page.get_by_label("P - Lawful sharing permitted", exact=True).check()
    page.get_by_role("button", name="Record intelligence").click()

    expect(page.get_by_text("Intelligence report recorded (1BP)")).to_be_visible()
    entry = page.locator("#timeline li", has_text="Seen with Lee Marsh at the Station Hotel")
    expect(entry).to_be_visible()
    assert entry.locator(".vigil-grading").inner_text() == "1BP"


def test_sign_in_is_required_and_bad_password_is_refused(page: Any, live_server: Any) -> None:
    build_demo_area()
    page.goto("/people/1/")
    assert "/sign-in/" in page.url
    page.get_by_label("Username").fill("investigator")
    page.get_by_label("Password").fill("wrong password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
