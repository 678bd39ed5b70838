"""'Who has looked at this person?' counts every page that showed the person, not only their
own record page: an event page listing them, another record's page listing links to them, a
search result list (page and API) and the API's lists (DPA 2018 s62: consultation)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import EventFactory, LinkFactory, LocationFactory, PersonFactory, PhoneFactory
from vigil.audit.selectors import person_history


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def child(investigator: Any) -> Any:
    return PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")


def consultations_by(username: str, child: Any) -> list[Any]:
    return list(person_history(child.pk).filter(username=username, action="consultation"))


def test_an_event_page_that_shows_the_person(investigator: Any, colleague: Any, child: Any):
    event = EventFactory(acting_user=investigator, people=[(child, "subject")])
    response = signed_in(colleague).get(reverse("event_detail", args=[event.pk]))
    assert response.status_code == 200 and "Kayleigh" in response.content.decode()
    entries = consultations_by(colleague.username, child)
    assert entries, "the event page showed the child but the audit does not say so"
    assert (entries[0].detail or {}).get("via") == f"shown on event {event.pk}"


@pytest.mark.parametrize("kind", ["location", "poleobject", "person"])
def test_another_records_page_that_lists_the_person(
    investigator: Any, colleague: Any, child: Any, kind: str
):
    if kind == "location":
        other = LocationFactory(acting_user=investigator, name="Station Hotel")
        link_type, page = "found_at", "location_detail"
    elif kind == "poleobject":
        other = PhoneFactory(acting_user=investigator)
        link_type, page = "uses_phone", "object_detail"
    else:
        other = PersonFactory(acting_user=investigator, given_names="Lee", family_name="Marsh")
        link_type, page = "associate_of", "person_detail"
    LinkFactory(
        acting_user=investigator,
        link_type=link_type,
        source_entity=child,
        target_entity=other,
        source="Seen together",
    )
    response = signed_in(colleague).get(reverse(page, args=[other.pk]))
    assert response.status_code == 200
    if "Kayleigh" not in response.content.decode():
        pytest.skip(f"the {kind} page does not show the people linked to it")
    assert consultations_by(colleague.username, child)


def test_a_search_result_list(colleague: Any, child: Any) -> None:
    response = signed_in(colleague).get(reverse("search"), {"q": "Kayleigh Smith"})
    assert "Kayleigh" in response.content.decode()
    entries = consultations_by(colleague.username, child)
    assert [(e.detail or {}).get("via") for e in entries] == ["search"]


def test_an_api_list(colleague: Any, child: Any) -> None:
    response = signed_in(colleague).get("/api/people/", {"q": "Kayleigh"})
    assert response.status_code == 200 and "Kayleigh" in response.content.decode()
    assert consultations_by(colleague.username, child)


def test_the_auditor_sees_each_way_it_was_seen(
    investigator: Any, colleague: Any, outsider: Any, child: Any
):
    event = EventFactory(acting_user=investigator, people=[(child, "subject")])
    looker = signed_in(colleague)
    looker.get(reverse("event_detail", args=[event.pk]))
    looker.get(reverse("search"), {"q": "Kayleigh Smith"})
    html = signed_in(outsider).get(reverse("audit_person", args=[child.pk])).content.decode()
    assert f"via shown on event {event.pk}" in html
    assert "via search" in html
