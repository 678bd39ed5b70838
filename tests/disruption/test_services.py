"""Disruption services: eligibility, periods and rank enforced; breaches become timeline events;
every write audited; returns all-or-nothing; guests reach the POLE store only by import."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.disruption.conftest import days_ago, issue_hotel_notice
from tests.factories import EventFactory, IntelligenceReportFactory, PersonFactory
from vigil.accounts.models import User
from vigil.audit.models import Action, AuditEntry
from vigil.disruption import selectors, services
from vigil.disruption.models import (
    HotelInformationNotice,
    HotelReturn,
    HotelReturnGuest,
    NoticeStage,
    OrderStage,
    PreventionOrder,
)
from vigil.people import selectors as people_selectors
from vigil.people.models import Link, Location, Person, PoleObject

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def audit_actions(object_type: str, pk: int) -> list[str]:
    return list(
        AuditEntry.objects.filter(object_type=object_type, object_id=str(pk)).values_list(
            "action", flat=True
        )
    )


# --- CAWN -------------------------------------------------------------------------------------


def cawn(user: User, subject: Person, child: Person, **overrides: Any) -> Any:
    fields: dict[str, Any] = {
        "acting_user": user,
        "subject": subject,
        "child": child,
        "child_in_care": False,
        "agreed_by": "parent",
        "agreed_by_name": "Donna Smith (mother)",
        "issued_on": days_ago(10),
    }
    fields.update(overrides)
    return services.cawn_issue(**fields)


def test_cawn_issue_sets_expiry_and_review_and_is_audited(
    investigator: User, adult: Person, child: Person
) -> None:
    notice = cawn(investigator, adult, child)
    assert child.date_of_birth is not None
    assert notice.expires_on == child.date_of_birth.replace(year=child.date_of_birth.year + 16)
    assert notice.review_on > notice.issued_on
    assert notice.issuing_officer == investigator
    assert audit_actions("childabductionwarningnotice", notice.pk) == [Action.COLLECTION]


def test_cawn_refuses_a_16_year_old_living_at_home_but_not_in_care(
    investigator: User, adult: Person
) -> None:
    today = timezone.localdate()
    sixteen = PersonFactory(
        acting_user=investigator, date_of_birth=date(today.year - 17, 1, 1) + timedelta(days=200)
    )
    with pytest.raises(ValidationError) as error:
        cawn(investigator, adult, sixteen)
    assert "under 16" in error.value.message_dict["child"][0]
    assert cawn(investigator, adult, sixteen, child_in_care=True).child_in_care


def test_cawn_needs_the_childs_date_of_birth_and_an_adult_subject(
    investigator: User, adult: Person, child: Person
) -> None:
    unknown = PersonFactory(acting_user=investigator, date_of_birth=None)
    with pytest.raises(ValidationError, match="date of birth"):
        cawn(investigator, adult, unknown)
    with pytest.raises(ValidationError, match="adult"):
        cawn(investigator, child, adult)


def test_partner_and_outsider_cannot_issue(
    partner: User, outsider: User, adult: Person, child: Person
) -> None:
    for user in (partner, outsider):
        with pytest.raises(PermissionDenied):
            cawn(user, adult, child)


def test_breach_of_cawn_is_an_event_on_both_timelines_with_evidence(
    investigator: User, adult: Person, child: Person
) -> None:
    notice = cawn(investigator, adult, child)
    sighting = EventFactory(acting_user=investigator, event_type="stop_check")
    intel = IntelligenceReportFactory(acting_user=investigator, subjects=[adult])
    breach = services.breach_record(
        acting_user=investigator,
        tool=notice,
        occurred_at=at(days_ago(2), 23),
        description="Found with the child in his car at Riverside Park",
        evidence=[sighting, intel.event],
    )
    assert "Child Abduction Act 1984 s2" in breach.offence
    assert set(breach.evidence.all()) == {sighting, intel.event}
    for person in (adult, child):
        timeline = people_selectors.timeline(investigator, person)
        assert breach.event in timeline
    roles = {row.person: row.role for row in breach.event.involved_people.all()}
    assert roles == {adult: "suspect", child: "victim"}
    notice.refresh_from_db()
    assert notice.version == 2


def test_breach_before_the_notice_is_refused(
    investigator: User, adult: Person, child: Person
) -> None:
    notice = cawn(investigator, adult, child)
    with pytest.raises(ValidationError, match="not in force"):
        services.breach_record(
            acting_user=investigator,
            tool=notice,
            occurred_at=at(days_ago(30)),
            description="Earlier sighting",
        )


def test_breach_evidence_the_user_cannot_see_is_refused(
    investigator: User, other_force_officer: User, adult: Person, child: Person
) -> None:
    notice = cawn(investigator, adult, child)
    hidden = EventFactory(acting_user=other_force_officer, access_level="restricted")
    with pytest.raises(PermissionDenied):
        services.breach_record(
            acting_user=investigator,
            tool=notice,
            occurred_at=at(days_ago(1)),
            description="x",
            evidence=[hidden],
        )


# --- SHPO and SRO -----------------------------------------------------------------------------


def draft_order(user: User, subject: Person, kind: str = "shpo") -> PreventionOrder:
    evidence = IntelligenceReportFactory(acting_user=user, subjects=[subject]).event
    return services.order_draft_create(
        acting_user=user,
        kind=kind,
        subject=subject,
        grounds="Grooming of looked-after girls",
        evidence=[evidence],
    )


def test_order_lifecycle_with_period_validation(
    investigator: User, adult: Person, child: Person
) -> None:
    order = draft_order(investigator, adult)
    made_on = days_ago(5)
    services.order_prohibition_add(
        acting_user=investigator,
        order=order,
        prohibition_type="general",
        wording="Not to contact any female under 18",
        until=None,
        until_further_order=True,
    )
    travel = services.order_prohibition_add(
        acting_user=investigator,
        order=order,
        prohibition_type="foreign_travel",
        wording="Not to travel outside the UK",
        until=made_on + timedelta(days=365 * 6),
        until_further_order=False,
    )
    order.refresh_from_db()
    order = services.order_apply(
        acting_user=investigator,
        order=order,
        expected_version=order.version,
        applied_on=days_ago(20),
        court="Northam Magistrates' Court",
    )
    with pytest.raises(ValidationError) as error:
        services.order_make(
            acting_user=investigator,
            order=order,
            expected_version=order.version,
            made_on=made_on,
            court="Northam Crown Court",
        )
    assert error.value.message_dict["made_on"][0].startswith("Prohibition 2: ")
    travel.until = made_on.replace(year=made_on.year + 5)
    travel.save()
    order = services.order_make(
        acting_user=investigator,
        order=order,
        expected_version=order.version,
        made_on=made_on,
        court="Northam Crown Court",
    )
    assert order.stage == OrderStage.MADE
    assert set(order.prohibitions.values_list("runs_from", flat=True)) == {made_on}

    renewed = services.order_prohibition_change(
        acting_user=investigator,
        order=order,
        prohibition=travel,
        kind="renewal",
        made_on=days_ago(1),
        court="Northam Crown Court",
        details="Renewed on application",
        wording=travel.wording,
        until=days_ago(1).replace(year=days_ago(1).year + 5),
        until_further_order=False,
    )
    travel.refresh_from_db()
    assert travel.ended_on == days_ago(1) and renewed.replaces == travel

    breach = services.breach_record(
        acting_user=investigator,
        tool=order,
        occurred_at=at(days_ago(1), 9),
        description="Messaged a 14-year-old on Snapchat",
    )
    assert "s103I" in breach.offence and "5 years" in breach.offence

    order.refresh_from_db()
    order = services.order_discharge(
        acting_user=investigator,
        order=order,
        expected_version=order.version,
        discharged_on=timezone.localdate(),
        court="Northam Crown Court",
        details="Discharged on appeal",
    )
    assert order.stage == OrderStage.DISCHARGED
    assert not order.prohibitions.filter(ended_on__isnull=True).exists()
    assert list(order.changes.values_list("kind", flat=True)) == ["renewal", "discharge"]


def test_sro_prohibition_under_two_years_is_refused_on_variation(
    investigator: User, adult: Person
) -> None:
    order = draft_order(investigator, adult, kind="sro")
    prohibition = services.order_prohibition_add(
        acting_user=investigator,
        order=order,
        prohibition_type="general",
        wording="Not to enter Riverside Park",
        until=days_ago(3).replace(year=days_ago(3).year + 2),
        until_further_order=False,
    )
    order.refresh_from_db()
    order = services.order_make(
        acting_user=investigator,
        order=order,
        expected_version=order.version,
        made_on=days_ago(3),
        court="Northam Magistrates' Court",
    )
    with pytest.raises(ValidationError) as error:
        services.order_prohibition_change(
            acting_user=investigator,
            order=order,
            prohibition=prohibition,
            kind="variation",
            made_on=days_ago(1),
            court="Northam Magistrates' Court",
            details="",
            wording="Not to enter any park",
            until=days_ago(1) + timedelta(days=365),
            until_further_order=False,
        )
    assert "at least 2 years" in error.value.message_dict["until"][0]


# --- Warnings ---------------------------------------------------------------------------------


def test_community_protection_notice_needs_a_written_warning_first(
    investigator: User, adult: Person, child: Person
) -> None:
    with pytest.raises(ValidationError) as error:
        services.warning_issue(
            acting_user=investigator,
            kind="community_protection_notice",
            subject=adult,
            issued_on=days_ago(2),
            terms="Stop loitering outside Oakfield House",
        )
    assert "written_warning_on" in error.value.message_dict
    warning = services.warning_issue(
        acting_user=investigator,
        kind="harassment_warning",
        subject=adult,
        protected_person=child,
        issued_on=days_ago(2),
        terms="Stop contacting Kayleigh",
    )
    warning = services.warning_record_service(
        acting_user=investigator,
        warning=warning,
        expected_version=warning.version,
        served_on=days_ago(2),
        served_how="in_person",
    )
    breach = services.breach_record(
        acting_user=investigator,
        tool=warning,
        occurred_at=at(days_ago(1)),
        description="Sent 14 messages",
    )
    assert "course of conduct" in breach.offence


# --- Police protection ------------------------------------------------------------------------


def test_police_protection_informing_and_outcome(investigator: User, child: Person) -> None:
    taken = timezone.now() - timedelta(hours=5)
    protection = services.police_protection_start(
        acting_user=investigator,
        child=child,
        taken_at=taken,
        taken_from="Station Hotel, room 12",
        taken_to="Oakfield House",
        constable="PC 1234 Jones",
        designated_officer="Insp. Whitfield",
    )
    assert protection.event in people_selectors.timeline(investigator, child)
    with pytest.raises(ValidationError, match="before the child was taken"):
        services.police_protection_record_informed(
            acting_user=investigator,
            protection=protection,
            expected_version=protection.version,
            local_authority_informed_at=taken - timedelta(minutes=1),
            local_authority_contact="EDT",
            parents_informed_at=None,
            parents_informed_who="",
        )
    protection = services.police_protection_record_informed(
        acting_user=investigator,
        protection=protection,
        expected_version=protection.version,
        local_authority_informed_at=taken + timedelta(minutes=30),
        local_authority_contact="Emergency duty team",
        parents_informed_at=taken + timedelta(hours=1),
        parents_informed_who="Donna Smith (mother)",
    )
    countdown = selectors.protection_countdown(protection)
    assert countdown["left"].hours in (66, 67) and not countdown["left"].passed
    protection = services.police_protection_end(
        acting_user=investigator,
        protection=protection,
        expected_version=protection.version,
        ended_at=timezone.now(),
        outcome="accommodated",
    )
    assert protection.outcome == "accommodated"
    assert audit_actions("policeprotection", protection.pk).count(Action.ALTERATION) == 2


def test_police_protection_is_for_children(investigator: User, adult: Person) -> None:
    with pytest.raises(ValidationError, match="under 18"):
        services.police_protection_start(
            acting_user=investigator,
            child=adult,
            taken_at=timezone.now(),
            taken_from="a",
            taken_to="b",
            constable="c",
            designated_officer="d",
        )


# --- Hotel information notices ----------------------------------------------------------------


def test_a_constable_may_draft_but_not_issue(
    constable: User, inspector: User, hotel: Location
) -> None:
    with pytest.raises(ValidationError) as error:
        issue_hotel_notice(drafter=constable, issuer=constable, premises=hotel)
    assert "at least inspector rank" in error.value.message_dict["issuing_officer"][0]
    draft = HotelInformationNotice.objects.get()
    assert draft.stage == NoticeStage.DRAFT and draft.issuing_officer is None
    issued = services.hotel_notice_issue(
        acting_user=inspector, notice=draft, expected_version=draft.version, issued_on=days_ago(1)
    )
    assert issued.stage == NoticeStage.ISSUED and issued.issuing_officer == inspector


def test_rankless_supervisor_cannot_issue(colleague: User, hotel: Location) -> None:
    with pytest.raises(ValidationError, match="inspector"):
        issue_hotel_notice(drafter=colleague, issuer=colleague, premises=hotel)


def test_period_over_six_months_is_refused(
    investigator: User, inspector: User, hotel: Location
) -> None:
    issued_on = days_ago(1)
    notice = services.hotel_notice_draft(
        acting_user=investigator,
        premises=hotel,
        recipient_name="Pat Owner",
        recipient_capacity="owner",
        grounds="Intelligence",
        information_required=["guest_names", "guest_addresses"],
        frequency="weekly",
        period_end=issued_on + timedelta(days=190),
    )
    with pytest.raises(ValidationError) as error:
        services.hotel_notice_issue(
            acting_user=inspector, notice=notice, expected_version=1, issued_on=issued_on
        )
    assert "at most 6 months" in error.value.message_dict["period_end"][0]


def test_notice_only_for_hotels_and_names_and_addresses_required(
    investigator: User, hotel: Location
) -> None:
    takeaway = Location.objects.create(
        name="Palace Grill",
        premises_type="takeaway",
        address_line_1="52 High Street",
        town="Northam",
        owning_agency=investigator.agency,
        created_by=investigator,
        updated_by=investigator,
    )
    fields: dict[str, Any] = {
        "acting_user": investigator,
        "recipient_name": "A",
        "recipient_capacity": "owner",
        "grounds": "g",
        "frequency": "weekly",
        "period_end": days_ago(-30),
    }
    with pytest.raises(ValidationError, match="hotel, B&B"):
        services.hotel_notice_draft(
            premises=takeaway, information_required=["guest_names", "guest_addresses"], **fields
        )
    with pytest.raises(ValidationError, match="names and addresses"):
        services.hotel_notice_draft(premises=hotel, information_required=["guest_names"], **fields)


def test_appeal_within_21_days_and_quashing(
    notice: HotelInformationNotice, investigator: User
) -> None:
    assert notice.served_on is not None
    with pytest.raises(ValidationError, match="within 21 days"):
        services.hotel_notice_record_appeal(
            acting_user=investigator,
            notice=notice,
            expected_version=notice.version,
            lodged_on=notice.served_on + timedelta(days=22),
        )
    notice = services.hotel_notice_record_appeal(
        acting_user=investigator,
        notice=notice,
        expected_version=notice.version,
        lodged_on=notice.served_on + timedelta(days=21),
        outcome="quashed",
        decided_on=notice.served_on + timedelta(days=21),
    )
    assert notice.stage == NoticeStage.QUASHED


# --- Returns ----------------------------------------------------------------------------------


GUEST = {
    "guest_name": "Jason Cole",
    "address": "9 Canal Street",
    "town": "Northam",
    "postcode": "NE4 5XY",
    "room": "12",
    "booked_by": "J. Cole",
    "vehicle_registration": "ab12 cde",
}


def first_period_start(notice: HotelInformationNotice) -> date:
    return selectors.compliance(notice)[0].period.start


def test_operator_submits_a_return_and_police_import_it_to_pole(
    notice: HotelInformationNotice, operator_with_access: User, investigator: User
) -> None:
    start = first_period_start(notice)
    hotel_return = services.hotel_return_submit(
        acting_user=operator_with_access,
        notice=notice,
        period_start=start,
        guests=[{**GUEST, "arrived_on": start.isoformat()}],
    )
    guest = hotel_return.guests.get()
    assert guest.vehicle_registration == "AB12 CDE" and guest.postcode == "NE4 5XY"
    assert audit_actions("hotelreturn", hotel_return.pk) == [Action.COLLECTION]
    # Not in the POLE store until an officer imports it.
    assert not people_selectors.search(investigator, text="Jason Cole").people

    assert services.hotel_return_import(acting_user=investigator, hotel_return=hotel_return) == 1
    found = people_selectors.search(investigator, text="Jason Cole").people
    assert [hit.person.full_name for hit in found] == ["Jason Cole"]
    person = found[0].person
    stayed = Link.objects.get(from_person=person, link_type="stayed_at")
    assert stayed.to_location == notice.premises and stayed.first_seen == start
    vehicle = PoleObject.objects.get(search_key="AB12CDE")
    assert Link.objects.filter(from_object=vehicle, to_location=notice.premises).exists()
    assert audit_actions("hotelreturn", hotel_return.pk) == [Action.COLLECTION] * 2
    # Importing again adds nothing.
    assert services.hotel_return_import(acting_user=investigator, hotel_return=hotel_return) == 0


def test_import_reuses_a_known_vehicle(
    notice: HotelInformationNotice, operator_with_access: User, investigator: User
) -> None:
    known = PoleObject.objects.create(
        kind="vehicle",
        vrm="AB12 CDE",
        search_key="AB12CDE",
        owning_agency=investigator.agency,
        created_by=investigator,
        updated_by=investigator,
    )
    start = first_period_start(notice)
    hotel_return = services.hotel_return_submit(
        acting_user=operator_with_access,
        notice=notice,
        period_start=start,
        guests=[{**GUEST, "arrived_on": start.isoformat()}],
    )
    services.hotel_return_import(acting_user=investigator, hotel_return=hotel_return)
    assert PoleObject.objects.filter(search_key="AB12CDE").count() == 1
    assert Link.objects.filter(to_object=known, link_type="travelled_in").exists()


def test_bad_rows_save_nothing_and_name_each_row(
    notice: HotelInformationNotice, operator_with_access: User
) -> None:
    start = first_period_start(notice)
    rows = [
        {**GUEST, "arrived_on": start.isoformat()},
        {**GUEST, "guest_name": "Cole", "arrived_on": start.isoformat()},
        {**GUEST, "arrived_on": "31/02/2026", "postcode": "XX"},
    ]
    with pytest.raises(services.ReturnRejected) as error:
        services.hotel_return_submit(
            acting_user=operator_with_access, notice=notice, period_start=start, guests=rows
        )
    messages = error.value.messages()
    assert any(m.startswith("Row 2: Enter the guest's full name") for m in messages)
    assert any(m.startswith("Row 3: Enter a real UK postcode") for m in messages)
    assert any(m.startswith("Row 3: Arrival date must be a real date") for m in messages)
    assert not HotelReturn.objects.exists() and not HotelReturnGuest.objects.exists()


def test_other_operator_cannot_submit(notice: HotelInformationNotice, other_operator: User) -> None:
    with pytest.raises(PermissionDenied):
        services.hotel_return_submit(
            acting_user=other_operator,
            notice=notice,
            period_start=first_period_start(notice),
            guests=[],
            nil_return=True,
        )


def test_overdue_returns_are_flagged_until_submitted(
    notice: HotelInformationNotice, operator_with_access: User, investigator: User
) -> None:
    overdue = selectors.overdue_returns(investigator)
    assert [item.notice for item in overdue] == [notice]
    missing = overdue[0].missing
    assert len(missing) == 2  # served 20 days ago, weekly, due 2 days after each week
    for row in missing:
        services.hotel_return_submit(
            acting_user=operator_with_access,
            notice=notice,
            period_start=row.period.start,
            guests=[],
            nil_return=True,
        )
    assert selectors.overdue_returns(investigator) == []
    states = [row.state for row in selectors.compliance(notice)]
    assert states[:2] == ["late", "late"]


def test_due_soon_lists_reviews_endings_and_police_protection(
    investigator: User, inspector: User, hotel: Location, adult: Person, child: Person
) -> None:
    notice = issue_hotel_notice(
        drafter=investigator, issuer=inspector, premises=hotel, issued_days_ago=140
    )
    services.police_protection_start(
        acting_user=investigator,
        child=child,
        taken_at=timezone.now() - timedelta(hours=80),
        taken_from="Park",
        taken_to="Oakfield House",
        constable="PC Jones",
        designated_officer="Insp. Whitfield",
    )
    items = selectors.due_soon(investigator)
    whats = [(type(item.record).__name__, item.what) for item in items]
    assert whats[0][0] == "PoliceProtection" and whats[0][1].startswith("Limit passed 8 hours")
    assert ("HotelInformationNotice", "Ends: consider a further notice") in whats
    assert any(item.record == notice for item in items)
