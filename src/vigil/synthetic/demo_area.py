"""A small, hand-shaped demo of Northshire, a fictional force area, built through the same
services the screens use. Every name is invented; any resemblance to a real case is chance.

It exercises every screen: a child in care with a nickname, her brother and mother, an adult
boyfriend-model suspect and his associate, their vehicle, phone and account, a hotel, a
takeaway and a park, and two years of events including graded intelligence."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db import transaction

from vigil.accounts.models import Agency, AgencyKind, Rank, Role, Team, User
from vigil.people import services
from vigil.people.models import EventLocation, EventObject, EventPerson, Person

DEMO_PASSWORD = "northshire-demo-2026"  # noqa: S105 - printed for testers; demo only
LONDON = ZoneInfo("Europe/London")


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    agency: str
    role: str
    rank: str = ""
    superuser: bool = False


AGENCIES = [
    ("Northshire Police", AgencyKind.POLICE),
    ("Northshire Council Children's Services", AgencyKind.CHILDRENS_SERVICES),
    ("Northshire Health NHS Trust", AgencyKind.HEALTH),
    ("Northshire Schools", AgencyKind.EDUCATION),
]

USERS = [
    DemoUser(
        "investigator", "Sam", "Okafor", "Northshire Police", Role.CSE_INVESTIGATOR, Rank.CONSTABLE
    ),
    DemoUser("analyst", "Priya", "Lund", "Northshire Police", Role.INTELLIGENCE_ANALYST),
    DemoUser(
        "supervisor", "Grace", "Whitfield", "Northshire Police", Role.SUPERVISOR, Rank.INSPECTOR
    ),
    DemoUser(
        "socialworker",
        "Tom",
        "Reyes",
        "Northshire Council Children's Services",
        Role.MASH_PRACTITIONER,
    ),
    DemoUser("nurse", "Alys", "Morgan", "Northshire Health NHS Trust", Role.PARTNER_PRACTITIONER),
    DemoUser("auditor", "Femi", "Adeyemi", "Northshire Police", Role.AUDITOR),
    DemoUser(
        "admin", "Robin", "Hale", "Northshire Police", Role.SYSTEM_ADMINISTRATOR, superuser=True
    ),
]


def enrol_demo_authenticators(users: Any) -> dict[str, str]:
    """Give each demo user an authenticator app (TOTP) so a tester can sign in; returns each
    user's secret in base32, the form authenticator apps accept. Kept across demo reloads."""
    from base64 import b32encode

    from django_otp.plugins.otp_totp.models import TOTPDevice

    secrets = {}
    for user in users:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
        if device is None:
            device = TOTPDevice.objects.create(user=user, name="Demo authenticator")
        secrets[user.username] = b32encode(device.bin_key).decode("ascii")
    return secrets


def demo_loaded() -> bool:
    return User.objects.filter(username="investigator").exists()


def _at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LONDON)


def _years_ago(today: date, years: int, days: int = 0) -> date:
    return date(today.year - years, today.month, min(today.day, 28)) - timedelta(days=days)


