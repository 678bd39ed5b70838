"""Restricting a record to named people and teams: everyone else gets a 404 and finds it in
no search, list, count or export; lifting it is a supervisor's decision."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tests.conftest import make_user
from tests.factories import EventFactory, LinkFactory, PersonFactory
from vigil.accounts import services
from vigil.accounts.access import can_see_record
from vigil.accounts.models import Role, Team
from vigil.audit.models import Action, AuditEntry
from vigil.people import selectors


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def restricted(investigator: Any) -> Any:
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Hidden")
    services.restrict_record(acting_user=investigator, record=child, reason="Relative of staff")
    return child


def test_only_named_people_see_a_restricted_record(restricted, investigator, colleague):
    assert can_see_record(investigator, restricted)  # who restricted it stays named
    assert not can_see_record(colleague, restricted)  # even in the same agency


def test_others_get_a_404_and_find_nothing(restricted, colleague):
    client = signed_in(colleague)
    assert client.get(reverse("person_detail", args=[restricted.pk])).status_code == 404
    assert client.get(f"/api/people/{restricted.pk}/").status_code == 404
    listing = client.get("/api/people/").json()
    assert listing["count"] == 0
    assert selectors.search(colleague, text="Kayleigh").people == []
    html = client.get(reverse("search"), {"q": "Kayleigh Hidden"}).content.decode()
    assert "Hidden" not in html.replace('value="Kayleigh Hidden"', "")
    assert not AuditEntry.objects.filter(username=colleague.username).exists()


def test_a_restricted_person_leaves_other_records_quietly(restricted, investigator, colleague):
    adult = PersonFactory(acting_user=investigator, given_names="Marcus")
    LinkFactory(acting_user=investigator, source_entity=restricted, target_entity=adult)
    EventFactory(
        acting_user=investigator,
        summary="Seen together",
        people=[(restricted, "victim"), (adult, "suspect")],
    )
    html = signed_in(colleague).get(reverse("person_detail", args=[adult.pk])).content.decode()
    assert "Seen together" in html  # the event is not restricted
    assert "Kayleigh" not in html  # but the restricted person is nowhere on it
    assert selectors.links_of(colleague, adult).count == 0


def test_a_named_team_sees_it(investigator, police, colleague):
    team = Team.objects.create(agency=police, name="CSE team")
    member = make_user("member", police, Role.CSE_INVESTIGATOR, team=team)
    child = PersonFactory(acting_user=investigator)
    services.restrict_record(
        acting_user=investigator, record=child, reason="Covert operation", teams=[team]
    )
    assert can_see_record(member, child)
    assert not can_see_record(colleague, child)


def test_restricting_is_audited_with_who_may_see(investigator, colleague):
    child = PersonFactory(acting_user=investigator)
    services.restrict_record(
        acting_user=investigator, record=child, reason="Relative of staff", users=[colleague]
    )
    entry = AuditEntry.objects.filter(action=Action.ALTERATION).latest("id")
    assert entry.justification == "Relative of staff"
    assert entry.detail["restricted_to"] == ["analyst", "investigator"]


def test_lifting_is_for_a_named_supervisor(restricted, investigator, police, colleague):
    supervisor = make_user("sergeant", police, Role.SUPERVISOR, rank="sergeant")
    with pytest.raises(PermissionDenied):
        services.lift_restriction(acting_user=investigator, record=restricted, reason="Over")
    with pytest.raises(PermissionDenied):  # not named: cannot even see it
        services.lift_restriction(acting_user=supervisor, record=restricted, reason="Over")
    other = PersonFactory(acting_user=investigator)
    services.restrict_record(
        acting_user=investigator, record=other, reason="Covert", users=[supervisor]
    )
    with pytest.raises(ValidationError):
        services.lift_restriction(acting_user=supervisor, record=other, reason=" ")
    services.lift_restriction(acting_user=supervisor, record=other, reason="Operation over")
    assert can_see_record(colleague, other)


def test_cannot_restrict_twice_or_without_a_reason(restricted, investigator):
    with pytest.raises(ValidationError):
        services.restrict_record(acting_user=investigator, record=restricted, reason="Again")
    other = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError):
        services.restrict_record(acting_user=investigator, record=other, reason="")


def test_restrict_page(investigator, colleague):
    child = PersonFactory(acting_user=investigator)
    client = signed_in(investigator)
    url = reverse("record_restrict", args=["person", child.pk])
    assert "There is a problem" in client.post(url, {}).content.decode()
    assert can_see_record(colleague, child)
    response = client.post(url, {"reason": "Relative of staff", "users": [colleague.pk]})
    assert response.status_code == 302
    page = client.get(reverse("record_access", args=["person", child.pk])).content.decode()
    assert "Relative of staff" in page and "analyst" in page
    assert can_see_record(colleague, child)


def test_an_episode_and_a_protection_about_a_restricted_child_are_restricted_too(
    restricted, investigator, colleague
):
    """The timeline events, the missing episode and the police protection written about a
    restricted child tell no one else what the child's restriction hides."""
    from datetime import timedelta

    from django.utils import timezone

    from vigil.disruption.services import police_protection_start
    from vigil.missing.services import episode_report

    now = timezone.now()
    episode = episode_report(
        acting_user=investigator,
        child=restricted,
        reported_missing_at=now - timedelta(hours=5),
        reported_by_kind="parent",
        risk_level="high",
        risk_reason="Seen getting into a car with an older man",
        grading_officer="PS 123 Patel",
    )
    protection = police_protection_start(
        acting_user=investigator,
        child=restricted,
        taken_at=now - timedelta(hours=1),
        taken_from="Station Hotel",
        taken_to="Northshire police station",
        constable="PC 456 Jones",
        designated_officer="Insp 789 Khan",
    )
    for record in (episode, episode.event, protection, protection.event):
        assert can_see_record(investigator, record)
        assert not can_see_record(colleague, record), record
    client = signed_in(colleague)
    listed = client.get("/api/events/").content.decode()
    assert "Taken into police protection" not in listed
    assert str(episode.event.pk) not in [
        str(e["id"]) for e in client.get("/api/events/").json().get("results", [])
    ]
