"""An inspector issues a hotel information notice for the demo's Station Hotel and serves it;
the hotel's operator signs in, lands on their portal, sees the notice with its s118 warning and
submits a return; the police see the return, import it, find the guest in search, and enter a
second return the hotel sent on paper."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.accounts.models import Agency, AgencyKind, Role, User
from vigil.people.models import IntelligenceReport, Location
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def fill_date(page: Any, prefix: str, day: Any) -> None:
    page.locator(f"#id_{prefix}_0").fill(str(day.day))
    page.locator(f"#id_{prefix}_1").fill(str(day.month))
    page.locator(f"#id_{prefix}_2").fill(str(day.year))


def test_hotel_notice_issued_served_returned_and_imported(page: Any, live_server: Any) -> None:
    build_demo_area()
    operators = Agency.objects.create(name="Station Hotel Ltd", kind=AgencyKind.PREMISES_OPERATOR)
    User.objects.create_user(
        username="stationhotel",
        password=DEMO_PASSWORD,
        first_name="Pat",
        last_name="Owner",
        agency=operators,
        role=Role.HOTEL_OPERATOR,
    )
    hotel = Location.objects.get(name="Station Hotel")
    intel = IntelligenceReport.objects.get(event__summary__contains="Station Hotel")
    today = timezone.localdate()

    # The inspector drafts, issues and serves the notice, and gives the operator access.
    sign_in(page, "supervisor", DEMO_PASSWORD)
    page.get_by_role("link", name="Disruption", exact=True).click()
    page.get_by_role("link", name="Hotel information notice").click()
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".govuk-error-summary").get_by_text("Enter premises")).to_be_visible()

    page.get_by_label("Premises", exact=True).fill(f"L-{hotel.pk}")
    page.get_by_label("Name of the person served").fill("Pat Owner")
    page.get_by_label("Manager").check()
    page.get_by_label("Grounds").fill(
        "Intelligence that girls from Oakfield House are taken to the hotel at weekends."
    )
    page.get_by_label("Evidence").fill(f"E-{intel.event_id}")
    page.get_by_label("Registration mark of any vehicle").check()
    page.get_by_label("Weekly").check()
    fill_date(page, "period_end", today + timedelta(days=150))
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#notice-stage")).to_have_text("Draft")

    page.get_by_role("link", name="Issue notice").click()
    page.get_by_role("button", name="Issue notice").click()
    expect(page.locator("#notice-stage")).to_have_text("Issued")

    page.get_by_role("link", name="Record service").click()
    fill_date(page, "served_on", today)
    page.get_by_label("Handed to them in person").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_label("Hotel operator account").select_option(label="Pat Owner (stationhotel)")
    page.get_by_role("button", name="Give access").click()
    expect(page.locator("#operators").get_by_text("Pat Owner (stationhotel)")).to_be_visible()
    notice_url = page.url
    page.get_by_role("button", name="Sign out supervisor").click()

    # The operator lands on their portal, sees the notice and submits a return.
    sign_in(page, "stationhotel", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Your hotel information notices")).to_be_visible()
    page.get_by_role("link", name="View notice").click()
    expect(page.locator("#s118-warning").get_by_text("section 118")).to_be_visible()
    page.get_by_role("link", name="Submit a return").click()
    page.locator("#id_guest-0-guest_name").fill("Darren Pike")
    page.locator("#id_guest-0-address").fill("9 Canal Street")
    page.locator("#id_guest-0-town").fill("Northam")
    page.locator("#id_guest-0-postcode").fill("NE4 5XY")
    fill_date(page, "guest-0-arrived_on", today)
    page.locator("#id_guest-0-room").fill("12")
    page.locator("#id_guest-0-vehicle_registration").fill("ab12cde")
    page.get_by_role("button", name="Submit return").click()
    expect(page.get_by_role("heading", name="Return received")).to_be_visible()
    receipt = page.locator("#receipt").inner_text()
    assert receipt.startswith("HR-")
    page.get_by_role("button", name="Sign out stationhotel").click()

    # The police land on the staff home with its disruption alerts, see the return, import it
    # to POLE and find the guest.
    sign_in(page, "investigator", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Disruption: due soon and overdue")).to_be_visible()
    page.goto(notice_url)
    card = page.locator(".govuk-summary-card", has_text=receipt)
    expect(card.get_by_text("Darren Pike")).to_be_visible()
    card.get_by_role("button", name="Import to POLE").click()
    expect(page.get_by_text("1 guest from return")).to_be_visible()
    page.get_by_role("link", name="Search").click()
    page.get_by_label("Name, phone, vehicle registration, postcode or online handle").fill(
        "Darren Pike"
    )
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#people-results").get_by_role("link", name="Darren Pike")).to_be_visible()

    # A return the hotel sent on paper: an officer enters it, marked as entered by them.
    page.goto(notice_url)
    page.get_by_role("link", name="Enter a return received on paper or by email").click()
    page.get_by_label("On paper, entered by an officer").check()
    fill_date(page, "received_on", today)
    page.locator("#id_guest-0-guest_name").fill("Gary Munro")
    page.locator("#id_guest-0-address").fill("3 Mill Lane")
    page.locator("#id_guest-0-town").fill("Northam")
    fill_date(page, "guest-0-arrived_on", today)
    page.get_by_role("button", name="Save return").click()
    expect(page.get_by_text("entered for Pat Owner")).to_be_visible()
    card = page.locator(".govuk-summary-card", has_text="Gary Munro")
    expect(card.get_by_text("on paper, entered by an officer")).to_be_visible()
