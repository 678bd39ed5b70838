"""Loading the area into the store: the rows the services would write, audited, with the
ground truth in database ids; `vigil demo` and `vigil generate`."""

from __future__ import annotations

import csv
import json
from collections import Counter
from datetime import date, datetime
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db.models import Model
from django.utils import timezone

from tests.synthetic.conftest import AS_OF
from vigil.accounts.models import Agency, Role, User
from vigil.audit.models import Action, AuditEntry
from vigil.audit.services import verify_chain
from vigil.commands.link import read_inputs
from vigil.core.dates import age_on
from vigil.linkage.models import PersonLinkageRecord
from vigil.missing.models import MissingEpisode, ReturnHomeInterview
from vigil.people import selectors, services
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    IntelligenceReport,
    Link,
    Location,
    NameKey,
    Person,
    PersonIdentifier,
    PersonName,
    PersonNameIndex,
    PoleObject,
)
from vigil.safeguarding.models import Observation
from vigil.synthetic.loader import BulkWriter, ensure_agencies_and_staff, load_synthetic_area
from vigil.synthetic.models import SyntheticArea
from vigil.synthetic.records import (
    Batch,
    EventRecord,
    IdentifierRecord,
    IntelligenceRecord,
    LinkRecord,
    LocationRecord,
    NameRecord,
    ObjectRecord,
    PersonRecord,
)

LONDON = ZoneInfo("Europe/London")
SMALL = 600  # the small size of each scenario type: quick to load


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


@pytest.fixture
def loaded(db: Any) -> SyntheticArea:
    return load_synthetic_area(people=SMALL, seed=5, as_of=AS_OF, batch_size=250)


@pytest.fixture
def officer(loaded: SyntheticArea) -> User:
    """A Northshire Police investigator (police see other agencies' standard records)."""
    return User.objects.create_user(
        username="officer",
        password="correct-horse-battery",
        agency=Agency.objects.get(name="Northshire Police"),
        role=Role.CSE_INVESTIGATOR,
    )


def test_the_area_and_its_truth_are_loaded(loaded: SyntheticArea, settings: Any):
    assert Person.objects.count() == SMALL
    assert loaded.people == SMALL and loaded.seed == 5 and loaded.as_of == AS_OF
    for model in (
        Location,
        PoleObject,
        Event,
        Link,
        PersonName,
        PersonIdentifier,
        IntelligenceReport,
        EventPerson,
        EventObject,
        EventLocation,
    ):
        assert model.objects.exists(), model
    truth = loaded.truth
    assert json.loads((Path(settings.VAR_DIR) / "synthetic-truth.json").read_text()) == truth
    victims = Person.objects.filter(pk__in=truth["victims"])
    assert victims.count() == len(truth["victims"]) == 7
    for network in truth["networks"]:
        assert Location.objects.filter(pk__in=network["locations"]).count() == len(
            set(network["locations"])
        )
        assert PoleObject.objects.filter(pk__in=network["phones"], kind="phone").count() == len(
            network["phones"]
        )
        assert Person.objects.filter(pk__in=network["offenders"]).count() == len(
            network["offenders"]
        )


def test_the_truth_holds_in_the_database(loaded: SyntheticArea):
    """Each victim's warning signs are on concern events of their records (any agency's),
    and their missing episodes are there, with database ids throughout."""
    truth = loaded.truth
    groups = {group[0]: group for group in truth["same_person"]}
    for victim in truth["victims"]:
        records = groups.get(victim, [victim])
        descriptions = Event.objects.filter(
            event_type="concern", involved_people__person__in=records
        ).values_list("description", flat=True)
        recorded = " ".join(descriptions)
        for code in truth["warning_signs"][str(victim)]:
            assert code in recorded, (victim, code)
        missing = MissingEpisode.objects.filter(child=victim).count()
        assert missing == truth["missing_episodes"][str(victim)]


