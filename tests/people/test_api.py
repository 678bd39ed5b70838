"""The REST API: list, retrieve, create and update for each POLE entity; one error shape;
need-to-know; the OpenAPI schema and docs."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tests.factories import (
    EventFactory,
    LinkFactory,
    LocationFactory,
    PersonFactory,
    VehicleFactory,
)
from vigil.audit.models import Action, AuditEntry
from vigil.people.models import Event, IntelligenceReport, Link, Location, Person, PoleObject


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def api(investigator: Any) -> Client:
    return session(investigator)


def send(client: Client, method: str, url: str, body: Any) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def assert_field_error(response: Any, field: str) -> None:
    assert response.status_code == 400, response.content
    body = response.json()
    assert body["detail"]
    assert body["errors"][field], body


# --- People -----------------------------------------------------------------------------------


def test_people_list_is_paginated_visible_only_and_audited(api, investigator, other_force_officer):
    mine = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    PersonFactory(
        acting_user=other_force_officer,
        given_names="Hidden",
        family_name="Elsewhere",
        access_level="restricted",
    )
    response = api.get("/api/people/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [row["id"] for row in body["results"]] == [mine.pk]
    entry = AuditEntry.objects.get(action=Action.CONSULTATION, detail__via="api list")
    assert (entry.object_type, entry.object_id) == ("person", str(mine.pk))


def test_people_list_filters_by_tolerant_name_search(api, investigator):
    PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    PersonFactory(acting_user=investigator, given_names="Tyler", family_name="Jones")
    rows = api.get("/api/people/", {"q": "Kayliegh"}).json()["results"]
    assert [row["given_names"] for row in rows] == ["Kayleigh"]
    rows = api.get("/api/people/", {"family_name": "Jones"}).json()["results"]
    assert [row["given_names"] for row in rows] == ["Tyler"]


def test_person_retrieve_is_audited(api, investigator):
    person = PersonFactory(acting_user=investigator)
    body = api.get(f"/api/people/{person.pk}/").json()
    assert body["id"] == person.pk and body["version"] == 1
    assert body["owning_agency"] == investigator.agency_id
    assert AuditEntry.objects.filter(
        action=Action.CONSULTATION, object_type="person", object_id=str(person.pk)
    ).exists()


def test_person_create(api, investigator):
    response = send(
        api,
        "post",
        "/api/people/",
        {
            "given_names": "Kayleigh",
            "family_name": "Smith",
            "date_of_birth": "2010-03-14",
            "flags": ["in_care"],
            "languages": ["English"],
            "owning_agency": 999,
        },
    )
    assert response.status_code == 201, response.content
    person = Person.objects.get()
    assert response.json()["id"] == person.pk
    assert person.owning_agency == investigator.agency  # read-only field ignored
    assert person.flags == ["in_care"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"family_name": "Smith"}, "given_names"),
        ({"given_names": "K", "family_name": "S", "date_of_birth": "14/03/2010"}, "date_of_birth"),
        ({"given_names": "K", "family_name": "S", "date_of_birth": "2999-01-01"}, "date_of_birth"),
        ({"given_names": "K", "family_name": "S", "flags": ["vip"]}, "flags"),
        ({"given_names": "K", "family_name": "S", "gender": "x"}, "gender"),
        ({"given_names": "K", "family_name": "S", "languages": "English"}, "languages"),
    ],
)
def test_person_create_bad_input(api, body, field):
    assert_field_error(send(api, "post", "/api/people/", body), field)
    assert not Person.objects.exists()


def test_person_update_needs_the_version(api, investigator):
    person = PersonFactory(acting_user=investigator)
    assert_field_error(send(api, "patch", f"/api/people/{person.pk}/", {"notes": "x"}), "version")
    person.refresh_from_db()
    assert person.notes == ""


def test_person_patch(api, investigator):
    person = PersonFactory(acting_user=investigator)
    response = send(api, "patch", f"/api/people/{person.pk}/", {"notes": "New", "version": 1})
    assert response.status_code == 200
    assert response.json()["notes"] == "New" and response.json()["version"] == 2


def test_person_patch_with_bad_input_changes_nothing(api, investigator):
    person = PersonFactory(acting_user=investigator)
    response = send(
        api, "patch", f"/api/people/{person.pk}/", {"notes": "New", "flags": ["vip"], "version": 1}
    )
    assert_field_error(response, "flags")
    person.refresh_from_db()
    assert (person.notes, person.version) == ("", 1)


# --- Objects, locations -----------------------------------------------------------------------


def test_object_create_list_and_update(api, investigator):
    response = send(api, "post", "/api/objects/", {"kind": "vehicle", "vrm": "ab12 cde"})
    assert response.status_code == 201, response.content
    assert response.json()["vrm"] == "AB12 CDE"
    car = PoleObject.objects.get()
    rows = api.get("/api/objects/", {"kind": "vehicle"}).json()["results"]
    assert [row["id"] for row in rows] == [car.pk]
    assert api.get("/api/objects/", {"kind": "phone"}).json()["count"] == 0
    assert api.get(f"/api/objects/{car.pk}/").json()["vrm"] == "AB12 CDE"
    response = send(api, "patch", f"/api/objects/{car.pk}/", {"colour": "Red", "version": 1})
    assert response.status_code == 200 and response.json()["colour"] == "Red"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"kind": "vehicle"}, "vrm"),
        ({"kind": "phone", "phone_number": "12"}, "phone_number"),
        ({"kind": "online_account", "handle": "x"}, "platform"),
        ({"kind": "boat"}, "kind"),
        ({}, "kind"),
    ],
)
def test_object_create_bad_input(api, body, field):
    assert_field_error(send(api, "post", "/api/objects/", body), field)
    assert not PoleObject.objects.exists()


def test_object_update_bad_input(api, investigator):
    car = VehicleFactory(acting_user=investigator)
    assert_field_error(
        send(api, "patch", f"/api/objects/{car.pk}/", {"vrm": "", "version": 1}), "vrm"
    )
    car.refresh_from_db()
    assert car.vrm == "AB12 CDE"


LOCATION = {"premises_type": "hotel", "address_line_1": "1 Station Road", "town": "Leeds"}


def test_location_create_list_and_update(api):
    response = send(api, "post", "/api/locations/", {**LOCATION, "postcode": "ls11aa"})
    assert response.status_code == 201, response.content
    assert response.json()["postcode"] == "LS1 1AA"
    place = Location.objects.get()
    assert api.get("/api/locations/", {"postcode": "ls1 1aa"}).json()["count"] == 1
    assert api.get("/api/locations/", {"postcode": "LS2 7EX"}).json()["count"] == 0
    response = send(api, "put", f"/api/locations/{place.pk}/", {**LOCATION, "version": 1})
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**LOCATION, "postcode": "nonsense"}, "postcode"),
        ({**LOCATION, "premises_type": "castle"}, "premises_type"),
        ({**LOCATION, "latitude": "north"}, "latitude"),
        ({"premises_type": "hotel"}, "town"),
    ],
)
def test_location_create_bad_input(api, body, field):
    assert_field_error(send(api, "post", "/api/locations/", body), field)
    assert not Location.objects.exists()


# --- Events, links, intelligence --------------------------------------------------------------


def test_event_create_with_participants_and_list_by_person(api, investigator):
    child = PersonFactory(acting_user=investigator)
    hotel = LocationFactory(acting_user=investigator)
    response = send(
        api,
        "post",
        "/api/events/",
        {
            "event_type": "incident",
            "occurred_at": "2024-03-01T21:30:00Z",
            "summary": "Found at hotel",
            "add_people": [{"id": child.pk, "role": "victim"}],
            "add_locations": [{"id": hotel.pk, "role": "found_at"}],
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["people"] == [{"id": child.pk, "role": "victim"}]
    assert body["locations"] == [{"id": hotel.pk, "role": "found_at"}]
    EventFactory(acting_user=investigator)
    rows = api.get("/api/events/", {"person": child.pk}).json()["results"]
    assert [row["id"] for row in rows] == [body["id"]]
    event = Event.objects.get(pk=body["id"])
    response = send(
        api, "patch", f"/api/events/{event.pk}/", {"summary": "Found at the hotel", "version": 1}
    )
    assert response.status_code == 200
    assert response.json()["people"] == [{"id": child.pk, "role": "victim"}]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"event_type": "incident", "summary": "x"}, "occurred_at"),
        (
            {"event_type": "gossip", "occurred_at": "2024-03-01T21:30:00Z", "summary": "x"},
            "event_type",
        ),
        (
            {
                "event_type": "incident",
                "occurred_at": "2024-03-01T21:30:00Z",
                "ended_at": "2024-03-01T20:00:00Z",
                "summary": "x",
            },
            "ended_at",
        ),
        (
            {
                "event_type": "incident",
                "occurred_at": "2024-03-01T21:30:00Z",
                "summary": "x",
                "add_people": [{"id": "one"}],
            },
            "add_people",
        ),
    ],
)
def test_event_create_bad_input(api, body, field):
    assert_field_error(send(api, "post", "/api/events/", body), field)
    assert not Event.objects.exists()


def test_event_with_an_unknown_role_is_refused(api, investigator):
    child = PersonFactory(acting_user=investigator)
    response = send(
        api,
        "post",
        "/api/events/",
        {
            "event_type": "incident",
            "occurred_at": "2024-03-01T21:30:00Z",
            "summary": "x",
            "add_people": [{"id": child.pk, "role": "ringleader"}],
        },
    )
    assert_field_error(response, "role")
    assert not Event.objects.exists()


def test_link_create_list_and_update(api, investigator):
    child = PersonFactory(acting_user=investigator)
    car = VehicleFactory(acting_user=investigator)
    response = send(
        api,
        "post",
        "/api/links/",
        {
            "link_type": "travelled_in",
            "from_record": {"kind": "person", "id": child.pk},
            "to_record": {"kind": "object", "id": car.pk},
            "source": "ANPR and CCTV",
            "first_seen": "2024-01-01",
        },
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["source_record"] == {"kind": "person", "id": child.pk}
    assert body["target_record"] == {"kind": "object", "id": car.pk}
    assert api.get("/api/links/", {"link_type": "travelled_in"}).json()["count"] == 1
    response = send(
        api, "patch", f"/api/links/{body['id']}/", {"last_seen": "2024-02-01", "version": 1}
    )
    assert response.status_code == 200 and response.json()["last_seen"] == "2024-02-01"


@pytest.mark.parametrize(
    ("link_type", "to", "extra", "field"),
    [
        ("lives_at", "person", {}, "link_type"),
        ("sibling_of", "self", {}, "target"),
        (
            "sibling_of",
            "person",
            {"first_seen": "2024-05-02", "last_seen": "2024-05-01"},
            "last_seen",
        ),
        ("", "person", {}, "link_type"),
        ("sibling_of", "person", {"source": ""}, "source"),
    ],
)
def test_link_create_bad_input(api, investigator, link_type, to, extra, field):
    one = PersonFactory(acting_user=investigator)
    other = one if to == "self" else PersonFactory(acting_user=investigator)
    body = {
        "link_type": link_type,
        "from_record": {"kind": "person", "id": one.pk},
        "to_record": {"kind": "person", "id": other.pk},
        "source": "School",
        **extra,
    }
    assert_field_error(send(api, "post", "/api/links/", body), field)
    assert not Link.objects.exists()


def test_link_update_bad_dates(api, investigator):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    link = LinkFactory(acting_user=investigator, source_entity=one, target_entity=other)
    response = send(
        api,
        "patch",
        f"/api/links/{link.pk}/",
        {"first_seen": "2024-05-02", "last_seen": "2024-05-01", "version": 1},
    )
    assert_field_error(response, "last_seen")


REPORT = {
    "occurred_at": "2024-05-01T09:00:00Z",
    "summary": "Collected from school",
    "text": "By an adult male in a silver car.",
    "source_evaluation": "2",
    "intelligence_assessment": "B",
    "handling_code": "P",
}


def test_intelligence_report_create(api, investigator):
    child = PersonFactory(acting_user=investigator)
    response = send(api, "post", "/api/intelligence-reports/", {**REPORT, "subjects": [child.pk]})
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["grading"] == "2BP" and body["subjects"] == [child.pk]
    report = IntelligenceReport.objects.get()
    assert body["event"] == report.event_id
    timeline = api.get("/api/events/", {"person": child.pk}).json()["results"]
    assert [row["event_type"] for row in timeline] == ["intelligence_report"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"handling_code": "C"}, "handling_conditions"),
        ({"source_evaluation": "4"}, "source_evaluation"),
        ({"intelligence_assessment": None}, "intelligence_assessment"),
        ({"subjects": []}, "subjects"),
    ],
)
def test_intelligence_report_bad_input(api, investigator, changes, field):
    child = PersonFactory(acting_user=investigator)
    body = {**REPORT, "subjects": [child.pk], **changes}
    body = {k: v for k, v in body.items() if v is not None}
    assert_field_error(send(api, "post", "/api/intelligence-reports/", body), field)
    assert not IntelligenceReport.objects.exists() and not Event.objects.exists()


# --- Need-to-know -----------------------------------------------------------------------------


def test_anonymous_requests_are_refused(db):
    client = Client()
    for url in ["/api/people/", "/api/objects/", "/api/locations/", "/api/events/", "/api/links/"]:
        assert client.get(url).status_code in (401, 403), url
    response = send(client, "post", "/api/people/", {"given_names": "A", "family_name": "B"})
    assert response.status_code in (401, 403)
    assert not Person.objects.exists()


@pytest.mark.parametrize("user", ["partner", "outsider"])
def test_police_records_are_not_found_for_partner_and_outsider(investigator, user, request):
    client = session(request.getfixturevalue(user))
    person = PersonFactory(acting_user=investigator)
    car = VehicleFactory(acting_user=investigator)
    hotel = LocationFactory(acting_user=investigator)
    event = EventFactory(acting_user=investigator, people=[(person, "subject")])
    link = LinkFactory(
        acting_user=investigator,
        link_type="drives_vehicle",
        source_entity=person,
        target_entity=car,
    )
    for url in [
        f"/api/people/{person.pk}/",
        f"/api/objects/{car.pk}/",
        f"/api/locations/{hotel.pk}/",
        f"/api/events/{event.pk}/",
        f"/api/links/{link.pk}/",
    ]:
        assert client.get(url).status_code == 404, url
        response = send(client, "patch", url, {"notes": "x", "summary": "x", "version": 1})
        assert response.status_code == 404, url
    for url in ["/api/people/", "/api/objects/", "/api/locations/", "/api/events/", "/api/links/"]:
        assert client.get(url).json()["count"] == 0, url
    person.refresh_from_db()
    assert person.version == 1


def test_outsider_cannot_create(outsider):
    client = session(outsider)
    response = send(client, "post", "/api/people/", {"given_names": "A", "family_name": "B"})
    assert response.status_code == 403
    assert response.json()["detail"]
    assert not Person.objects.exists()


def test_partner_cannot_link_or_report_on_police_records(investigator, partner):
    police_person = PersonFactory(acting_user=investigator)
    own = PersonFactory(acting_user=partner)
    client = session(partner)
    response = send(
        client,
        "post",
        "/api/links/",
        {
            "link_type": "sibling_of",
            "from_record": {"kind": "person", "id": own.pk},
            "to_record": {"kind": "person", "id": police_person.pk},
            "source": "School",
        },
    )
    assert response.status_code == 404
    response = send(
        client, "post", "/api/intelligence-reports/", {**REPORT, "subjects": [police_person.pk]}
    )
    assert response.status_code == 404
    assert not Link.objects.exists() and not IntelligenceReport.objects.exists()


def test_restricted_record_is_hidden_from_another_force(investigator, other_force_officer):
    person = PersonFactory(acting_user=investigator, access_level="restricted")
    client = session(other_force_officer)
    assert client.get(f"/api/people/{person.pk}/").status_code == 404
    assert client.get("/api/people/").json()["count"] == 0


# --- Schema and docs --------------------------------------------------------------------------


def test_openapi_schema_and_docs(api):
    response = api.get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    for path in [
        "/api/people/",
        "/api/people/{id}/",
        "/api/objects/",
        "/api/locations/",
        "/api/events/",
        "/api/links/",
        "/api/intelligence-reports/",
    ]:
        assert path in schema["paths"], path
    assert api.get("/api/docs/").status_code == 200
    assert api.get("/api/redoc/").status_code == 200


# --- Filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "params", "field"),
    [
        ("/api/events/", {"person": "abc"}, "person"),
        ("/api/people/", {"date_of_birth": "nonsense"}, "date_of_birth"),
    ],
)
def test_bad_filter_values_are_a_400_not_a_500(api, url, params, field):
    assert_field_error(api.get(url, params), field)


def test_event_filter_by_person_lists_each_event_once(api, investigator):
    child = PersonFactory(acting_user=investigator)
    event = EventFactory(acting_user=investigator, people=[(child, "victim"), (child, "present")])
    body = api.get("/api/events/", {"person": child.pk}).json()
    assert [row["id"] for row in body["results"]] == [event.pk]
    assert sorted(p["role"] for p in body["results"][0]["people"]) == ["present", "victim"]
