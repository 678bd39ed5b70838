"""Opening a sensitive record (a victim, a restricted record, intelligence) asks why, once per
record per session; the answer is the consultation's justification in the audit log."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EventFactory, IntelligenceReportFactory, PersonFactory
from vigil.accounts import services
from vigil.audit.models import Action, AuditEntry

pytestmark = pytest.mark.why_are_you_looking


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def victim(investigator: Any) -> Any:
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    EventFactory(acting_user=investigator, people=[(child, "victim")])
    return child


def consultations(user: Any) -> list[AuditEntry]:
    return list(AuditEntry.objects.filter(action=Action.CONSULTATION, username=user.username))


def test_a_victims_record_asks_why_then_audits_the_answer(colleague, victim):
    client = signed_in(colleague)
    url = reverse("person_detail", args=[victim.pk])
    response = client.get(url)
    assert response.status_code == 302
    prompt = response["Location"]
    assert prompt.startswith(reverse("why_are_you_looking"))
    assert parse_qs(urlparse(prompt).query)["next"] == [url]
    assert not consultations(colleague)  # nothing shown yet, nothing logged

    page = client.get(prompt).content.decode()
    assert "Why are you looking at this record?" in page
    assert "Kayleigh" not in page  # the prompt shows a reference, not the record

    answer = client.post(prompt, {"reference": "MASH/2026/114", "reason": "Strategy meeting today"})
    assert answer["Location"] == url
    assert client.get(url).status_code == 200
    entry = consultations(colleague)[-1]
    assert (entry.object_type, entry.object_id) == ("person", str(victim.pk))
    assert entry.justification == "Ref MASH/2026/114 - Strategy meeting today"

    # Once per record per session: the second look reuses the answer.
    assert client.get(url).status_code == 200
    assert consultations(colleague)[-1].justification == entry.justification
    # A new session asks again.
    assert signed_in(colleague).get(url).status_code == 302


def test_a_blank_answer_is_refused(colleague, victim):
    client = signed_in(colleague)
    prompt = client.get(reverse("person_detail", args=[victim.pk]))["Location"]
    response = client.post(prompt, {"reference": " ", "reason": ""})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Enter a case reference or why you need to look" in html
    assert client.get(reverse("person_detail", args=[victim.pk])).status_code == 302


def test_an_ordinary_record_does_not_ask(colleague, investigator):
    adult = PersonFactory(acting_user=investigator)
    assert signed_in(colleague).get(reverse("person_detail", args=[adult.pk])).status_code == 200


def test_intelligence_and_restricted_records_ask(colleague, investigator):
    child = PersonFactory(acting_user=investigator)
    report = IntelligenceReportFactory(acting_user=investigator, subjects=[child])
    client = signed_in(colleague)
    assert client.get(reverse("event_detail", args=[report.event.pk])).status_code == 302
    restricted = PersonFactory(acting_user=investigator)
    services.restrict_record(
        acting_user=investigator, record=restricted, reason="Staff", users=[colleague]
    )
    assert client.get(reverse("person_detail", args=[restricted.pk])).status_code == 302


def test_editing_a_victims_record_asks_too(colleague, victim):
    client = signed_in(colleague)
    assert client.get(reverse("person_edit", args=[victim.pk])).status_code == 302


def test_the_prompt_is_404_for_a_record_the_user_cannot_see(partner, victim):
    client = signed_in(partner)
    assert client.get(reverse("person_detail", args=[victim.pk])).status_code == 404
    url = reverse("why_are_you_looking") + f"?record=people.person:{victim.pk}"
    assert client.get(url).status_code == 404
    for key in ("nonsense", "people.person:x", "auth.permission:1", ""):
        assert client.get(reverse("why_are_you_looking"), {"record": key}).status_code == 404


def test_the_answer_never_redirects_off_site(colleague, victim):
    client = signed_in(colleague)
    response = client.post(
        reverse("why_are_you_looking"),
        {
            "record": f"people.person:{victim.pk}",
            "next": "https://evil.example/",
            "reason": "Checking",
        },
    )
    assert response["Location"] == reverse("home")