def test_missing_episodes_are_the_missing_apps_records(loaded: SyntheticArea):
    """Each missing event of the area is a MissingEpisode written by the missing services:
    graded, returned (found at the network's places, sometimes with an offender or in their
    car), with its return home interview; so the missing screens show the planted patterns."""
    truth = loaded.truth
    episodes = MissingEpisode.objects.all()
    assert episodes.count() == Event.objects.filter(event_type="missing_episode").count()
    assert all(episode.gradings.exists() for episode in episodes)
    returned = episodes.exclude(returned_at=None)
    assert returned.count() == ReturnHomeInterview.objects.count() > 0
    offenders = {pk for net in truth["networks"] for pk in net["offenders"]}
    places = {pk for net in truth["networks"] for pk in net["locations"]}
    cars = {pk for net in truth["networks"] for pk in net["vehicles"]}
    planted = returned.filter(child__in=truth["victims"])
    assert all(episode.found_at_id in places for episode in planted)
    assert planted.filter(found_with__in=offenders).exists()
    assert planted.filter(vehicles__in=cars).exists()
    # The return is in the POLE store too: found-with and found-at links of the child.
    found_with = planted.filter(found_with__in=offenders).first()
    assert Link.objects.filter(
        link_type="found_with", from_person=found_with.child, to_person__in=offenders
    ).exists()
    repeat = [pk for pk, n in truth["missing_episodes"].items() if n >= 3]
    assert repeat
    assert episodes.filter(child=int(repeat[0])).count() >= 3
    assert (
        AuditEntry.objects.filter(action=Action.COLLECTION, object_type="missingepisode").count()
        == episodes.count()
    )


def test_a_few_planted_children_are_missing_now(loaded: SyntheticArea, officer: User):
    """The area is dated months ago, but "Missing now" shows what a force sees on any morning:
    the latest episode of a few planted children was reported in the last day or two and they
    have not returned (the same children for the same seed)."""
    from vigil.missing import selectors as missing_selectors
    from vigil.synthetic.missing import MISSING_NOW, MISSING_NOW_WITHIN_HOURS

    truth = loaded.truth
    now = timezone.now()
    still_missing = MissingEpisode.objects.filter(returned_at=None)
    assert still_missing.count() == MISSING_NOW
    for episode in still_missing:
        assert str(episode.child_id) in truth["missing_episodes"]
        assert (
            0
            < (now - episode.reported_missing_at).total_seconds() / 3600
            <= (MISSING_NOW_WITHIN_HOURS)
        )
        latest = MissingEpisode.objects.filter(child=episode.child_id).first()
        assert latest == episode  # their latest episode: none after it
        assert not ReturnHomeInterview.objects.filter(episode=episode).exists()
    shown = missing_selectors.missing_now(officer, now=now)
    assert {row.episode.pk for row in shown} == set(still_missing.values_list("pk", flat=True))


def test_planted_victims_carry_their_warning_signs_as_observations(loaded: SyntheticArea):
    """What screening reads: every warning sign the truth names for a victim is a safeguarding
    Observation on one of their records, recorded by the agency that saw it, on the day of the
    concern, by a named member of its staff. (A victim who is 18 by now is not screened, so
    `observations_record` would refuse; the area is dated AS_OF, months ago.)"""
    truth = loaded.truth
    groups = {group[0]: group for group in truth["same_person"]}
    today = timezone.localdate()
    checked = 0
    for victim in truth["victims"]:
        child = Person.objects.get(pk=victim)
        if age_on(child.date_of_birth, today) >= 18:
            continue
        records = groups.get(victim, [victim])
        observations = Observation.objects.filter(child__in=records)
        assert set(truth["warning_signs"][str(victim)]) <= {o.code for o in observations}
        for observation in observations:
            concern = Event.objects.get(
                involved_people__person=observation.child,
                description__contains=observation.code,
                occurred_at__date=observation.observed_on,
            )
            assert observation.owning_agency_id == concern.owning_agency_id
            assert observation.created_by.agency_id == observation.owning_agency_id
            assert observation.note and observation.code not in observation.note
        checked += 1
    assert checked >= 4
    # Each observation has its collection entry, as observations_record writes it.
    collected = AuditEntry.objects.filter(action=Action.COLLECTION, object_type="observation")
    assert collected.count() == Observation.objects.count()
    entry = collected.first()
    observation = Observation.objects.get(pk=entry.object_id)
    assert entry.detail == {"child": observation.child_id, "codes": [observation.code]}


def test_a_victims_screening_shows_the_recorded_warning_signs(loaded: SyntheticArea):
    from vigil.safeguarding.services import compute_screening

    truth = loaded.truth
    today = timezone.localdate()
    victim = next(
        v
        for v in truth["victims"]
        if age_on(Person.objects.get(pk=v).date_of_birth, today) < 18
        and Observation.objects.filter(child=v).exists()
    )
    computed = compute_screening(Person.objects.get(pk=victim))
    behind = {o.code for reason in computed.result.reasons for o in reason.observations}
    assert computed.result.rank > 0
    assert behind & set(truth["warning_signs"][str(victim)]), computed.result.reasons


