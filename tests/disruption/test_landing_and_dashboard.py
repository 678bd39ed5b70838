"""Where each user lands and what the home dashboard warns about (issue 9): a hotel operator
lands on their returns portal and can reach nothing else; staff land on the staff home, whose
dashboard lists orders and notices ending, CAWN reviews due, police protection running and hotel
returns missing or late, for the records they may see."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from tests.disruption.conftest import days_ago, issue_hotel_notice
from tests.test_authorisation_matrix import FILLERS, ROUTES
from vigil.accounts.models import User
from vigil.disruption import services
from vigil.disruption.models import HotelReturn
from vigil.people.models import Location, Person

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


# --- Landing ----------------------------------------------------------------------------------


def test_an_operator_lands_on_the_returns_portal(operator_with_access: User) -> None:
    client = client_for(operator_with_access)
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"] == reverse("operator_home")
    assert "Your hotel information notices" in text(client.get(reverse("home"), follow=True))


def test_staff_land_on_the_staff_home(investigator: User) -> None:
    response = client_for(investigator).get(reverse("home"))
    assert response.status_code == 200
    assert "Quick search" in text(response)


# Pages an operator may use besides the portal: their own account and the public API docs.
OPERATOR_MAY_OPEN = {
    "login",
    "second_factor",
    "second_factor_setup",
    "account",
    "api_schema",
    "api_docs",
    "api_redoc",
    "admin:login",
    "home",  # redirects to the portal (above)
}
# Read-only API lists that answer a signed-in caller with only the records they may see: for
# an operator, none (checked below).
EMPTY_FOR_OPERATORS = {
    "api-person-list",
    "api-object-list",
    "api-location-list",
    "api-event-list",
    "api-link-list",
}


def test_an_operator_can_reach_nothing_else(
    operator_with_access: User, investigator: User, child: Person, hotel: Location
) -> None:
    """Every URL the resolver knows, as an operator: 403, 404 or 405, the admin's sign-in, or
    (for the few open pages above) no case data."""
    client = client_for(operator_with_access)
    reached: list[str] = []
    for key, route in sorted(ROUTES.items()):
        if route.name is None or route.name.startswith("operator_"):
            continue
        kwargs = {name: FILLERS.get(name, "1") for name in route.arguments if name != "format"}
        kwargs.update({k: v for k, v in {"tool": "cawns", "kind": "person"}.items() if k in kwargs})
        if "pk" in kwargs:
            kwargs["pk"] = str(child.pk)
        try:
            url = reverse(route.name, kwargs=kwargs)
        except NoReverseMatch:
            continue
        response = client.get(url)
        status, location = response.status_code, response.get("Location", "")
        if status in (403, 404, 405) or location.startswith(("/admin/login/", "/admin/")):
            continue
        if route.name in EMPTY_FOR_OPERATORS:
            body = response.json()
            results = body["results"] if isinstance(body, dict) else body
            assert results == [], (key, body)
            continue
        if route.name not in OPERATOR_MAY_OPEN:
            reached.append(f"{key} {url} -> {status} {location}")
    assert not reached, "\n".join(reached)


# --- Dashboard --------------------------------------------------------------------------------


def test_dashboard_alerts_for_staff(
    investigator: User, inspector: User, hotel: Location, adult: Person, child: Person
) -> None:
    cawn = services.cawn_issue(
        acting_user=investigator,
        subject=adult,
        child=child,
        child_in_care=False,
        agreed_by="parent",
        agreed_by_name="Mother",
        issued_on=days_ago(170),  # first review 6 months on (policy): due within 30 days
    )
    notice = issue_hotel_notice(
        drafter=investigator, issuer=inspector, premises=hotel, issued_days_ago=140
    )
    services.police_protection_start(
        acting_user=investigator,
        child=child,
        taken_at=timezone.now() - timedelta(hours=60),
        taken_from="Riverside Park",
        taken_to="Oakfield House",
        constable="PC Jones",
        designated_officer="Insp. Whitfield",
    )
    page = text(client_for(investigator).get(reverse("home")))
    assert "Disruption: due soon and overdue" in page
    assert cawn.code in page and "Review due" in page
    assert notice.code in page and "Ends: consider a further notice" in page
    assert "hours" in page and "left" in page  # the 72-hour countdown
    assert "Missing" in page  # no returns were made on the notice


def test_dashboard_shows_late_returns(
    investigator: User, inspector: User, hotel: Location, operator_with_access: User
) -> None:
    notice = issue_hotel_notice(
        drafter=investigator, issuer=inspector, premises=hotel, issued_days_ago=20
    )
    first = services.return_period_for(notice, notice.served_on or days_ago(20))
    late = services.hotel_return_submit(
        acting_user=operator_with_access,
        notice=notice,
        period_start=first.start,
        guests=[],
        nil_return=True,
    )
    # Received a day after it was due.
    HotelReturn.objects.filter(pk=late.pk).update(submitted_at=at(first.due_on + timedelta(days=1)))
    page = text(client_for(investigator).get(reverse("home")))
    assert "Late" in page and notice.code in page


def test_dashboard_respects_need_to_know(
    investigator: User,
    partner: User,
    outsider: User,
    operator_with_access: User,
    adult: Person,
    child: Person,
) -> None:
    cawn = services.cawn_issue(
        acting_user=investigator,
        subject=adult,
        child=child,
        child_in_care=False,
        agreed_by="parent",
        agreed_by_name="Mother",
        issued_on=days_ago(170),
    )
    partner_page = text(client_for(partner).get(reverse("home")))
    assert cawn.code not in partner_page and "Lee Marsh" not in partner_page
    assert "Disruption: due soon" in partner_page  # the panel, with nothing they may not see
    assert "Disruption: due soon" not in text(client_for(outsider).get(reverse("home")))


def test_nothing_due_says_so(investigator: User) -> None:
    page = text(client_for(investigator).get(reverse("home")))
    assert "Nothing ends or falls due in the next 30 days" in page


def test_the_dashboard_hides_a_notice_on_premises_the_user_may_not_see(
    investigator: User, colleague: User, inspector: User, hotel: Location
) -> None:
    from vigil.accounts import services as access_services

    notice = issue_hotel_notice(
        drafter=investigator, issuer=inspector, premises=hotel, issued_days_ago=140
    )
    access_services.restrict_record(acting_user=investigator, record=hotel, reason="Covert")
    own = text(client_for(investigator).get(reverse("home")))
    assert f"{notice.code}: hotel information notice, Station Hotel" in own
    page = text(client_for(colleague).get(reverse("home")))
    assert notice.code not in page and "Station Hotel" not in page
