"""Disruption records for the Northshire demo, built through the services on top of
`vigil.synthetic.demo_area.build_demo_area()`: a hotel operator account for the Station Hotel,
a served hotel information notice with a return overdue, a CAWN warning Lee Marsh about
Kayleigh, and a draft sexual risk order application with its evidence."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction

from vigil.accounts.models import Agency, AgencyKind, Role, User
from vigil.disruption import services
from vigil.disruption.models import HotelInformationNotice
from vigil.people.models import IntelligenceReport, Location, Person

OPERATOR_USERNAME = "stationhotel"


@transaction.atomic
def build_disruption_demo(password: str, today: date | None = None) -> dict[str, Any]:
    """Idempotent: does nothing if the demo's hotel notice already exists."""
    from django.utils import timezone

    today = today or timezone.localdate()
    hotel = Location.objects.filter(name="Station Hotel").order_by("pk").first()
    if hotel is None:
        return {}
    existing = HotelInformationNotice.objects.filter(premises=hotel).first()
    if existing is not None:
        return {"hotel_notice": existing}
    investigator = User.objects.get(username="investigator")
    inspector = User.objects.get(username="supervisor")
    operators, _ = Agency.objects.get_or_create(
        name="Station Hotel (Northam) Ltd", defaults={"kind": AgencyKind.PREMISES_OPERATOR}
    )
    operator = User.objects.filter(username=OPERATOR_USERNAME).first() or User(
        username=OPERATOR_USERNAME
    )
    operator.first_name, operator.last_name = "Pat", "Owner"
    operator.agency, operator.role = operators, Role.HOTEL_OPERATOR
    operator.set_password(password)
    operator.save()

    intel = IntelligenceReport.objects.filter(event__summary__contains="Station Hotel").first()
    evidence = [intel.event] if intel else []
    issued_on = today - timedelta(days=16)
    notice = services.hotel_notice_draft(
        acting_user=investigator,
        premises=hotel,
        recipient_name="Pat Owner",
        recipient_capacity="manager",
        grounds="Intelligence graded 2BP that Lee Marsh takes girls from Oakfield House to the "
        "hotel at weekends, where older men are present; Kayleigh Smith was found in a room "
        "booked by J. Cole.",
        information_required=[
            "guest_names",
            "guest_addresses",
            "stay_dates",
            "room",
            "booked_by",
            "vehicle_registration",
        ],
        frequency="weekly",
        period_end=issued_on + timedelta(days=150),
        evidence=evidence,
    )
    notice = services.hotel_notice_issue(
        acting_user=inspector, notice=notice, expected_version=notice.version, issued_on=issued_on
    )
    notice = services.hotel_notice_serve(
        acting_user=investigator,
        notice=notice,
        expected_version=notice.version,
        served_on=issued_on,
        served_how="in_person",
    )
    services.operator_access_grant(acting_user=investigator, operator=operator, premises=hotel)

    # The first-made of each (the demo also holds look-alike records for linkage).
    people = Person.objects.order_by("pk")
    kayleigh = people.filter(given_names="Kayleigh", family_name="Smith").first()
    lee = people.filter(given_names="Lee", family_name="Marsh").first()
    assert kayleigh is not None and lee is not None
    # Issued after the stop check at Riverside Park (139 days before the demo's today), and
    # reviewed since, with the next review falling due soon.
    cawn = services.cawn_issue(
        acting_user=investigator,
        subject=lee,
        child=kayleigh,
        child_in_care=True,
        agreed_by="local_authority",
        agreed_by_name="Tom Reyes, Northshire Council Children's Services",
        issued_on=today - timedelta(days=135),
        grounds="Found with Kayleigh in his car at Riverside Park at 02:15 (SC/22871).",
    )
    cawn = services.cawn_record_service(
        acting_user=investigator,
        cawn=cawn,
        expected_version=cawn.version,
        served_on=today - timedelta(days=134),
        served_how="in_person",
    )
    cawn = services.cawn_review(
        acting_user=inspector,
        cawn=cawn,
        expected_version=cawn.version,
        next_review_on=today + timedelta(days=10),
        note="Reviewed with the social worker: contact is continuing; keep the notice in force.",
    )
    order = services.order_draft_create(
        acting_user=investigator,
        kind="sro",
        subject=lee,
        grounds="Repeated association with looked-after girls; CAWN breached.",
        evidence=evidence,
        protected_children=[kayleigh],
    )
    services.order_prohibition_add(
        acting_user=investigator,
        order=order,
        prohibition_type="general",
        wording="Not to be in the company of any female under 18 without the knowledge of her "
        "parent or guardian.",
        until=None,
        until_further_order=True,
    )
    return {"hotel_notice": notice, "cawn": cawn, "order": order, "operator": operator}