def test_every_row_passes_the_models_validation(loaded: SyntheticArea):
    models: list[type[Model]] = [
        Person,
        PersonName,
        PersonIdentifier,
        PoleObject,
        Location,
        Event,
        Link,
        IntelligenceReport,
        EventPerson,
        EventObject,
        EventLocation,
        Observation,
    ]
    for model in models:
        for record in model.objects.all():
            record.full_clean()


def test_every_record_has_its_collection_audit_entry(loaded: SyntheticArea):
    collected = Counter(
        AuditEntry.objects.filter(action=Action.COLLECTION).values_list("object_type", flat=True)
    )
    assert collected["person"] == Person.objects.count()
    assert collected["poleobject"] == PoleObject.objects.count()
    assert collected["location"] == Location.objects.count()
    assert collected["link"] == Link.objects.count()
    assert collected["event"] == Event.objects.count()
    # One alteration per added name or identifier (other alterations of people come from the
    # missing services recording episodes).
    added = AuditEntry.objects.filter(
        action=Action.ALTERATION, object_type="person", detail__added__in=["name", "identifier"]
    ).count()
    assert added == PersonName.objects.count() + PersonIdentifier.objects.count()
    assert verify_chain()[0]


def test_a_planted_victim_is_found_by_nickname(loaded: SyntheticArea, officer: User):
    truth = loaded.truth
    for victim_id in truth["victims"]:
        victim = Person.objects.get(pk=victim_id)
        if victim.access_level != "standard":
            continue
        nickname = truth["nicknames"][str(victim_id)]
        hits = selectors.search(officer, text=f"{nickname} {victim.family_name}", page_size=50)
        assert victim in [hit.person for hit in hits.people], (nickname, victim)


def test_loading_twice_appends_a_second_area_with_fresh_ids(loaded: SyntheticArea):
    second = load_synthetic_area(people=100, seed=6, as_of=AS_OF)
    assert Person.objects.count() == SMALL + 100
    assert min(second.truth["same_person"][0]) > max(loaded.truth["victims"])


# --- The bulk path writes what the services write ---------------------------------------------


def _without(row: dict[str, Any], *names: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k not in names}