@transaction.atomic
def build_demo_area(today: date | None = None) -> dict[str, Any]:
    """Create the agencies, users and the demo records. Returns the main records by role."""
    today = today or date.today()
    agencies = {
        name: Agency.objects.get_or_create(name=name, defaults={"kind": kind})[0]
        for name, kind in AGENCIES
    }
    Team.objects.get_or_create(agency=agencies["Northshire Police"], name="CSE team")
    users = {}
    for spec in USERS:
        user = User.objects.filter(username=spec.username).first() or User(username=spec.username)
        user.first_name, user.last_name = spec.first_name, spec.last_name
        user.agency = agencies[spec.agency]
        user.role, user.rank = spec.role, spec.rank
        user.is_staff = user.is_superuser = spec.superuser
        user.set_password(DEMO_PASSWORD)
        user.save()
        users[spec.username] = user
    enrol_demo_authenticators(users.values())
    if Person.objects.exists():
        return {"users": users}

    police = users["investigator"]
    social = users["socialworker"]

    kayleigh = services.person_create(
        acting_user=police,
        given_names="Kayleigh",
        family_name="Smith",
        date_of_birth=_years_ago(today, 14, 40),
        gender="female",
        ethnicity="W1",
        nationality="British",
        languages=["English"],
        flags=["in_care"],
    )
    services.person_name_add(
        acting_user=police,
        person=kayleigh,
        name_type="nickname",
        given_names="Kay",
        source="Friends, per school safeguarding lead",
    )
    services.person_name_add(
        acting_user=police,
        person=kayleigh,
        name_type="alias",
        given_names="Kayleigh",
        family_name="Jones",
        source="Previous foster carer's surname",
    )
    services.person_identifier_add(
        acting_user=police,
        person=kayleigh,
        scheme="la_child",
        value="NS-204417",
        issuer="Northshire Council",
    )
    tyler = services.person_create(
        acting_user=police,
        given_names="Tyler",
        family_name="Smith",
        date_of_birth=_years_ago(today, 12, 100),
        gender="male",
        ethnicity="W1",
        nationality="British",
        languages=["English"],
    )
    donna = services.person_create(
        acting_user=police,
        given_names="Donna",
        family_name="Smith",
        date_of_birth=_years_ago(today, 36, 12),
        gender="female",
        ethnicity="W1",
    )
    lee = services.person_create(
        acting_user=police,
        given_names="Lee",
        family_name="Marsh",
        date_of_birth=_years_ago(today, 29, 210),
        gender="male",
        ethnicity="W1",
        flags=["suspect"],
    )
    services.person_name_add(
        acting_user=police,
        person=lee,
        name_type="nickname",
        given_names="Marshy",
        source="Intelligence report",
    )
    jason = services.person_create(
        acting_user=police,
        given_names="Jason",
        family_name="Cole",
        date_of_birth=_years_ago(today, 31, 5),
        gender="male",
        ethnicity="W9",
        flags=["suspect"],
    )
    chloe = services.person_create(
        acting_user=social,
        given_names="Chloe",
        family_name="Turner",
        date_of_birth=_years_ago(today, 15, 200),
        gender="female",
        ethnicity="M1",
    )
    catherine = services.person_create(
        acting_user=police,
        given_names="Catherine",
        family_name="Smyth",
        date_of_birth=_years_ago(today, 15, 3),
        gender="female",
        ethnicity="W2",
    )

    car = services.object_create(
        acting_user=police,
        kind="vehicle",
        vrm="ab12 cde",
        make="Vauxhall",
        model="Corsa",
        colour="Silver",
    )
    phone = services.object_create(acting_user=police, kind="phone", phone_number="07700 900123")
    snap = services.object_create(
        acting_user=police, kind="online_account", platform="Snapchat", handle="@marshy_29"
    )

    home = services.location_create(
        acting_user=social,
        name="Oakfield House",
        premises_type="childrens_home",
        address_line_1="14 Oakfield Road",
        town="Northam",
        postcode="NE1 4AB",
    )
    family_home = services.location_create(
        acting_user=police,
        premises_type="home",
        address_line_1="7 Mill Lane",
        town="Northam",
        postcode="NE2 7DN",
    )
    hotel = services.location_create(
        acting_user=police,
        name="Station Hotel",
        premises_type="hotel",
        address_line_1="1 Station Approach",
        town="Northam",
        postcode="NE1 1AA",
    )
    takeaway = services.location_create(
        acting_user=police,
        name="Palace Grill",
        premises_type="takeaway",
        address_line_1="52 High Street",
        town="Northam",
        postcode="NE1 2EX",
    )
    park = services.location_create(
        acting_user=police,
        name="Riverside Park",
        premises_type="park",
        address_line_1="Riverside Walk",
        town="Northam",
        postcode="NE3 1GU",
    )

    def link(
        kind: str, a: Any, b: Any, source: str, first: date | None = None, last: date | None = None
    ) -> None:
        services.link_create(
            acting_user=police,
            link_type=kind,
            source_entity=a,
            target_entity=b,
            source=source,
            first_seen=first,
            last_seen=last,
        )

    ago = lambda days: today - timedelta(days=days)  # noqa: E731
    link("parent_of", donna, kayleigh, "Children's services records")
    link("parent_of", donna, tyler, "Children's services records")
    link("sibling_of", kayleigh, tyler, "Children's services records")
    link("lives_at", tyler, family_home, "School admission records", ago(3000))
    link("lives_at", donna, family_home, "Council tax records", ago(3000))
    link("placed_at", kayleigh, home, "Placement record", ago(400))
    link("partner_of", kayleigh, lee, "Disclosure to residential worker", ago(150), ago(10))
    link("associate_of", lee, jason, "Stop check", ago(200), ago(30))
    link("drives_vehicle", lee, car, "ANPR and stop check", ago(200), ago(12))
    link("uses_phone", lee, phone, "Phone found on arrest", ago(180), ago(12))
    link("uses_account", lee, snap, "Screenshots shown by Kayleigh's friend", ago(160))
    link("seen_at", lee, takeaway, "Patrol sightings", ago(120), ago(20))
    link("associate_of", kayleigh, chloe, "School safeguarding lead", ago(300))
    link("works_at", jason, takeaway, "Licensing records", ago(700))

    def event(
        kind: str,
        when: datetime,
        summary: str,
        people: list[tuple[Person, str]],
        objects: list[Any] | None = None,
        places: list[tuple[Any, str]] | None = None,
        description: str = "",
        user: Any = police,
        reference: str = "",
    ) -> None:
        services.event_create(
            acting_user=user,
            event_type=kind,
            occurred_at=when,
            summary=summary,
            description=description,
            reference=reference,
            people=people,
            objects=[(item, EventObject.Role.SEEN) for item in (objects or [])],
            locations=places or [],
        )

    victim, suspect = EventPerson.Role.VICTIM, EventPerson.Role.SUSPECT
    event(
        "concern",
        _at(ago(170), 15, 10),
        "School: new phone and gifts, unexplained",
        [(kayleigh, victim)],
        description="Safeguarding lead reports a new iPhone and "
        "clothes Kayleigh cannot explain; she says an older boyfriend bought them.",
    )
    event(
        "missing_episode",
        _at(ago(140), 22, 40),
        "Missing from Oakfield House overnight",
        [(kayleigh, victim)],
        places=[(home, EventLocation.Role.REPORTED_FROM)],
        reference="MIS/0412",
    )
    event(
        "stop_check",
        _at(ago(139), 2, 15),
        "Found in car at Riverside Park with adult male",
        [(kayleigh, victim), (lee, suspect)],
        objects=[car],
        places=[(park, EventLocation.Role.FOUND_AT)],
        description="Kayleigh in passenger seat of AB12 CDE, driver Lee Marsh (29). "
        "Smell of cannabis. Kayleigh returned to placement.",
        reference="SC/22871",
    )
    event(
        "missing_episode",
        _at(ago(60), 19, 0),
        "Missing from Oakfield House",
        [(kayleigh, victim), (chloe, victim)],
        places=[(home, EventLocation.Role.REPORTED_FROM)],
        reference="MIS/0533",
    )
    event(
        "incident",
        _at(ago(59), 11, 30),
        "Found at Station Hotel, room booked by male",
        [(kayleigh, victim), (jason, suspect)],
        places=[(hotel, EventLocation.Role.FOUND_AT)],
        description="Hotel staff called police; room booked in the name J. Cole.",
        reference="INC/99120",
    )
    # Both suspects with both girls at a flat: the demo's group-based CSE (NPCC definition:
    # associated individuals, including "allowing their property to be used"), for issue 10.
    flat = services.location_create(
        acting_user=police,
        name="Flat 3",
        premises_type="party_house",
        address_line_1="22 Dock Street",
        town="Northam",
        postcode="NE4 3DS",
    )
    event(
        "incident",
        _at(ago(45), 1, 20),
        "Two girls found at Dock Street flat with two adult males",
        [(kayleigh, victim), (chloe, victim), (lee, suspect), (jason, suspect)],
        objects=[car],
        places=[(flat, EventLocation.Role.FOUND_AT)],
        description="Neighbour reported loud music and young girls arriving in a silver Corsa. "
        "Kayleigh and Chloe found in the flat with Lee Marsh and Jason Cole; alcohol present.",
        reference="INC/99544",
    )
    event(
        "referral",
        _at(ago(58), 9, 0),
        "Referral to MASH: CSE concerns",
        [(kayleigh, victim), (tyler, EventPerson.Role.SUBJECT)],
    )
    event(
        "concern",
        _at(ago(30), 16, 45),
        "Seen getting into silver car outside school",
        [(chloe, victim)],
        objects=[car],
    )
    event(
        "stop_check",
        _at(ago(400), 23, 5),
        "Lee Marsh stopped, vehicle search, nothing found",
        [(lee, EventPerson.Role.SUBJECT)],
        objects=[car],
        reference="SC/18302",
    )
    event("concern", _at(ago(20), 10, 0), "GP: Chlamydia diagnosis, age 15", [(catherine, victim)])

    services.intelligence_report_create(
        acting_user=users["analyst"],
        subjects=[lee, kayleigh],
        occurred_at=_at(ago(25), 9, 30),
        summary="Lee Marsh ('Marshy') taking girls from Oakfield House to Station Hotel",
        text="Source reports that Lee Marsh, known as Marshy, collects girls from near Oakfield "
        "House in a silver Corsa and takes them to the Station Hotel at weekends, where older "
        "men are present.",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        objects=[car],
        locations=[hotel],
    )
    services.intelligence_report_create(
        acting_user=users["analyst"],
        subjects=[jason],
        occurred_at=_at(ago(15), 14, 0),
        summary="Jason Cole supplies cannabis to under-16s at Palace Grill",
        text="Covert source: Cole gives cannabis to girls who visit the takeaway after school.",
        source_evaluation="1",
        intelligence_assessment="C",
        handling_code="C",
        handling_conditions="Not to be disclosed outside the CSE team without the source "
        "handler's agreement.",
        locations=[takeaway],
    )
    # The MASH sees Kayleigh's record because the police shared it (a recorded decision).
    from vigil.accounts.services import share_record

    share_record(
        acting_user=police,
        record=kayleigh,
        agency=agencies["Northshire Council Children's Services"],
        lawful_basis="ca1989_s47",
        scope="Kayleigh's record, for the MASH strategy discussion about CSE concerns",
    )
    return {"users": users, "kayleigh": kayleigh, "lee": lee, "tyler": tyler}
