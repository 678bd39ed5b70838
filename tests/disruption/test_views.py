"""Disruption screens: who sees what, each form's good and bad input, the PDF, and the hotel
operator portal (operators see only their own premises' notices and no case record)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.disruption.conftest import days_ago, issue_hotel_notice
from tests.disruption.pdf_text import pdf_text
from tests.factories import EventFactory, PersonFactory
from vigil.accounts.models import User
from vigil.audit.models import Action, AuditEntry
from vigil.disruption import selectors, services
from vigil.disruption.models import (
    ChildAbductionWarningNotice,
    HotelInformationNotice,
    HotelReturn,
    NoticeStage,
    PoliceProtection,
    PreventionOrder,
)
from vigil.disruption.returns import CSV_COLUMNS
from vigil.people.models import Location, Person

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


# --- Navigation and overview ------------------------------------------------------------------


def test_nav_and_home_for_case_workers_only(investigator: User, outsider: User) -> None:
    response = client_for(investigator).get(reverse("home"))
    assert 'href="/disruption/"' in response.content.decode()
    assert client_for(investigator).get(reverse("disruption_home")).status_code == 200
    assert client_for(outsider).get(reverse("disruption_home")).status_code == 403
    assert 'href="/disruption/"' not in client_for(outsider).get(reverse("home")).content.decode()


def test_home_lists_are_audited_and_query_count_is_flat(
    investigator: User, adult: Person, child: Person, django_assert_max_num_queries: Any
) -> None:
    for _ in range(5):
        services.cawn_issue(
            acting_user=investigator,
            subject=adult,
            child=child,
            child_in_care=False,
            agreed_by="parent",
            agreed_by_name="Mother",
            issued_on=days_ago(3),
        )
    client = client_for(investigator)
    with django_assert_max_num_queries(20):
        response = client.get(reverse("disruption_home"))
    assert text(response).count("Lee Marsh") == 5
    assert (
        AuditEntry.objects.filter(
            action=Action.CONSULTATION, object_type="childabductionwarningnotice"
        ).count()
        == 5
    )


# --- CAWN -------------------------------------------------------------------------------------


def cawn_post(warned: Person, protected: Person, **overrides: str) -> dict[str, str]:
    data = {
        "subject": f"P-{warned.pk}",
        "child": f"P-{protected.pk}",
        "child_in_care": "no",
        "agreed_by": "parent",
        "agreed_by_name": "Donna Smith (mother)",
        **date_fields("issued_on", days_ago(1)),
        "grounds": "Found together twice",
        "evidence": "",
    }
    data.update(overrides)
    return data


def test_cawn_issue_through_the_form_and_breach_on_timeline(
    investigator: User, adult: Person, child: Person
) -> None:
    client = client_for(investigator)
    response = client.post(reverse("cawn_create"), cawn_post(adult, child))
    cawn = ChildAbductionWarningNotice.objects.get()
    assert response.status_code == 302 and response["Location"] == cawn.get_absolute_url()
    page = text(client.get(cawn.get_absolute_url()))
    assert "Issued, not yet served" in page and "Donna Smith (mother)" in page

    evidence = EventFactory(acting_user=investigator, summary="Seen together at the park")
    response = client.post(
        reverse("breach_create", args=["cawns", cawn.pk]),
        {
            **date_fields("occurred_on", timezone.localdate()),
            "occurred_time": "00:05",
            "description": "Collected her from Oakfield House",
            "evidence": f"E-{evidence.pk}",
        },
    )
    assert response.status_code == 302
    person_page = text(client.get(reverse("person_detail", args=[child.pk])))
    assert "Breach of child abduction warning notice CAWN-" in person_page
    # The person panel lists the notice for the child and for the adult.
    assert f"{cawn.code}</a> Child abduction warning notice" in person_page
    assert cawn.code in text(client.get(reverse("person_detail", args=[adult.pk])))


def test_cawn_form_bad_input(investigator: User, adult: Person) -> None:
    today = timezone.localdate()
    sixteen = PersonFactory(acting_user=investigator, date_of_birth=date(today.year - 16, 1, 1))
    client = client_for(investigator)
    response = client.post(reverse("cawn_create"), cawn_post(adult, sixteen))
    assert response.status_code == 200
    assert "govuk-error-summary" in text(response) and "under 16" in text(response)
    response = client.post(reverse("cawn_create"), cawn_post(adult, sixteen, child="X-1"))
    assert "Enter a record reference like P-42" in text(response)
    response = client.post(reverse("cawn_create"), cawn_post(adult, sixteen, child="L-1"))
    assert "Enter a person reference" in text(response)
    response = client.post(reverse("cawn_create"), cawn_post(adult, sixteen, child="P-99999"))
    assert "No record with that reference" in text(response)
    response = client.post(reverse("cawn_create"), {})
    assert "Enter person warned" in text(response)
    assert not ChildAbductionWarningNotice.objects.exists()


def test_cawn_hidden_from_other_force_when_restricted_and_from_outsiders(
    investigator: User,
    other_force_officer: User,
    outsider: User,
    partner: User,
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
        issued_on=days_ago(1),
    )
    ChildAbductionWarningNotice.objects.filter(pk=cawn.pk).update(access_level="restricted")
    for user in (other_force_officer, outsider, partner):
        assert client_for(user).get(cawn.get_absolute_url()).status_code == 404
    # A partner cannot issue police notices.
    assert client_for(partner).get(reverse("cawn_create")).status_code == 403


def test_cawn_letter_pdf(investigator: User, adult: Person, child: Person) -> None:
    cawn = services.cawn_issue(
        acting_user=investigator,
        subject=adult,
        child=child,
        child_in_care=False,
        agreed_by="parent",
        agreed_by_name="Donna Smith",
        issued_on=days_ago(1),
    )
    response = client_for(investigator).get(reverse("cawn_pdf", args=[cawn.pk]))
    assert response["Content-Type"] == "application/pdf"
    content = " ".join(pdf_text(response.content).split())
    assert "Child abduction warning notice" in content
    assert "Lee Marsh" in content and "Kayleigh Smith" in content
    assert "Child Abduction Act 1984" in content


# --- Orders -----------------------------------------------------------------------------------


def test_order_draft_prohibition_and_making_with_bad_period(
    investigator: User, adult: Person
) -> None:
    client = client_for(investigator)
    response = client.post(
        reverse("order_create"),
        {"kind": "sro", "subject": f"P-{adult.pk}", "grounds": "Grooming", "court": ""},
    )
    order = PreventionOrder.objects.get()
    assert response.status_code == 302
    response = client.post(
        reverse("order_prohibition_add", args=[order.pk]),
        {"prohibition_type": "general", "wording": "Not to contact girls under 16"},
    )
    assert "Enter the end date, or choose until further order" in text(response)
    client.post(
        reverse("order_prohibition_add", args=[order.pk]),
        {
            "prohibition_type": "general",
            "wording": "Not to contact girls under 16",
            **date_fields("until", days_ago(2) + timedelta(days=400)),
        },
    )
    order.refresh_from_db()
    response = client.post(
        reverse("order_make", args=[order.pk]),
        {
            "version": order.version,
            **date_fields("made_on", days_ago(2)),
            "court": "Northam Magistrates' Court",
        },
    )
    assert "Prohibition 1: A sexual risk order prohibition must last at least 2 years" in text(
        response
    )
    order.refresh_from_db()
    assert order.stage == "draft"


# --- Police protection ------------------------------------------------------------------------


def test_police_protection_countdown_is_server_rendered(investigator: User, child: Person) -> None:
    protection = services.police_protection_start(
        acting_user=investigator,
        child=child,
        taken_at=timezone.now() - timedelta(hours=10, minutes=15),
        taken_from="Station Hotel",
        taken_to="Oakfield House",
        constable="PC 1234 Jones",
        designated_officer="Insp. Whitfield",
    )
    page = text(client_for(investigator).get(protection.get_absolute_url()))
    assert "61 hours 44 minutes left" in page or "61 hours 45 minutes left" in page


def test_police_protection_form_bad_input(investigator: User, child: Person) -> None:
    response = client_for(investigator).post(
        reverse("protection_create"),
        {
            "child": f"P-{child.pk}",
            **date_fields("taken_on", timezone.localdate()),
            "taken_time": "25:99",
        },
    )
    assert "Time taken must be a real time" in text(response)
    assert not PoliceProtection.objects.exists()


# --- Hotel information notices ----------------------------------------------------------------


def notice_post(premises: Location, **overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "premises": f"L-{premises.pk}",
        "recipient_name": "Pat Owner",
        "recipient_capacity": "manager",
        "grounds": "Girls from Oakfield House taken there at weekends",
        "information_required": ["guest_names", "guest_addresses", "vehicle_registration"],
        "frequency": "weekly",
        "return_form": "portal",
        **date_fields("period_end", timezone.localdate() + timedelta(days=150)),
    }
    data.update(overrides)
    return data


def test_constable_drafts_but_only_an_inspector_issues(
    constable: User, inspector: User, hotel: Location
) -> None:
    client = client_for(constable)
    response = client.post(reverse("hotel_notice_create"), notice_post(hotel))
    notice = HotelInformationNotice.objects.get()
    assert response.status_code == 302
    page = text(client.get(notice.get_absolute_url()))
    assert "An officer of at least inspector rank must issue this notice" in page
    response = client.post(
        reverse("hotel_notice_issue", args=[notice.pk]),
        {"version": notice.version, **date_fields("issued_on", timezone.localdate())},
    )
    assert "must be issued by an officer of at least inspector rank" in text(response)
    notice.refresh_from_db()
    assert notice.stage == NoticeStage.DRAFT

    response = client_for(inspector).post(
        reverse("hotel_notice_issue", args=[notice.pk]),
        {"version": notice.version, **date_fields("issued_on", timezone.localdate())},
    )
    notice.refresh_from_db()
    assert response.status_code == 302 and notice.stage == NoticeStage.ISSUED


def test_notice_form_bad_input(investigator: User, hotel: Location) -> None:
    client = client_for(investigator)
    response = client.post(
        reverse("hotel_notice_create"),
        notice_post(hotel, information_required=["guest_names"]),
    )
    assert "names and addresses" in text(response)
    response = client.post(reverse("hotel_notice_create"), notice_post(hotel, frequency="hourly"))
    assert "Select a valid choice" in text(response)
    assert not HotelInformationNotice.objects.exists()


def test_notice_pdf_has_the_legal_wording_and_is_a_disclosure(
    notice: HotelInformationNotice, investigator: User
) -> None:
    response = client_for(investigator).get(reverse("hotel_notice_pdf", args=[notice.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    content = " ".join(pdf_text(response.content).split())
    for expected in (
        notice.code,
        "Testshire Police",
        "Station Hotel",
        "Pat Owner",
        "section 116",
        "Guests' names",
        "Registration mark of any vehicle",
        "Weekly",
        "within 21 days",
        "section 118",
        "£2,500",
        "Inspector",
    ):
        assert expected in content, expected
    disclosure = AuditEntry.objects.get(
        action=Action.DISCLOSURE, object_type="hotelinformationnotice"
    )
    assert disclosure.recipients == "Pat Owner"


def test_draft_notice_has_no_pdf(investigator: User, hotel: Location) -> None:
    draft = services.hotel_notice_draft(
        acting_user=investigator,
        premises=hotel,
        recipient_name="A",
        recipient_capacity="owner",
        grounds="g",
        information_required=["guest_names", "guest_addresses"],
        frequency="weekly",
        period_end=days_ago(-30),
    )
    assert (
        client_for(investigator).get(reverse("hotel_notice_pdf", args=[draft.pk])).status_code
        == 404
    )


# --- Operator portal --------------------------------------------------------------------------


def test_operator_sees_only_their_own_notices_and_no_case_records(
    notice: HotelInformationNotice,
    operator_with_access: User,
    other_operator: User,
    investigator: User,
    inspector: User,
    other_hotel: Location,
    child: Person,
) -> None:
    other_notice = issue_hotel_notice(drafter=investigator, issuer=inspector, premises=other_hotel)
    services.operator_access_grant(
        acting_user=investigator, operator=other_operator, premises=other_hotel
    )
    client = client_for(operator_with_access)
    home = text(client.get(reverse("operator_home")))
    assert notice.code in home and other_notice.code not in home
    assert client.get(reverse("operator_notice", args=[notice.pk])).status_code == 200
    for url in (
        reverse("operator_notice", args=[other_notice.pk]),
        reverse("operator_notice_pdf", args=[other_notice.pk]),
        reverse("operator_return_create", args=[other_notice.pk]),
        reverse("operator_return_upload", args=[other_notice.pk]),
        reverse("operator_notice", args=[999_999]),
        reverse("hotel_notice_detail", args=[notice.pk]),
        reverse("person_detail", args=[child.pk]),
        reverse("location_detail", args=[notice.premises_id]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.get(reverse("disruption_home")).status_code == 403
    assert client.get(reverse("search") + "?q=Smith").status_code == 403
    # The operator's nav offers their notices, not case work.
    nav = client.get(reverse("operator_home")).content.decode()
    assert "Your notices" in nav and 'href="/disruption/"' not in nav


def test_draft_notices_are_not_shown_to_operators(
    investigator: User, operator: User, hotel: Location
) -> None:
    draft = services.hotel_notice_draft(
        acting_user=investigator,
        premises=hotel,
        recipient_name="A",
        recipient_capacity="owner",
        grounds="g",
        information_required=["guest_names", "guest_addresses"],
        frequency="weekly",
        period_end=days_ago(-30),
    )
    services.operator_access_grant(acting_user=investigator, operator=operator, premises=hotel)
    assert client_for(operator).get(reverse("operator_notice", args=[draft.pk])).status_code == 404


def test_case_workers_get_404_from_the_portal(investigator: User) -> None:
    assert client_for(investigator).get(reverse("operator_home")).status_code == 404


def guest_post(period_start: date, **guest: str) -> dict[str, str]:
    data = {
        "period": period_start.isoformat(),
        "guest-TOTAL_FORMS": "1",
        "guest-INITIAL_FORMS": "0",
        "guest-MIN_NUM_FORMS": "1",
        "guest-MAX_NUM_FORMS": "50",
        "guest-0-guest_name": "Jason Cole",
        "guest-0-address": "9 Canal Street",
        "guest-0-town": "Northam",
        "guest-0-postcode": "NE4 5XY",
        **{
            f"guest-0-arrived_on_{i}": v
            for i, v in enumerate(
                [str(period_start.day), str(period_start.month), str(period_start.year)]
            )
        },
        "guest-0-room": "12",
        "guest-0-booked_by": "J. Cole",
        "guest-0-vehicle_registration": "AB12 CDE",
    }
    data.update({f"guest-0-{k}": v for k, v in guest.items()})
    return data


def test_operator_submits_a_return_by_form_and_gets_a_receipt(
    notice: HotelInformationNotice, operator_with_access: User, investigator: User
) -> None:
    start = selectors.compliance(notice)[0].period.start
    client = client_for(operator_with_access)
    form_page = client.get(reverse("operator_return_create", args=[notice.pk]))
    assert f'value="{start.isoformat()}" selected' in form_page.content.decode()
    response = client.post(reverse("operator_return_create", args=[notice.pk]), guest_post(start))
    hotel_return = HotelReturn.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("operator_return_receipt", args=[hotel_return.pk])
    receipt = text(client.get(response["Location"]))
    assert hotel_return.receipt in receipt and "Return received" in receipt
    # The police see the return on the notice, and import it to POLE.
    police = client_for(investigator)
    page = text(police.get(notice.get_absolute_url()))
    assert "Jason Cole" in page and "AB12 CDE" in page
    police.post(reverse("hotel_return_import", args=[hotel_return.pk]))
    results = text(police.get(reverse("search") + "?q=Jason+Cole"))
    assert "Jason Cole" in results


def test_operator_form_bad_input_saves_nothing(
    notice: HotelInformationNotice, operator_with_access: User
) -> None:
    start = selectors.compliance(notice)[0].period.start
    client = client_for(operator_with_access)
    response = client.post(
        reverse("operator_return_create", args=[notice.pk]),
        guest_post(start, guest_name="Cole", postcode="nowhere"),
    )
    page = text(response)
    assert "Enter the guest&#x27;s full name" in page
    assert "Enter a real UK postcode" in page
    assert "nothing has been saved" in page
    response = client.post(
        reverse("operator_return_create", args=[notice.pk]),
        {**guest_post(start), "period": "2001-01-01"},
    )
    assert "Select a valid choice" in text(response)
    assert not HotelReturn.objects.exists()


def test_add_another_guest_without_javascript(
    notice: HotelInformationNotice, operator_with_access: User
) -> None:
    start = selectors.compliance(notice)[0].period.start
    response = client_for(operator_with_access).post(
        reverse("operator_return_create", args=[notice.pk]),
        {**guest_post(start, guest_name="Cole"), "add_guest": "1"},
    )
    page = response.content.decode()
    assert "Guest 2" in page and 'value="Cole"' in page
    assert "govuk-error-summary" not in page
    assert not HotelReturn.objects.exists()


CSV_HEADER = ",".join(CSV_COLUMNS) + "\n"


def upload(client: Client, notice: HotelInformationNotice, start: date, body: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(
        reverse("operator_return_upload", args=[notice.pk]),
        {
            "period": start.isoformat(),
            "file": SimpleUploadedFile("return.csv", body.encode(), content_type="text/csv"),
        },
    )


def test_csv_upload_is_all_or_nothing(
    notice: HotelInformationNotice, operator_with_access: User
) -> None:
    start = selectors.compliance(notice)[0].period.start
    client = client_for(operator_with_access)
    good = f"Jason Cole,9 Canal Street,Northam,NE4 5XY,{start.isoformat()},,12,J. Cole,AB12CDE,\n"
    bad = f"Cole,1 Road,Northam,,{start.isoformat()},,,,,\n"
    worse = "Ann Other,2 Road,Northam,,not a date,,,,,\n"
    response = upload(client, notice, start, CSV_HEADER + good + bad + worse)
    page = text(response)
    assert "Row 2: Enter the guest&#x27;s full name" in page
    assert "Row 3: Arrival date must be a real date" in page
    assert not HotelReturn.objects.exists()

    response = upload(client, notice, start, "name,address\nx,y\n")
    assert "missing: guest_name" in text(response)
    response = upload(client, notice, start, CSV_HEADER)
    assert "The file has no guests" in text(response)

    response = upload(client, notice, start, CSV_HEADER + good + good.replace("Jason", "Jay"))
    hotel_return = HotelReturn.objects.get()
    assert response.status_code == 302 and hotel_return.method == "csv"
    assert hotel_return.guests.count() == 2


def test_csv_template_downloads(operator: User) -> None:
    response = client_for(operator).get(reverse("operator_csv_template"))
    assert response.content.decode().startswith("guest_name,address,town")


def test_overdue_returns_on_the_due_page(
    notice: HotelInformationNotice, investigator: User
) -> None:
    page = text(client_for(investigator).get(reverse("disruption_due")))
    assert "Overdue hotel returns" in page and notice.code in page
    assert "ASBCPA 2014 s118" in page


def test_operator_sees_the_s118_warning(
    notice: HotelInformationNotice, operator_with_access: User
) -> None:
    page = text(client_for(operator_with_access).get(reverse("operator_notice", args=[notice.pk])))
    assert "section 118" in page and "level 4" in page
    assert "Missing" in page  # two weekly returns past due


def test_only_those_who_can_see_the_notice_can_import_its_return(
    notice: HotelInformationNotice, operator_with_access: User, partner: User, outsider: User
) -> None:
    start = selectors.compliance(notice)[0].period.start
    hotel_return = services.hotel_return_submit(
        acting_user=operator_with_access,
        notice=notice,
        period_start=start,
        guests=[
            {
                "guest_name": "Jason Cole",
                "address": "9 Canal Street",
                "town": "Northam",
                "arrived_on": start.isoformat(),
            }
        ],
    )
    url = reverse("hotel_return_import", args=[hotel_return.pk])
    for user in (partner, outsider, operator_with_access):
        assert client_for(user).post(url).status_code == 404
    hotel_return.refresh_from_db()
    assert hotel_return.imported_at is None