def test_bulk_rows_are_the_rows_the_services_write(db: Any):
    agencies, staff = ensure_agencies_and_staff()
    user = staff["police"][0]
    when = datetime(2025, 5, 4, 22, 15, tzinfo=LONDON)
    # Through the services.
    person = services.person_create(
        acting_user=user,
        given_names="Amaka",
        family_name="Eze",
        date_of_birth=date(2011, 2, 3),
        gender="female",
        ethnicity="B2",
        nationality="British",
        languages=["English"],
        flags=["in_care"],
    )
    services.person_name_add(
        acting_user=user, person=person, name_type="nickname", given_names="Kiki", source="Friends"
    )
    services.person_identifier_add(
        acting_user=user, person=person, scheme="nhs", value="943 476 5919"
    )
    car = services.object_create(
        acting_user=user, kind="vehicle", vrm="AB12 CDE", make="Ford", model="Focus", colour="Grey"
    )
    phone = services.object_create(acting_user=user, kind="phone", phone_number="07700 900456")
    hotel = services.location_create(
        acting_user=user,
        name="Station Hotel",
        premises_type="hotel",
        address_line_1="1 Station Road",
        town="Northam",
        postcode="ne1 1aa",
    )
    link = services.link_create(
        acting_user=user,
        link_type="uses_phone",
        source_entity=person,
        target_entity=phone,
        source="Call data",
        first_seen=date(2025, 1, 1),
        last_seen=date(2025, 4, 1),
    )
    report = services.intelligence_report_create(
        acting_user=user,
        subjects=[person],
        occurred_at=when,
        summary="Seen at hotel",
        text="Source reports...",
        source_evaluation="2",
        intelligence_assessment="B",
        handling_code="P",
        objects=[car],
        locations=[hotel],
    )
    event = report.event
    expected_audit = _audit_shape(AuditEntry.objects.all())
    # The same records through the bulk path (ids offset past the service-made ones).
    offsets = {
        "person": person.pk,
        "name": PersonName.objects.last().pk,
        "identifier": PersonIdentifier.objects.last().pk,
        "object": phone.pk,
        "location": hotel.pk,
        "link": link.pk,
        "event": event.pk,
    }
    before = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first()
    batch = Batch(
        locations=[
            LocationRecord(
                1, "police", "hotel", "Station Hotel", "1 Station Road", "", "Northam", "ne1 1aa"
            )
        ],
        people=[
            PersonRecord(
                1,
                "police",
                "Amaka",
                "Eze",
                date(2011, 2, 3),
                "exact",
                "female",
                "B2",
                "British",
                ["English"],
                ["in_care"],
            )
        ],
        names=[NameRecord(1, 1, "police", "nickname", "Kiki", "", "Friends")],
        identifiers=[IdentifierRecord(1, 1, "police", "nhs", "943 476 5919", "")],
        objects=[
            ObjectRecord(
                1, "police", "vehicle", vrm="AB12 CDE", make="Ford", model="Focus", colour="Grey"
            ),
            ObjectRecord(2, "police", "phone", phone_number="07700 900456"),
        ],
        links=[
            LinkRecord(
                1,
                "police",
                "uses_phone",
                "person",
                1,
                "object",
                2,
                date(2025, 1, 1),
                date(2025, 4, 1),
                "Call data",
            )
        ],
        events=[
            EventRecord(
                1,
                "police",
                "intelligence_report",
                when,
                None,
                "Seen at hotel",
                "",
                "",
                [(1, "subject")],
                [(1, "seen")],
                [(1, "occurred_at")],
                intelligence=IntelligenceRecord("2", "B", "P", "", "Source reports..."),
            )
        ],
    )
    writer = BulkWriter(agencies, staff, offsets)
    writer._user = lambda agency, record_id: user  # type: ignore[method-assign]
    writer.write(batch)

    volatile = ("id", "created_at", "updated_at")
    pairs = [
        (Person, person.pk, offsets["person"] + 1),
        (PoleObject, car.pk, offsets["object"] + 1),
        (PoleObject, phone.pk, offsets["object"] + 2),
        (Location, hotel.pk, offsets["location"] + 1),
        (Event, event.pk, offsets["event"] + 1),
    ]
    for model, service_pk, bulk_pk in pairs:
        made = model.objects.filter(pk=service_pk).values().get()
        bulk = model.objects.filter(pk=bulk_pk).values().get()
        assert _without(made, *volatile) == _without(bulk, *volatile), model
    made_link = Link.objects.filter(pk=link.pk).values().get()
    bulk_link = Link.objects.filter(pk=offsets["link"] + 1).values().get()
    assert _without(made_link, *volatile, "from_person_id", "to_object_id") == _without(
        bulk_link, *volatile, "from_person_id", "to_object_id"
    )
    assert bulk_link["from_person_id"] == offsets["person"] + 1
    assert bulk_link["to_object_id"] == offsets["object"] + 2
    bulk_person = offsets["person"] + 1
    for model, fields in (
        (PersonName, ("name_type", "given_names", "family_name", "source")),
        (PersonIdentifier, ("scheme", "value", "issuer")),
    ):
        assert list(model.objects.filter(person=person).values(*fields)) == list(
            model.objects.filter(person=bulk_person).values(*fields)
        )
    assert set(NameKey.objects.filter(person=person).values_list("key", flat=True)) == set(
        NameKey.objects.filter(person=bulk_person).values_list("key", flat=True)
    )
    assert PersonNameIndex.objects.get(person=person).keys == (
        PersonNameIndex.objects.get(person=bulk_person).keys
    )
    assert (
        IntelligenceReport.objects.filter(event=event)
        .values("source_evaluation", "intelligence_assessment", "handling_code", "text")
        .get()
        == IntelligenceReport.objects.filter(event=offsets["event"] + 1)
        .values("source_evaluation", "intelligence_assessment", "handling_code", "text")
        .get()
    )
    for model, field in ((EventPerson, "role"), (EventObject, "role"), (EventLocation, "role")):
        assert list(model.objects.filter(event=event).values_list(field, flat=True)) == list(
            model.objects.filter(event=offsets["event"] + 1).values_list(field, flat=True)
        )
    assert _audit_shape(AuditEntry.objects.filter(pk__gt=before)) == expected_audit
    assert verify_chain()[0]


def _audit_shape(entries: Any) -> Counter:
    return Counter(
        (entry.action, entry.object_type, json.dumps(entry.detail, sort_keys=True))
        for entry in entries
    )


# --- Commands ---------------------------------------------------------------------------------


