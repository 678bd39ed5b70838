"""event_create/event_update, intelligence_report_create, link_create/link_update."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import (
    EventFactory,
    IntelligenceReportFactory,
    LinkFactory,
    LocationFactory,
    PersonFactory,
    PhoneFactory,
    VehicleFactory,
)
from vigil.audit.models import Action, AuditEntry
from vigil.errors import StaleVersionError
from vigil.people import services
from vigil.people.models import (
    Event,
    EventPerson,
    EventType,
    IntelligenceReport,
    Link,
)

LONDON = ZoneInfo("Europe/London")
WHEN = datetime(2024, 3, 1, 21, 30, tzinfo=LONDON)


def entries(record: object, action: str) -> int:
    return AuditEntry.objects.filter(
        object_type=record._meta.model_name,  # type: ignore[attr-defined]
        object_id=str(record.pk),  # type: ignore[attr-defined]
        action=action,
    ).count()


# --- Events -----------------------------------------------------------------------------------


def test_event_is_recorded_with_its_participants(investigator):
    child = PersonFactory(acting_user=investigator)
    suspect = PersonFactory(acting_user=investigator)
    car = VehicleFactory(acting_user=investigator)
    hotel = LocationFactory(acting_user=investigator)
    event = services.event_create(
        acting_user=investigator,
        event_type=EventType.INCIDENT,
        occurred_at=WHEN,
        summary=" Found in a hotel room ",
        people=[(child, "victim"), (suspect, "suspect"), (child, "victim")],
        objects=[(car, "travelled_in")],
        locations=[(hotel, "found_at")],
    )
    assert event.summary == "Found in a hotel room"
    assert event.owning_agency == investigator.agency
    assert sorted(event.involved_people.values_list("person_id", "role")) == sorted(
        [(child.pk, "victim"), (suspect.pk, "suspect")]
    )
    assert list(event.involved_objects.values_list("pole_object_id", "role")) == [
        (car.pk, "travelled_in")
    ]
    assert list(event.involved_locations.values_list("location_id", "role")) == [
        (hotel.pk, "found_at")
    ]
    assert entries(event, Action.COLLECTION) == 1


def test_event_with_an_unknown_role_saves_nothing(investigator):
    child = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError):
        services.event_create(
            acting_user=investigator,
            event_type=EventType.CONCERN,
            occurred_at=WHEN,
            summary="x",
            people=[(child, "ringleader")],
        )
    assert not Event.objects.exists()
    assert not EventPerson.objects.exists()
    assert not AuditEntry.objects.filter(object_type="event").exists()


def test_event_end_must_follow_its_start(investigator):
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            acting_user=investigator,
            event_type=EventType.MISSING_EPISODE,
            occurred_at=WHEN,
            ended_at=WHEN - timedelta(hours=1),
            summary="Missing from placement",
        )
    assert "ended_at" in caught.value.message_dict
    assert not Event.objects.exists()


def test_event_needs_a_known_type_and_a_summary(investigator):
    with pytest.raises(ValidationError) as caught:
        services.event_create(
            acting_user=investigator, event_type="rumour", occurred_at=WHEN, summary=""
        )
    assert {"event_type", "summary"} <= set(caught.value.message_dict)


def test_event_cannot_involve_a_record_the_user_cannot_see(investigator, partner):
    child = PersonFactory(acting_user=investigator)
    with pytest.raises(PermissionDenied):
        services.event_create(
            acting_user=partner,
            event_type=EventType.REFERRAL,
            occurred_at=WHEN,
            summary="Referral",
            people=[(child, "subject")],
        )
    assert not Event.objects.exists()


def test_event_update_changes_fields_and_adds_participants(investigator):
    child = PersonFactory(acting_user=investigator)
    event = EventFactory(acting_user=investigator, people=[(child, "subject")])
    phone = PhoneFactory(acting_user=investigator)
    updated = services.event_update(
        acting_user=investigator,
        event=event,
        expected_version=1,
        summary="Updated",
        add_objects=[(phone, "used")],
    )
    assert updated.version == 2 and updated.summary == "Updated"
    assert event.involved_objects.get().pole_object == phone
    assert entries(event, Action.ALTERATION) == 1


def test_event_update_with_a_stale_version_changes_nothing(investigator):
    event = EventFactory(acting_user=investigator, summary="Original")
    services.event_update(acting_user=investigator, event=event, expected_version=1, summary="A")
    with pytest.raises(StaleVersionError):
        services.event_update(
            acting_user=investigator, event=event, expected_version=1, summary="B"
        )
    event.refresh_from_db()
    assert event.summary == "A" and event.version == 2


def test_event_update_with_bad_input_changes_nothing(investigator):
    event = EventFactory(acting_user=investigator, summary="Original")
    with pytest.raises(ValidationError):
        services.event_update(
            acting_user=investigator,
            event=event,
            expected_version=1,
            summary="Changed",
            ended_at=event.occurred_at - timedelta(days=1),
        )
    event.refresh_from_db()
    assert event.summary == "Original" and event.version == 1


# --- Intelligence reports ---------------------------------------------------------------------


def test_intelligence_report_is_graded_and_on_the_subjects_timeline(investigator):
    child = PersonFactory(acting_user=investigator)
    report = services.intelligence_report_create(
        acting_user=investigator,
        subjects=[child],
        occurred_at=WHEN,
        summary="Collected from school",
        text=" Collected from school by an adult male in a silver car. ",
        source_evaluation="1",
        intelligence_assessment="A",
        handling_code="P",
        handling_conditions="ignored for P",
    )
    assert report.grading == "1AP"
    assert report.handling_conditions == ""
    assert report.text.startswith("Collected")
    assert report.event.event_type == EventType.INTELLIGENCE_REPORT
    assert report.event.involved_people.get().person == child
    assert entries(report.event, Action.COLLECTION) == 1


def test_handling_code_c_needs_conditions(investigator):
    child = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        IntelligenceReportFactory(acting_user=investigator, subjects=[child], handling_code="C")
    assert "handling_conditions" in caught.value.message_dict
    report = IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[child],
        handling_code="C",
        handling_conditions="Not to be shared outside the MASH",
    )
    assert report.grading == "2BC"
    assert report.handling_conditions == "Not to be shared outside the MASH"


@pytest.mark.parametrize(
    "missing", ["source_evaluation", "intelligence_assessment", "handling_code"]
)
def test_all_three_gradings_are_required(investigator, missing):
    child = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        IntelligenceReportFactory(acting_user=investigator, subjects=[child], **{missing: ""})
    assert missing in caught.value.message_dict
    assert not IntelligenceReport.objects.exists()
    # The event the report would have hung on is rolled back with it.
    assert not Event.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [("source_evaluation", "4"), ("intelligence_assessment", "F"), ("handling_code", "X")],
)
def test_gradings_outside_3x5x2_are_refused(investigator, field, value):
    child = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        IntelligenceReportFactory(acting_user=investigator, subjects=[child], **{field: value})
    assert field in caught.value.message_dict
    assert not Event.objects.exists()


def test_intelligence_report_needs_a_subject(investigator):
    with pytest.raises(ValidationError) as caught:
        IntelligenceReportFactory(acting_user=investigator, subjects=[])
    assert "subjects" in caught.value.message_dict


# --- Links ------------------------------------------------------------------------------------


def test_link_between_people(investigator):
    mum = PersonFactory(acting_user=investigator)
    child = PersonFactory(acting_user=investigator)
    link = services.link_create(
        acting_user=investigator,
        link_type="parent_of",
        source_entity=mum,
        target_entity=child,
        source=" Birth certificate ",
        first_seen=date(2010, 3, 14),
    )
    assert link.source_entity == mum and link.target_entity == child
    assert link.source == "Birth certificate"
    assert link.owning_agency == investigator.agency
    assert entries(link, Action.COLLECTION) == 1


def test_link_person_to_vehicle_and_location(investigator):
    driver = PersonFactory(acting_user=investigator)
    car = VehicleFactory(acting_user=investigator)
    hotel = LocationFactory(acting_user=investigator)
    drives = LinkFactory(
        acting_user=investigator,
        link_type="drives_vehicle",
        source_entity=driver,
        target_entity=car,
    )
    seen = LinkFactory(
        acting_user=investigator, link_type="seen_at", source_entity=car, target_entity=hotel
    )
    assert (drives.from_person, drives.to_object) == (driver, car)
    assert (seen.from_object, seen.to_location) == (car, hotel)


@pytest.mark.parametrize(
    ("link_type", "message"),
    [("lives_at", "a 'lives at' link joins a person to a location"), ("married", "not a known")],
)
def test_link_type_must_fit_the_kinds_joined(investigator, link_type, message):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        LinkFactory(
            acting_user=investigator, link_type=link_type, source_entity=one, target_entity=other
        )
    assert message in caught.value.message_dict["link_type"][0]
    assert not Link.objects.exists()


def test_a_record_cannot_be_linked_to_itself(investigator):
    person = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        LinkFactory(acting_user=investigator, source_entity=person, target_entity=person)
    assert "target" in caught.value.message_dict
    assert not Link.objects.exists()


def test_first_seen_after_last_seen_is_refused(investigator):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        LinkFactory(
            acting_user=investigator,
            source_entity=one,
            target_entity=other,
            first_seen=date(2024, 5, 2),
            last_seen=date(2024, 5, 1),
        )
    assert "last_seen" in caught.value.message_dict
    assert not Link.objects.exists()


def test_link_needs_a_source(investigator):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        LinkFactory(acting_user=investigator, source_entity=one, target_entity=other, source=" ")
    assert "source" in caught.value.message_dict


def test_partner_cannot_link_to_a_police_record(investigator, partner):
    police_person = PersonFactory(acting_user=investigator)
    council_person = PersonFactory(acting_user=partner)
    with pytest.raises(PermissionDenied):
        LinkFactory(acting_user=partner, source_entity=council_person, target_entity=police_person)
    assert not Link.objects.exists()


def test_link_update(investigator):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    link = LinkFactory(acting_user=investigator, source_entity=one, target_entity=other)
    services.link_update(
        acting_user=investigator, link=link, expected_version=1, last_seen=date(2024, 6, 1)
    )
    link.refresh_from_db()
    assert link.last_seen == date(2024, 6, 1) and link.version == 2
    assert entries(link, Action.ALTERATION) == 1


def test_link_update_refuses_first_seen_after_last_seen_and_changes_nothing(investigator):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    link = LinkFactory(
        acting_user=investigator,
        source_entity=one,
        target_entity=other,
        last_seen=date(2024, 5, 1),
    )
    with pytest.raises(ValidationError):
        services.link_update(
            acting_user=investigator,
            link=link,
            expected_version=1,
            first_seen=date(2024, 6, 1),
            notes="changed",
        )
    link.refresh_from_db()
    assert (link.first_seen, link.notes, link.version) == (None, "", 1)


def test_link_update_with_a_stale_version_changes_nothing(investigator, colleague):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    link = LinkFactory(acting_user=investigator, source_entity=one, target_entity=other)
    services.link_update(acting_user=colleague, link=link, expected_version=1, notes="first")
    with pytest.raises(StaleVersionError):
        services.link_update(acting_user=investigator, link=link, expected_version=1, notes="2nd")
    link.refresh_from_db()
    assert link.notes == "first"
