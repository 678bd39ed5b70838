"""Breach summaries (issue 9, "Documents and alerts"): a PDF for any tool with breaches, with
the force's name and the preparing officer's details, audited as a disclosure every time; text
is extracted from the PDF itself."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.disruption.conftest import days_ago
from tests.disruption.pdf_text import pdf_text
from tests.factories import EventFactory
from vigil.accounts.models import Rank, User
from vigil.audit.models import Action, AuditEntry
from vigil.disruption import services
from vigil.disruption.models import ChildAbductionWarningNotice, HotelInformationNotice
from vigil.people.models import Person

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def pdf_words(response: object) -> str:
    return " ".join(pdf_text(response.content).split())  # type: ignore[attr-defined]


@pytest.fixture
def cawn(investigator: User, adult: Person, child: Person) -> ChildAbductionWarningNotice:
    return services.cawn_issue(
        acting_user=investigator,
        subject=adult,
        child=child,
        child_in_care=False,
        agreed_by="parent",
        agreed_by_name="Donna Smith (mother)",
        issued_on=days_ago(20),
    )


def test_breach_summary_of_a_cawn_names_force_officer_and_each_breach(
    investigator: User, cawn: ChildAbductionWarningNotice
) -> None:
    investigator.first_name, investigator.last_name = "Sam", "Okafor"
    investigator.rank, investigator.email = Rank.CONSTABLE, "sam.okafor@testshire.police.uk"
    investigator.save()
    sighting = EventFactory(acting_user=investigator, summary="Stop check on Harbour Road")
    services.breach_record(
        acting_user=investigator,
        tool=cawn,
        occurred_at=at(days_ago(5), 23),
        description="Found with the child in his car at Riverside Park",
        evidence=[sighting],
        reference="NS-2026-0412",
    )
    services.breach_record(
        acting_user=investigator,
        tool=cawn,
        occurred_at=at(days_ago(2), 21),
        description="Collected the child from school",
    )
    response = client_for(investigator).get(reverse("breach_summary_pdf", args=["cawns", cawn.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    words = pdf_words(response)
    for expected in (
        "Breach summary",
        cawn.code,
        "Testshire Police",
        "Lee Marsh",
        "Kayleigh Smith",
        "2 breaches recorded",
        "Found with the child in his car at Riverside Park",
        "Collected the child from school",
        "Child Abduction Act 1984 s2",
        "Stop check on Harbour Road",
        "NS-2026-0412",
        "Sam Okafor, Constable, Testshire Police",
        "sam.okafor@testshire.police.uk",
    ):
        assert expected in words, expected
    # Oldest breach first: the summary reads as a chronology.
    assert words.index("Riverside Park") < words.index("Collected the child")
    disclosure = AuditEntry.objects.get(
        action=Action.DISCLOSURE, object_type="childabductionwarningnotice", object_id=cawn.pk
    )
    assert disclosure.detail["document"] == "breach summary PDF"
    assert disclosure.recipients


def test_every_generation_is_a_disclosure(
    investigator: User, cawn: ChildAbductionWarningNotice
) -> None:
    services.breach_record(
        acting_user=investigator, tool=cawn, occurred_at=at(days_ago(3)), description="Seen"
    )
    client = client_for(investigator)
    url = reverse("breach_summary_pdf", args=["cawns", cawn.pk])
    client.get(url)
    client.get(url)
    assert AuditEntry.objects.filter(action=Action.DISCLOSURE, object_id=cawn.pk).count() == 2


def test_no_breaches_the_page_offers_no_summary(
    investigator: User, cawn: ChildAbductionWarningNotice
) -> None:
    client = client_for(investigator)
    assert "Breach summary (PDF)" not in client.get(cawn.get_absolute_url()).content.decode()
    words = pdf_words(client.get(reverse("breach_summary_pdf", args=["cawns", cawn.pk])))
    assert "No breaches recorded" in words
    services.breach_record(
        acting_user=investigator, tool=cawn, occurred_at=at(days_ago(3)), description="Seen"
    )
    assert "Breach summary (PDF)" in client.get(cawn.get_absolute_url()).content.decode()


def test_hidden_evidence_is_left_out_and_outsiders_get_nothing(
    investigator: User,
    other_force_officer: User,
    partner: User,
    outsider: User,
    cawn: ChildAbductionWarningNotice,
) -> None:
    secret = EventFactory(
        acting_user=investigator, summary="Covert observation log", access_level="restricted"
    )
    services.breach_record(
        acting_user=investigator,
        tool=cawn,
        occurred_at=at(days_ago(3)),
        description="Seen together",
        evidence=[secret],
    )
    url = reverse("breach_summary_pdf", args=["cawns", cawn.pk])
    words = pdf_words(client_for(other_force_officer).get(url))
    assert "Seen together" in words and "Covert observation log" not in words
    assert client_for(partner).get(url).status_code == 404  # cannot see the CAWN at all
    assert client_for(outsider).get(url).status_code == 404
    assert (
        client_for(investigator).get(reverse("breach_summary_pdf", args=["nope", 1])).status_code
        == 404
    )
    assert not AuditEntry.objects.filter(
        action=Action.DISCLOSURE, username__in=[partner.username, outsider.username]
    ).exists()


def test_breach_summary_of_a_hotel_notice_and_an_order(
    investigator: User, inspector: User, notice: HotelInformationNotice, adult: Person
) -> None:
    services.breach_record(
        acting_user=investigator,
        tool=notice,
        occurred_at=at(days_ago(4)),
        description="The manager gave a false name for the guest in room 12",
    )
    words = pdf_words(
        client_for(inspector).get(reverse("breach_summary_pdf", args=["hotel-notices", notice.pk]))
    )
    assert "hotel information notice" in words.lower()
    assert "Station Hotel" in words and "Pat Owner" in words
    assert "false name for the guest in room 12" in words
    assert "s118" in words or "section 118" in words

    order = services.order_draft_create(
        acting_user=investigator, kind="sro", subject=adult, grounds="Grooming online"
    )
    services.order_prohibition_add(
        acting_user=investigator,
        order=order,
        prohibition_type="general",
        wording="Not to contact any child under 16 online",
        until=None,
        until_further_order=True,
    )
    order.refresh_from_db()
    order = services.order_make(
        acting_user=investigator,
        order=order,
        expected_version=order.version,
        made_on=days_ago(10),
        court="Northshire Magistrates' Court",
    )
    services.breach_record(
        acting_user=investigator,
        tool=order,
        occurred_at=at(days_ago(1)),
        description="Messaged a 14-year-old on Snapchat",
    )
    words = pdf_words(
        client_for(investigator).get(reverse("breach_summary_pdf", args=["orders", order.pk]))
    )
    assert "Sexual risk order" in words or "sexual risk order" in words
    assert "Not to contact any child under 16 online" in words
    assert "Northshire Magistrates' Court" in words or "Northshire Magistrates’ Court" in words
    assert "Messaged a 14-year-old on Snapchat" in words
