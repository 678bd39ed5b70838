"""The POLE screens: each renders, refuses bad input with a GOV.UK error summary, and checks
need-to-know first."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import (
    EventFactory,
    IntelligenceReportFactory,
    LinkFactory,
    LocationFactory,
    PersonFactory,
    VehicleFactory,
)
from vigil.audit.models import Action, AuditEntry
from vigil.people import services
from vigil.people.models import (
    Event,
    IntelligenceReport,
    Link,
    Location,
    Person,
    PersonIdentifier,
    PersonName,
    PoleObject,
)

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def records(investigator: Any) -> dict[str, Any]:
    """A small police-owned world: a child with an alias, an adult, a car, a hotel, a link and
    events of two types (one an intelligence report)."""
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    services.person_name_add(
        acting_user=investigator, person=child, name_type="nickname", given_names="Kay"
    )
    adult = PersonFactory(acting_user=investigator, given_names="Marcus", family_name="Hill")
    car = VehicleFactory(acting_user=investigator)
    hotel = LocationFactory(acting_user=investigator)
    link = LinkFactory(
        acting_user=investigator, link_type="partner_of", source_entity=child, target_entity=adult
    )
    LinkFactory(
        acting_user=investigator, link_type="drives_vehicle", source_entity=adult, target_entity=car
    )
    concern = EventFactory(
        acting_user=investigator,
        summary="Seen with older male at the hotel",
        people=[(child, "victim"), (adult, "suspect")],
        objects=[(car, "seen")],
        locations=[(hotel, "occurred_at")],
    )
    report = IntelligenceReportFactory(
        acting_user=investigator, subjects=[child], summary="Collected from school"
    )
    child.refresh_from_db()
    return {
        "child": child,
        "adult": adult,
        "car": car,
        "hotel": hotel,
        "link": link,
        "event": concern,
        "report": report,
    }


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def client_for(investigator: Any) -> Client:
    return signed_in(investigator)


def date_parts(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def person_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "given_names": "Tyler",
        "family_name": "Smith",
        **date_parts("date_of_birth", date(2012, 5, 1)),
        "date_of_birth_precision": "exact",
        "gender": "male",
        "ethnicity": "W1",
        "nationality": "British",
        "languages": "English, Polish",
        "access_level": "standard",
        "notes": "",
    }
    data.update(overrides)
    return data


def assert_error_summary(response: Any, field_id: str, message: str) -> None:
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#{field_id}">{message}' in html, html[html.find("error-summary") :][:1500]


def writes() -> int:
    return AuditEntry.objects.filter(action__in=[Action.COLLECTION, Action.ALTERATION]).count()


# --- Every page renders -----------------------------------------------------------------------


def page_urls(records: dict[str, Any]) -> list[str]:
    child, car, hotel = records["child"], records["car"], records["hotel"]
    return [
        reverse("home"),
        reverse("search") + "?q=Kayleigh",
        reverse("search") + "?dob=03%2F2010",
        reverse("search") + "?age_from=10&age_to=16",
        reverse("person_detail", args=[child.pk]),
        reverse("person_detail", args=[child.pk]) + "?type=concern",
        reverse("person_create"),
        reverse("person_edit", args=[child.pk]),
        reverse("person_name_add", args=[child.pk]),
        reverse("person_identifier_add", args=[child.pk]),
        reverse("intelligence_create", args=[child.pk]),
        reverse("object_create"),
        reverse("object_detail", args=[car.pk]),
        reverse("object_edit", args=[car.pk]),
        reverse("location_create"),
        reverse("location_detail", args=[hotel.pk]),
        reverse("location_edit", args=[hotel.pk]),
        reverse("event_create"),
        reverse("event_create") + f"?person={child.pk}",
        reverse("event_detail", args=[records["event"].pk]),
        reverse("event_detail", args=[records["report"].event.pk]),
        reverse("event_edit", args=[records["event"].pk]),
        reverse("link_create", args=["person", child.pk]),
        reverse("link_create", args=["object", car.pk]),
        reverse("link_create", args=["location", hotel.pk]),
        reverse("link_edit", args=[records["link"].pk]),
    ]


def test_every_page_renders_for_the_investigator(client_for, records):
    for url in page_urls(records):
        response = client_for.get(url)
        assert response.status_code == 200, url


def test_anonymous_users_are_sent_to_sign_in(records):
    client = Client()
    for url in page_urls(records):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login")), url


def test_sign_in_page_renders():
    assert Client().get(reverse("login")).status_code == 200


@pytest.mark.parametrize("user", ["partner", "outsider"])
def test_police_records_are_not_found_for_partner_and_outsider(records, user, request):
    client = signed_in(request.getfixturevalue(user))
    child, car, hotel = records["child"], records["car"], records["hotel"]
    for url in [
        reverse("person_detail", args=[child.pk]),
        reverse("person_edit", args=[child.pk]),
        reverse("person_name_add", args=[child.pk]),
        reverse("person_identifier_add", args=[child.pk]),
        reverse("intelligence_create", args=[child.pk]),
        reverse("object_detail", args=[car.pk]),
        reverse("object_edit", args=[car.pk]),
        reverse("location_detail", args=[hotel.pk]),
        reverse("location_edit", args=[hotel.pk]),
        reverse("event_detail", args=[records["event"].pk]),
        reverse("event_edit", args=[records["event"].pk]),
        reverse("link_create", args=["person", child.pk]),
        reverse("link_edit", args=[records["link"].pk]),
    ]:
        assert client.get(url).status_code == 404, url
    # Posting to a hidden record changes nothing either.
    response = client.post(reverse("person_edit", args=[child.pk]), person_data(version="2"))
    assert response.status_code == 404
    child.refresh_from_db()
    assert child.given_names == "Kayleigh"


def test_outsider_cannot_open_create_pages_or_search(outsider):
    client = signed_in(outsider)
    for name in ["person_create", "object_create", "location_create", "event_create", "search"]:
        assert client.get(reverse(name)).status_code == 403, name
    assert client.post(reverse("person_create"), person_data()).status_code == 403
    assert not Person.objects.exists()


def test_partner_can_create_and_the_record_is_theirs(partner):
    client = signed_in(partner)
    response = client.post(reverse("person_create"), person_data())
    person = Person.objects.get()
    assert response.status_code == 302
    assert person.owning_agency == partner.agency
    assert client.get(reverse("person_detail", args=[person.pk])).status_code == 200


def test_restricted_record_is_hidden_from_another_force(investigator, other_force_officer):
    person = PersonFactory(acting_user=investigator, access_level="restricted")
    url = reverse("person_detail", args=[person.pk])
    assert signed_in(other_force_officer).get(url).status_code == 404
    assert not AuditEntry.objects.filter(username="otherofficer").exists()


def test_unknown_link_kind_is_not_found(client_for, records):
    assert client_for.get(f"/event/{records['event'].pk}/links/new/").status_code == 404


# --- Person page ------------------------------------------------------------------------------


def test_person_page_shows_the_record_and_its_timeline(client_for, records):
    child = records["child"]
    html = client_for.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert "Kayleigh Smith" in html
    assert "Kay" in html  # nickname
    assert "Marcus Hill" in html  # link
    assert "Seen with older male at the hotel" in html
    assert "Collected from school" in html


def test_person_page_timeline_filters_by_event_type(client_for, records):
    url = reverse("person_detail", args=[records["child"].pk])
    html = client_for.get(url, {"type": "intelligence_report"}).content.decode()
    assert "Collected from school" in html
    assert "Seen with older male at the hotel" not in html


def test_person_page_is_audited_as_consultation(colleague, records):
    child = records["child"]
    signed_in(colleague).get(reverse("person_detail", args=[child.pk]))
    # The page also names the people linked to the child (each audited as shown on it).
    entry = AuditEntry.objects.filter(
        action=Action.CONSULTATION, username="analyst", detail__via__isnull=True
    ).get()
    assert (entry.object_type, entry.object_id) == ("person", str(child.pk))
    assert entry.request_id  # the request id comes from the middleware


def test_home_lists_recently_opened_people(client_for, records):
    client_for.get(reverse("person_detail", args=[records["adult"].pk]))
    html = client_for.get(reverse("home")).content.decode()
    assert "Marcus Hill" in html


def _more_events(investigator: Any, person: Person, count: int) -> None:
    for n in range(count):
        EventFactory(
            acting_user=investigator,
            people=[(person, "subject")],
            summary=f"Extra event {n}",
            occurred_at=datetime(2023, 1 + n % 12, 1, tzinfo=LONDON),
        )


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_person_page_queries_do_not_grow_with_events(
    client_for, investigator, records, django_assert_max_num_queries
):
    url = reverse("person_detail", args=[records["child"].pk])
    few = _queries(client_for, url)
    _more_events(investigator, records["child"], 15)
    IntelligenceReportFactory(acting_user=investigator, subjects=[records["child"]])
    with django_assert_max_num_queries(few):
        client_for.get(url)
    # An absolute budget for the whole page: the POLE sections plus every area's panel
    # (screening, missing, disruption, network, same-person) at about 10-13 queries each.
    with django_assert_max_num_queries(75):
        client_for.get(url)


def test_search_page_queries_do_not_grow_with_results(
    client_for, investigator, django_assert_max_num_queries
):
    PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="A")
    url = reverse("search") + "?q=Kayleigh"
    few = _queries(client_for, url)
    for n in range(20):
        PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name=f"B{n}")
    with django_assert_max_num_queries(few):
        client_for.get(url)
    with django_assert_max_num_queries(25):
        client_for.get(url)


# --- Creating and editing ---------------------------------------------------------------------


def test_person_create(client_for):
    response = client_for.post(reverse("person_create"), person_data())
    person = Person.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("person_detail", args=[person.pk])
    assert person.languages == ["English", "Polish"]
    assert person.date_of_birth == date(2012, 5, 1)


def test_person_create_without_a_date_of_birth_marks_it_unknown(client_for):
    data = person_data(date_of_birth_0="", date_of_birth_1="", date_of_birth_2="")
    client_for.post(reverse("person_create"), data)
    assert Person.objects.get().date_of_birth_precision == "unknown"


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"given_names": ""}, "id_given_names", "Enter given names"),
        ({"date_of_birth_1": "13"}, "id_date_of_birth_0", "Date of birth must be a real date"),
        ({"date_of_birth_2": ""}, "id_date_of_birth_0", "Date of birth must include a year"),
        (
            {"date_of_birth_2": str(date.today().year + 1)},
            "id_date_of_birth_0",
            "Date of birth must be today or in the past",
        ),
    ],
)
def test_person_create_bad_input(client_for, overrides, field_id, message):
    response = client_for.post(reverse("person_create"), person_data(**overrides))
    assert_error_summary(response, field_id, message)
    assert not Person.objects.exists()
    assert writes() == 0


def test_person_edit(client_for, records):
    child = records["child"]
    response = client_for.post(
        reverse("person_edit", args=[child.pk]),
        person_data(given_names="Kayleigh", version=str(child.version)),
    )
    assert response.status_code == 302
    child.refresh_from_db()
    assert (child.family_name, child.nationality) == ("Smith", "British")


def test_person_edit_bad_input(client_for, records):
    child = records["child"]
    before = writes()
    response = client_for.post(
        reverse("person_edit", args=[child.pk]),
        person_data(family_name="", version=str(child.version)),
    )
    assert_error_summary(response, "id_family_name", "Enter family name")
    child.refresh_from_db()
    assert child.given_names == "Kayleigh"
    assert writes() == before


def test_person_name_add(client_for, records):
    child = records["child"]
    response = client_for.post(
        reverse("person_name_add", args=[child.pk]),
        {"name_type": "alias", "given_names": "Chantelle", "family_name": "", "source": "School"},
    )
    assert response.status_code == 302
    assert child.other_names.filter(given_names="Chantelle").exists()


def test_person_name_add_bad_input(client_for, records):
    child = records["child"]
    before = (PersonName.objects.count(), writes())
    response = client_for.post(
        reverse("person_name_add", args=[child.pk]),
        {"name_type": "alias", "given_names": " ", "family_name": "", "source": "School"},
    )
    assert_error_summary(response, "id_given_names", "Enter a given name, a family name or both")
    assert (PersonName.objects.count(), writes()) == before


def test_person_identifier_add_and_bad_input(client_for, records):
    child = records["child"]
    url = reverse("person_identifier_add", args=[child.pk])
    response = client_for.post(url, {"scheme": "pnc", "value": ""})
    assert_error_summary(response, "id_value", "Enter number or reference")
    assert not PersonIdentifier.objects.exists()
    assert client_for.post(url, {"scheme": "pnc", "value": "12/345A"}).status_code == 302
    assert PersonIdentifier.objects.get().value == "12/345A"


def intelligence_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "summary": "Seen in a silver car",
        "text": "Source saw the subject get into a silver Ford outside school.",
        **date_parts("occurred_on", date(2024, 5, 1)),
        "source_evaluation": "2",
        "intelligence_assessment": "B",
        "handling_code": "P",
        "handling_conditions": "",
        "reference": "",
    }
    data.update(overrides)
    return data


def test_intelligence_create_puts_the_report_on_the_timeline(client_for, records):
    child = records["child"]
    response = client_for.post(
        reverse("intelligence_create", args=[child.pk]), intelligence_data(), follow=True
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Intelligence report recorded (2BP)" in html
    assert "Seen in a silver car" in html
    assert IntelligenceReport.objects.filter(event__summary="Seen in a silver car").exists()


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        (
            {"source_evaluation": ""},
            "id_source_evaluation_0",
            "Select the source evaluation (1, 2 or 3)",
        ),
        (
            {"intelligence_assessment": ""},
            "id_intelligence_assessment_0",
            "Select the intelligence assessment (A to E)",
        ),
        ({"handling_code": ""}, "id_handling_code_0", "Select the handling code (P or C)"),
        (
            {"handling_code": "C"},
            "id_handling_conditions",
            "Enter the conditions that apply to handling code C",
        ),
        ({"text": ""}, "id_text", "Enter intelligence"),
    ],
)
def test_intelligence_create_bad_input(client_for, records, overrides, field_id, message):
    before = (IntelligenceReport.objects.count(), Event.objects.count(), writes())
    response = client_for.post(
        reverse("intelligence_create", args=[records["child"].pk]), intelligence_data(**overrides)
    )
    assert_error_summary(response, field_id, message)
    assert (IntelligenceReport.objects.count(), Event.objects.count(), writes()) == before


def object_data(**overrides: Any) -> dict[str, Any]:
    data = {"kind": "vehicle", "vrm": "ab12 cde", "make": "Ford", "access_level": "standard"}
    data.update(overrides)
    return data


def test_object_create(client_for):
    response = client_for.post(reverse("object_create"), object_data())
    car = PoleObject.objects.get()
    assert response["Location"] == reverse("object_detail", args=[car.pk])
    assert car.vrm == "AB12 CDE"


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"vrm": ""}, "id_vrm", "Enter the vehicle&#x27;s registration mark, like AB12 CDE"),
        (
            {"kind": "phone", "phone_number": "12"},
            "id_phone_number",
            "Enter a phone number, like 07700 900123 or +44 7700 900123",
        ),
        ({"kind": ""}, "id_kind_0", "Select what kind of object it is"),
    ],
)
def test_object_create_bad_input(client_for, overrides, field_id, message):
    response = client_for.post(reverse("object_create"), object_data(**overrides))
    assert_error_summary(response, field_id, message)
    assert not PoleObject.objects.exists()
    assert writes() == 0


def test_object_edit_and_bad_input(client_for, records):
    car = records["car"]
    url = reverse("object_edit", args=[car.pk])
    response = client_for.post(url, object_data(vrm="", version=str(car.version)))
    assert_error_summary(
        response, "id_vrm", "Enter the vehicle&#x27;s registration mark, like AB12 CDE"
    )
    car.refresh_from_db()
    assert car.vrm == "AB12 CDE" and car.version == 1
    response = client_for.post(url, object_data(vrm="yx65abc", version=str(car.version)))
    assert response.status_code == 302
    car.refresh_from_db()
    assert car.vrm == "YX65 ABC"


def location_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Kebab House",
        "premises_type": "takeaway",
        "address_line_1": "1 High Street",
        "town": "Leeds",
        "postcode": "ls1 1aa",
        "access_level": "standard",
    }
    data.update(overrides)
    return data


def test_location_create(client_for):
    response = client_for.post(reverse("location_create"), location_data())
    place = Location.objects.get()
    assert response["Location"] == reverse("location_detail", args=[place.pk])
    assert place.postcode == "LS1 1AA"


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"postcode": "nonsense"}, "id_postcode", "Enter a real UK postcode, like LS1 1AA"),
        ({"town": ""}, "id_town", "Enter town or city"),
        (
            {"latitude": "91"},
            "id_latitude",
            "Ensure this value is less than or equal to 90.",
        ),
    ],
)
def test_location_create_bad_input(client_for, overrides, field_id, message):
    response = client_for.post(reverse("location_create"), location_data(**overrides))
    assert_error_summary(response, field_id, message)
    assert not Location.objects.exists()


def test_location_edit_and_bad_input(client_for, records):
    hotel = records["hotel"]
    url = reverse("location_edit", args=[hotel.pk])
    response = client_for.post(url, location_data(postcode="XX", version=str(hotel.version)))
    assert_error_summary(response, "id_postcode", "Enter a real UK postcode, like LS1 1AA")
    hotel.refresh_from_db()
    assert hotel.name == "Station Hotel"
    assert client_for.post(url, location_data(version=str(hotel.version))).status_code == 302
    hotel.refresh_from_db()
    assert hotel.name == "Kebab House"


def event_data(**overrides: Any) -> dict[str, Any]:
    data = {
        "event_type": "missing_episode",
        **date_parts("occurred_on", date(2024, 2, 3)),
        "occurred_time": "21:30",
        "summary": "Missing from placement",
        "description": "",
        "reference": "LOG-1",
        "role": "subject",
        "access_level": "standard",
    }
    data.update(overrides)
    return data


def test_event_create_for_a_person(client_for, records):
    child = records["child"]
    response = client_for.post(reverse("event_create") + f"?person={child.pk}", event_data())
    assert response["Location"] == reverse("person_detail", args=[child.pk])
    event = Event.objects.get(summary="Missing from placement")
    assert event.involved_people.get().person == child
    assert event.occurred_at == datetime(2024, 2, 3, 21, 30, tzinfo=LONDON)


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"summary": ""}, "id_summary", "Enter summary"),
        ({"occurred_on_0": "30", "occurred_on_1": "2"}, "id_occurred_on_0", "must be a real date"),
        ({"occurred_time": "25:99"}, "id_occurred_time", "Time must be a real time"),
    ],
)
def test_event_create_bad_input(client_for, overrides, field_id, message):
    response = client_for.post(reverse("event_create"), event_data(**overrides))
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#{field_id}">' in html and message in html
    assert not Event.objects.exists()


def test_event_edit_and_bad_input(client_for, records):
    event = records["event"]
    url = reverse("event_edit", args=[event.pk])
    response = client_for.post(url, event_data(summary="", version=str(event.version)))
    assert_error_summary(response, "id_summary", "Enter summary")
    event.refresh_from_db()
    assert event.summary == "Seen with older male at the hotel"
    response = client_for.post(url, event_data(version=str(event.version)))
    assert response["Location"] == reverse("event_detail", args=[event.pk])
    event.refresh_from_db()
    assert (event.summary, event.version) == ("Missing from placement", 2)


def test_link_create(client_for, records):
    child, hotel = records["child"], records["hotel"]
    response = client_for.post(
        reverse("link_create", args=["person", child.pk]),
        {"link_type": "seen_at", "target": f"L-{hotel.pk}", "source": "CCTV"},
    )
    assert response["Location"] == reverse("person_detail", args=[child.pk])
    assert Link.objects.filter(from_person=child, to_location=hotel, link_type="seen_at").exists()


@pytest.mark.parametrize(
    ("data", "field_id", "message"),
    [
        (
            {"link_type": "seen_at", "target": "nonsense", "source": "CCTV"},
            "id_target",
            "Enter a record reference like P-42 (person), O-7 (object) or L-3 (location)",
        ),
        (
            {"link_type": "seen_at", "target": "L-999999", "source": "CCTV"},
            "id_target",
            "No record with that reference, or you cannot see it",
        ),
        (
            {"link_type": "lives_at", "target": "P-{adult}", "source": "CCTV"},
            "id_link_type",
            "a &#x27;lives at&#x27; link joins a person to a location",
        ),
        (
            {"link_type": "sibling_of", "target": "P-{child}", "source": "CCTV"},
            "id_target",
            "A record cannot be linked to itself",
        ),
        (
            {
                "link_type": "sibling_of",
                "target": "P-{adult}",
                "source": "CCTV",
                **date_parts("first_seen", date(2024, 5, 2)),
                **date_parts("last_seen", date(2024, 5, 1)),
            },
            "id_last_seen_0",
            "Last seen must be on or after first seen",
        ),
        (
            {"link_type": "sibling_of", "target": "P-{adult}"},
            "id_source",
            "Enter how this is known",
        ),
    ],
)
def test_link_create_bad_input(client_for, records, data, field_id, message):
    child, adult = records["child"], records["adult"]
    data = {k: v.format(child=child.pk, adult=adult.pk) for k, v in data.items()}
    before = (Link.objects.count(), writes())
    response = client_for.post(reverse("link_create", args=["person", child.pk]), data)
    assert_error_summary(response, field_id, message)
    assert (Link.objects.count(), writes()) == before


def test_link_edit_and_bad_input(client_for, records):
    link = records["link"]
    url = reverse("link_edit", args=[link.pk])
    bad = {
        "source": "School",
        "version": str(link.version),
        **date_parts("first_seen", date(2024, 5, 2)),
        **date_parts("last_seen", date(2024, 5, 1)),
    }
    response = client_for.post(url, bad)
    assert_error_summary(response, "id_last_seen_0", "Last seen must be on or after first seen")
    link.refresh_from_db()
    assert (link.source, link.version) == ("Stop check 12/03", 1)
    good = {"source": "School", "version": str(link.version)}
    assert client_for.post(url, good).status_code == 302
    link.refresh_from_db()
    assert (link.source, link.version) == ("School", 2)


def test_search_bad_input(client_for):
    response = client_for.get(reverse("search"), {"dob": "nonsense"})
    assert_error_summary(
        response, "id_dob", "Enter a date of birth like 14/03/2010, 03/2010 or 2010"
    )
    response = client_for.get(reverse("search"), {"age_from": "16", "age_to": "12"})
    assert_error_summary(
        response, "id_age_to", "&#x27;Aged to&#x27; must be the same as or more than"
    )
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION).exists()


def test_search_page_shows_people_objects_and_locations(client_for, records):
    html = client_for.get(reverse("search"), {"q": "Kayliegh"}).content.decode()
    assert "Kayleigh Smith" in html
    html = client_for.get(reverse("search"), {"q": "ab12 cde"}).content.decode()
    assert "AB12 CDE" in html
    html = client_for.get(reverse("search"), {"q": "LS1 1AA"}).content.decode()
    assert "Station Hotel" in html
