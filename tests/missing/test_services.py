"""Missing-episode services: the episode life cycle, POLE writes on return, re-grading history,
the return home interview's status flow, and disclosures becoming intelligence."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.missing.conftest import at, record_return, report
from vigil.audit.models import Action, AuditEntry
from vigil.errors import StaleVersionError
from vigil.missing import services
from vigil.missing.models import MissingEpisode, ReturnHomeInterview, RiskGrading
from vigil.people import selectors as people_selectors
from vigil.people.models import Event, EventPerson, IntelligenceReport, Link

pytestmark = pytest.mark.django_db


def test_reporting_creates_a_missing_episode_event_on_the_childs_timeline(
    investigator: Any, world: dict[str, Any]
) -> None:
    child = world["child"]
    episode = report(investigator, child, at(2026, 3, 1, 21, 30), missing_from=world["home"])
    event = episode.event
    assert event.event_type == "missing_episode"
    assert event.summary == "Missing from Oakfield House"
    assert event.involved_people.get().person == child
    assert event.involved_locations.get().role == "reported_from"
    assert list(people_selectors.timeline(investigator, child)) == [event]
    assert episode.area == "Northam"  # defaults to the town missing from
    assert episode.gradings.get().grading_officer == "PS 1234 Hale"
    assert AuditEntry.objects.filter(
        action=Action.COLLECTION, object_type="missingepisode", object_id=str(episode.pk)
    ).exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"risk_level": "severe"}, "risk_level"),
        ({"risk_reason": "  "}, "risk_reason"),
        ({"grading_officer": ""}, "grading_officer"),
        ({"reported_by_kind": "aunt"}, "reported_by_kind"),
    ],
)
def test_reporting_refuses_bad_input_and_stores_nothing(
    investigator: Any, world: dict[str, Any], change: dict[str, str], field: str
) -> None:
    with pytest.raises(ValidationError) as raised:
        report(investigator, world["child"], at(2026, 3, 1), **change)
    assert field in raised.value.message_dict
    assert not MissingEpisode.objects.exists() and not Event.objects.exists()


def test_a_report_in_the_future_is_refused(investigator: Any, world: dict[str, Any]) -> None:
    from django.utils import timezone

    with pytest.raises(ValidationError, match="now or in the past"):
        report(investigator, world["child"], timezone.now() + timedelta(hours=2))


def test_a_child_still_missing_cannot_be_reported_missing_again(
    investigator: Any, world: dict[str, Any]
) -> None:
    first = report(investigator, world["child"], at(2026, 3, 1))
    with pytest.raises(ValidationError, match=f"still missing in {first.ref}"):
        report(investigator, world["child"], at(2026, 3, 2))
    record_return(investigator, first, at(2026, 3, 2, 9))
    assert report(investigator, world["child"], at(2026, 3, 3)).pk


def test_regrading_keeps_the_history_and_checks_the_version(
    investigator: Any, colleague: Any, world: dict[str, Any]
) -> None:
    episode = report(investigator, world["child"], at(2026, 3, 1, 21), risk_level="low")
    regraded = services.episode_regrade(
        acting_user=colleague,
        episode=episode,
        expected_version=episode.version,
        risk_level="high",
        reason="Intelligence: seen getting into a car with an adult male",
        grading_officer="Insp 77 Whitfield",
    )
    assert regraded.risk_level == "high" and regraded.version == 2
    assert [g.risk_level for g in RiskGrading.objects.filter(episode=episode)] == ["high", "low"]
    with pytest.raises(StaleVersionError):
        services.episode_regrade(
            acting_user=investigator,
            episode=episode,
            expected_version=1,
            risk_level="medium",
            reason="stale form",
            grading_officer="PC 1",
        )
    assert RiskGrading.objects.filter(episode=episode).count() == 2


def test_the_return_writes_pole_links_participants_and_opens_the_interview(
    investigator: Any, world: dict[str, Any]
) -> None:
    child, adult, hotel, car = world["child"], world["adult"], world["hotel"], world["car"]
    episode = report(investigator, child, at(2026, 3, 27, 22, 0))
    returned_at = at(2026, 3, 28, 11, 30)  # the clocks go forward the next night
    episode = record_return(
        investigator,
        episode,
        returned_at,
        found_at=hotel,
        found_with=[adult],
        vehicles=[car],
        intoxication_details="Smelled of alcohol",
        account="Says she stayed with friends",
    )
    assert episode.intoxicated  # details given means intoxicated
    links = {
        (link.link_type, link.target_entity) for link in Link.objects.filter(from_person=child)
    }
    assert links == {("found_with", adult), ("found_at", hotel), ("travelled_in", car)}
    link = Link.objects.get(link_type="found_at")
    assert link.source == f"Missing episode {episode.ref}" and str(link.last_seen) == "2026-03-28"

    event = Event.objects.get(pk=episode.event_id)
    assert event.ended_at == returned_at
    assert set(event.involved_people.values_list("person_id", "role")) == {
        (child.pk, EventPerson.Role.SUBJECT),
        (adult.pk, EventPerson.Role.FOUND_WITH),
    }
    assert event.involved_objects.get().role == "travelled_in"
    assert event.involved_locations.get().role == "found_at"
    # The adult's timeline shows the episode too.
    assert event in people_selectors.timeline(investigator, adult)

    interview = ReturnHomeInterview.objects.get(episode=episode)
    assert interview.status == "due"
    assert interview.due_at - returned_at == timedelta(hours=72)
    assert interview.history.get().status == "due"


def test_the_return_is_checked(investigator: Any, world: dict[str, Any]) -> None:
    child = world["child"]
    episode = report(investigator, child, at(2026, 3, 1, 21))
    with pytest.raises(ValidationError) as raised:
        record_return(investigator, episode, at(2026, 3, 1, 20), found_with=[child])
    assert set(raised.value.message_dict) == {"returned_at", "found_with"}
    with pytest.raises(ValidationError):
        record_return(investigator, episode, at(2026, 3, 2), how_returned="teleported")
    record_return(investigator, episode, at(2026, 3, 2))
    episode.refresh_from_db()
    with pytest.raises(ValidationError, match="already recorded"):
        record_return(investigator, episode, at(2026, 3, 3))
    assert ReturnHomeInterview.objects.count() == 1


def test_a_new_place_and_a_new_vehicle_are_added_on_return(
    investigator: Any, world: dict[str, Any]
) -> None:
    episode = report(investigator, world["child"], at(2026, 3, 1, 21))
    episode = record_return(
        investigator,
        episode,
        at(2026, 3, 2, 3),
        new_place={
            "name": "Palace Grill",
            "premises_type": "takeaway",
            "address_line_1": "52 High Street",
            "town": "Northam",
        },
        vehicle_marks=["ab12cde", "XY66 ZZZ"],
    )
    assert episode.found_at.name == "Palace Grill"
    # The known car is reused (same registration), the other added.
    assert sorted(v.vrm for v in episode.vehicles.all()) == ["AB12 CDE", "XY66 ZZZ"]
    assert world["car"] in episode.vehicles.all()


def test_interview_status_flow(investigator: Any, police: Any, world: dict[str, Any]) -> None:
    episode = report(investigator, world["child"], at(2026, 3, 1, 21))
    episode = record_return(investigator, episode, at(2026, 3, 2, 9))
    interview = episode.return_interview

    def move(status: str, when: Any, **extra: Any) -> ReturnHomeInterview:
        return services.rhi_set_status(
            acting_user=investigator,
            interview=interview,
            expected_version=ReturnHomeInterview.objects.get(pk=interview.pk).version,
            status=status,
            at=when,
            **extra,
        )

    with pytest.raises(ValidationError, match="on or after the child's return"):
        move("offered", at(2026, 3, 2, 8))
    with pytest.raises(ValidationError, match="why"):
        move("not_possible", at(2026, 3, 2, 10))
    offered = move("offered", at(2026, 3, 2, 10), offered_by=police, interviewer="J Bloggs")
    assert offered.offered_at == at(2026, 3, 2, 10) and offered.offered_by == police
    completed = move("completed", at(2026, 3, 3, 15))
    assert completed.status == "completed" and completed.completed_at == at(2026, 3, 3, 15)
    with pytest.raises(ValidationError, match="cannot become"):
        move("declined", at(2026, 3, 4))
    assert [h.status for h in completed.history.all()] == ["due", "offered", "completed"]
    with pytest.raises(StaleVersionError):
        services.rhi_set_status(
            acting_user=investigator,
            interview=interview,
            expected_version=1,
            status="declined",
            at=at(2026, 3, 4),
        )


def test_a_disclosure_becomes_intelligence_once(investigator: Any, world: dict[str, Any]) -> None:
    episode = report(investigator, world["child"], at(2026, 3, 1, 21))
    episode = record_return(investigator, episode, at(2026, 3, 2, 9), found_at=world["hotel"])
    disclosure = services.disclosure_add(
        acting_user=investigator,
        interview=episode.return_interview,
        text="Lee takes us to the hotel and gives us vodka.",
    )
    report_ = services.disclosure_to_intelligence(
        acting_user=investigator,
        disclosure=disclosure,
        summary="RHI: taken to Station Hotel and given alcohol",
        source_evaluation="2",
        intelligence_assessment="A",
        handling_code="P",
    )
    assert isinstance(report_, IntelligenceReport)
    assert report_.text == disclosure.text and report_.grading == "2AP"
    assert report_.event.involved_people.get().person == world["child"]
    assert report_.event.reference == episode.ref
    with pytest.raises(ValidationError, match="already recorded"):
        services.disclosure_to_intelligence(
            acting_user=investigator,
            disclosure=disclosure,
            summary="again",
            source_evaluation="2",
            intelligence_assessment="A",
            handling_code="P",
        )
    assert IntelligenceReport.objects.count() == 1


@pytest.mark.skipif(
    services.observation_service() is None, reason="the safeguarding app has no observations yet"
)
def test_a_disclosure_becomes_observations_once(investigator: Any, world: dict[str, Any]) -> None:
    episode = report(investigator, world["child"], at(2026, 3, 1, 21))
    episode = record_return(investigator, episode, at(2026, 3, 2, 9))
    disclosure = services.disclosure_add(
        acting_user=investigator,
        interview=episode.return_interview,
        text="He bought me a new phone.",
    )
    rows = services.disclosure_to_observation(
        acting_user=investigator,
        disclosure=disclosure,
        codes=["WS-IDN-UNEXPLAINED-GIFTS"],
        observed_on=at(2026, 3, 3).date(),
    )
    assert [row.code for row in rows] == ["WS-IDN-UNEXPLAINED-GIFTS"]
    assert rows[0].source == "rhi"
    disclosure.refresh_from_db()
    assert disclosure.observation_ref == f"observation-{rows[0].pk}"
    with pytest.raises(ValidationError, match="already recorded"):
        services.disclosure_to_observation(
            acting_user=investigator,
            disclosure=disclosure,
            codes=["WS-IDN-UNEXPLAINED-GIFTS"],
            observed_on=at(2026, 3, 3).date(),
        )


def test_partners_and_outsiders_cannot_write(
    investigator: Any, partner: Any, outsider: Any, world: dict[str, Any]
) -> None:
    with pytest.raises(PermissionDenied):
        report(outsider, world["child"], at(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        report(partner, world["child"], at(2026, 3, 1))  # cannot see the police's child
    episode = report(investigator, world["child"], at(2026, 3, 1))
    with pytest.raises(PermissionDenied):
        record_return(partner, episode, at(2026, 3, 2))
    with pytest.raises(PermissionDenied):
        services.episode_regrade(
            acting_user=partner,
            episode=episode,
            expected_version=1,
            risk_level="high",
            reason="x",
            grading_officer="y",
        )