def test_bulk_observations_are_the_rows_observations_record_writes(db: Any):
    from vigil.safeguarding.services import observations_record

    agencies, staff = ensure_agencies_and_staff()
    user = staff["education"][0]
    note = "Attendance 58% this half-term; Amy is seen leaving at lunchtime."
    child = services.person_create(
        acting_user=user, given_names="Amy", family_name="Eze", date_of_birth=date(2012, 1, 9)
    )
    made = observations_record(
        acting_user=user,
        child=child,
        codes=["WS-EDU-TRUANCY"],
        observed_on=date(2025, 3, 10),
        source="school",
        note=note,
        rescreen=False,
    )[0]
    offsets = dict.fromkeys(("person", "name", "identifier", "object", "location"), 1000)
    offsets |= {"link": 1000, "event": 1000}
    batch = Batch(
        people=[
            PersonRecord(
                1, "education", "Amy", "Eze", date(2012, 1, 9), "exact", "female", "", "", [], []
            )
        ],
        events=[
            EventRecord(
                1,
                "education",
                "concern",
                datetime(2025, 3, 10, 14, 30, tzinfo=LONDON),
                None,
                "Attendance has fallen sharply",
                f"{note}\nWarning signs: WS-EDU-TRUANCY (Truancy).",
                "CON/000001",
                [(1, "victim")],
                taxonomy_codes=["WS-EDU-TRUANCY"],
            )
        ],
    )
    writer = BulkWriter(agencies, staff, offsets)
    writer._user = lambda agency, record_id: user  # type: ignore[method-assign]
    writer.write(batch)

    volatile = ("id", "created_at", "updated_at", "child_id")
    bulk = Observation.objects.exclude(pk=made.pk).values().get()
    assert bulk["child_id"] == 1001
    assert _without(Observation.objects.filter(pk=made.pk).values().get(), *volatile) == _without(
        bulk, *volatile
    )
    entries = AuditEntry.objects.filter(object_type="observation").order_by("id")
    assert [(e.action, e.detail) for e in entries] == [
        (Action.COLLECTION, {"child": child.pk, "codes": ["WS-EDU-TRUANCY"]}),
        (Action.COLLECTION, {"child": 1001, "codes": ["WS-EDU-TRUANCY"]}),
    ]


def test_demo_with_no_people_gives_the_small_demo_only(db: Any):
    call_command("demo", "--no-serve", "--people", "0", stdout=StringIO())
    assert not SyntheticArea.objects.exists()
    assert Person.objects.filter(given_names="Kayleigh", family_name="Smith").exists()
    assert Person.objects.count() < 20


def test_demo_loads_the_area_on_top_of_the_hand_shaped_demo_once(db: Any):
    out = StringIO()
    call_command("demo", "--no-serve", "--people", "500", "--seed", "3", stdout=out)
    text = out.getvalue()
    assert "people a second" in text and "search '" in text
    count = Person.objects.count()
    assert Person.objects.filter(given_names="Kayleigh", family_name="Smith").exists()
    assert User.objects.filter(username="investigator").exists()
    # "Already known?" finds everyone at once: the hand-shaped people and the area's.
    assert PersonLinkageRecord.objects.count() == count
    call_command("demo", "--no-serve", "--people", "500", "--seed", "3", stdout=StringIO())
    assert Person.objects.count() == count
    assert SyntheticArea.objects.count() == 1
    assert verify_chain()[0]


def test_generate_writes_files_without_a_database(tmp_path: Path):
    out = StringIO()
    call_command(
        "generate",
        "--people",
        "700",
        "--seed",
        "2",
        "--out",
        str(tmp_path),
        "--as-of",
        "2026-03-01",
        "--batch-size",
        "100",
        stdout=out,
    )
    assert "people a second" in out.getvalue()
    lines = (tmp_path / "people.jsonl").read_text().splitlines()
    assert len(lines) == 700
    assert json.loads(lines[0])["date_of_birth"]
    events = [json.loads(line) for line in (tmp_path / "events.jsonl").read_text().splitlines()]
    assert any(e.get("intelligence") for e in events)
    truth = json.loads((tmp_path / "truth.json").read_text())
    assert truth["people"] == 700 and truth["seed"] == 2 and truth["networks"]
    with (tmp_path / "people.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 700
    assert len(read_inputs([tmp_path / "people.csv"])) == 700  # what `vigil link` accepts


def test_generate_refuses_a_bad_date(tmp_path: Path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="as-of"):
        call_command("generate", "--people", "5", "--out", str(tmp_path), "--as-of", "2026-13-01")
