"""Signing in with an authenticator code, being locked out after repeated failures, and the
'Why are you looking?' prompt, driven through a real browser (with the strict CSP: any
violation fails the test)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.accounts.totp import code_for_secret, fresh_code, totp_code
from tests.browser.conftest import sign_in
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def password_step(page: Any, username: str, password: str) -> None:
    page.goto("/sign-in/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_sign_in_with_an_authenticator_code(page: Any, live_server: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    build_demo_area()
    password_step(page, "investigator", DEMO_PASSWORD)
    page.wait_for_url("**/sign-in/code/**")
    assert page.get_by_role(
        "heading", name="Enter the code from your authenticator app"
    ).is_visible()

    # The app's code, computed as an authenticator does (RFC 6238) from the enrolled secret.
    device = TOTPDevice.objects.get(user__username="investigator")
    page.get_by_label("Code from your authenticator app").fill(
        "999999" if totp_code(device.bin_key) != "999999" else "111111"
    )
    page.get_by_role("button", name="Continue").click()
    expect(
        page.locator(".govuk-error-summary").get_by_text("The code is not right")
    ).to_be_visible()

    page.wait_for_timeout(1100)  # django-otp makes you wait a second after a wrong code
    page.get_by_label("Code from your authenticator app").fill(fresh_code(device))
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/")
    expect(page.get_by_role("heading", name="Welcome, Sam Okafor")).to_be_visible()

    page.get_by_role("link", name="Your account").click()
    page.get_by_role("button", name="Sign out everywhere").click()
    expect(page.get_by_text("You have been signed out on every device")).to_be_visible()
    page.goto("/search/")
    assert "/sign-in/" in page.url


def test_first_sign_in_sets_up_the_authenticator(page: Any, live_server: Any) -> None:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    build_demo_area()
    TOTPDevice.objects.filter(user__username="nurse").delete()
    password_step(page, "nurse", DEMO_PASSWORD)
    page.wait_for_url("**/account/authenticator/**")
    qr = page.locator("#authenticator-qr")
    expect(qr).to_be_visible()
    assert qr.get_attribute("src").startswith("data:image/svg+xml;base64,")
    assert qr.evaluate("image => image.naturalWidth") > 0  # rendered, not blocked by the CSP
    page.get_by_text("I cannot scan the QR code").click()
    secret = page.locator("#authenticator-secret").inner_text()
    assert len(secret) == 32
    page.get_by_label("Code from your authenticator app").fill(code_for_secret(secret))
    page.get_by_role("button", name="Confirm and continue").click()
    page.wait_for_url("**/")
    assert TOTPDevice.objects.get(user__username="nurse").confirmed


def test_lockout_after_repeated_failures(browser: Any, live_server: Any) -> None:
    build_demo_area()
    # Its own browser context: the lockout page is (rightly) a 429, which Chromium reports
    # on the console; anything else there (a CSP violation) still fails the test.
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda msg: msg.type == "error" and console.append(msg.text))
    for attempt in range(1, 6):
        password_step(page, "analyst", f"wrong password {attempt}")
        if attempt < 5:
            expect(page.locator(".govuk-error-summary")).to_be_visible()
    expect(page.get_by_role("heading", name="You cannot sign in at the moment")).to_be_visible()
    expect(page.get_by_text("try again in 30 minutes")).to_be_visible()
    password_step(page, "analyst", DEMO_PASSWORD)  # the right password is refused too
    expect(page.get_by_role("heading", name="You cannot sign in at the moment")).to_be_visible()
    context.close()
    assert all("status of 429" in message for message in console), console


@pytest.mark.why_are_you_looking
def test_why_are_you_looking(page: Any, live_server: Any) -> None:
    records = build_demo_area()
    kayleigh = records["kayleigh"]
    sign_in(page, "analyst", DEMO_PASSWORD)
    page.goto(f"/people/{kayleigh.pk}/")
    expect(page.get_by_role("heading", name="Why are you looking at this record?")).to_be_visible()
    assert page.get_by_text("Kayleigh").count() == 0

    page.get_by_role("button", name="Continue to the record").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary.get_by_text("Enter a case reference or why you need to look")).to_be_visible()

    page.get_by_label("Case or crime reference").fill("INC/99120")
    page.get_by_label("Why you need to look at this record").fill("Hotel incident review")
    page.get_by_role("button", name="Continue to the record").click()
    assert page.locator("#person-name").inner_text() == "Kayleigh Smith"
    page.reload()  # once per record per session
    assert page.locator("#person-name").inner_text() == "Kayleigh Smith"

    # The auditor finds the reason on Kayleigh's trail.
    page.context.clear_cookies()
    sign_in(page, "auditor", DEMO_PASSWORD)
    page.get_by_role("link", name="Audit log").click()
    page.get_by_label("Person reference").fill(f"P-{kayleigh.pk}")
    page.get_by_role("button", name="Show the trail").click()
    trail = page.locator("#audit-entries")
    # Two consultations: opening the record and the reload.
    assert trail.get_by_text("Ref INC/99120 - Hotel incident review").count() == 2
