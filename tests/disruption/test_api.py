"""Disruption API: the same rules as the screens, the one error shape, operator isolation."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from tests.disruption.conftest import days_ago, issue_hotel_notice
from vigil.accounts.models import User
from vigil.disruption import selectors
from vigil.disruption.models import HotelInformationNotice, HotelReturn
from vigil.people.models import Location, Person

pytestmark = pytest.mark.django_db


def api(user: User) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_cawn_create_and_list(investigator: User, adult: Person, child: Person) -> None:
    client = api(investigator)
    payload = {
        "subject": adult.pk,
        "child": child.pk,
        "child_in_care": False,
        "agreed_by": "parent",
        "agreed_by_name": "Donna Smith",
        "issued_on": days_ago(1).isoformat(),
    }
    response = client.post("/api/disruption/cawns/", payload, format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "Issued, not yet served" and body["code"].startswith("CAWN-")
    listed = client.get("/api/disruption/cawns/").json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert client.get(f"/api/disruption/cawns/{body['id']}/").status_code == 200


def test_cawn_ineligible_child_is_a_400_in_the_error_shape(
    investigator: User, adult: Person
) -> None:
    from tests.factories import PersonFactory

    today = timezone.localdate()
    older = PersonFactory(acting_user=investigator, date_of_birth=today - timedelta(days=17 * 366))
    response = api(investigator).post(
        "/api/disruption/cawns/",
        {
            "subject": adult.pk,
            "child": older.pk,
            "child_in_care": False,
            "agreed_by": "parent",
            "agreed_by_name": "Mother",
            "issued_on": today.isoformat(),
        },
        format="json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input." and "under 16" in body["errors"]["child"][0]


def test_outsider_and_operator_get_nothing(outsider: User, operator: User) -> None:
    # Refused outright (the declared policy: case workers only), with no records in the answer.
    for user in (outsider, operator):
        for url in ("/api/disruption/cawns/", "/api/disruption/due/"):
            response = api(user).get(url)
            assert response.status_code == 403 and set(response.json()) <= {"detail", "errors"}


def test_hotel_notice_issue_enforces_rank(
    constable: User, inspector: User, hotel: Location
) -> None:
    response = api(constable).post(
        "/api/disruption/hotel-notices/",
        {
            "premises": hotel.pk,
            "recipient_name": "Pat Owner",
            "recipient_capacity": "manager",
            "grounds": "Intelligence",
            "information_required": ["guest_names", "guest_addresses"],
            "frequency": "weekly",
            "period_end": (timezone.localdate() + timedelta(days=100)).isoformat(),
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    notice = response.json()
    issue = {"version": notice["version"], "issued_on": timezone.localdate().isoformat()}
    url = f"/api/disruption/hotel-notices/{notice['id']}/issue/"
    refused = api(constable).post(url, issue, format="json")
    assert refused.status_code == 400
    assert "inspector" in refused.json()["errors"]["issuing_officer"][0]
    issued = api(inspector).post(url, issue, format="json")
    assert issued.status_code == 200 and issued.json()["stage"] == "issued"


def test_returns_api_for_operators(
    notice: HotelInformationNotice,
    operator_with_access: User,
    other_operator: User,
    investigator: User,
    inspector: User,
    other_hotel: Location,
) -> None:
    start = selectors.compliance(notice)[0].period.start
    url = f"/api/disruption/hotel-notices/{notice.pk}/returns/"
    guest = {
        "guest_name": "Jason Cole",
        "address": "9 Canal Street",
        "town": "Northam",
        "arrived_on": start.isoformat(),
    }
    bad = api(operator_with_access).post(
        url,
        {"period_start": start.isoformat(), "guests": [guest, {**guest, "guest_name": "Cole"}]},
        format="json",
    )
    assert bad.status_code == 400
    assert bad.json()["errors"]["guests"] == ["Row 2: Enter the guest's full name, like Jane Smith"]
    assert not HotelReturn.objects.exists()

    good = api(operator_with_access).post(
        url, {"period_start": start.isoformat(), "guests": [guest]}, format="json"
    )
    assert good.status_code == 201 and good.json()["receipt"].startswith("HR-")

    assert (
        api(other_operator)
        .post(url, {"period_start": start.isoformat(), "nil_return": True}, format="json")
        .status_code
        == 404
    )
    # Operators never read the police view of a notice.
    assert (
        api(operator_with_access).get(f"/api/disruption/hotel-notices/{notice.pk}/").status_code
        == 404
    )
    other = issue_hotel_notice(drafter=investigator, issuer=inspector, premises=other_hotel)
    assert (
        api(operator_with_access)
        .post(
            f"/api/disruption/hotel-notices/{other.pk}/returns/",
            {"period_start": start.isoformat(), "nil_return": True},
            format="json",
        )
        .status_code
        == 404
    )


def test_due_api_lists_notice_ending(investigator: User, inspector: User, hotel: Location) -> None:
    notice = issue_hotel_notice(
        drafter=investigator, issuer=inspector, premises=hotel, issued_days_ago=140
    )
    rows = api(investigator).get("/api/disruption/due/").json()
    assert {"record_type": "hotelinformationnotice", "code": notice.code}.items() <= rows[0].items()
