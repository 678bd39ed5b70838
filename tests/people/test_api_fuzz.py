"""Random JSON bodies posted to every create endpoint: never a 500, and nothing is stored
when the request is refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import LocationFactory, PersonFactory, VehicleFactory
from vigil.audit.models import Action, AuditEntry
from vigil.people.models import Event, IntelligenceReport, Link, Location, Person, PoleObject

ENDPOINTS: dict[str, tuple[type, list[str]]] = {
    "/api/people/": (
        Person,
        ["given_names", "family_name", "date_of_birth", "gender", "flags", "languages", "version"],
    ),
    "/api/objects/": (PoleObject, ["kind", "vrm", "phone_number", "imei", "platform", "handle"]),
    "/api/locations/": (
        Location,
        ["premises_type", "address_line_1", "town", "postcode", "latitude", "longitude"],
    ),
    "/api/events/": (
        Event,
        ["event_type", "occurred_at", "ended_at", "summary", "add_people", "add_objects"],
    ),
    "/api/links/": (Link, ["link_type", "from_record", "to_record", "source", "first_seen"]),
    "/api/intelligence-reports/": (
        IntelligenceReport,
        [
            "subjects",
            "occurred_at",
            "summary",
            "text",
            "source_evaluation",
            "intelligence_assessment",
            "handling_code",
        ],
    ),
}

# Values chosen to reach deep into the services, not just the serializers: real ids and kinds,
# plausible dates and codes, huge and negative numbers, and structures in the wrong place.
plausible = st.sampled_from(
    [
        "",
        " ",
        "vehicle",
        "phone",
        "person",
        "object",
        "hotel",
        "incident",
        "sibling_of",
        "drives_vehicle",
        "C",
        "P",
        "1",
        "A",
        "ab12 cde",
        "LS1 1AA",
        "2024-03-01",
        "2024-03-01T21:30:00Z",
        "2999-01-01",
        "0000-00-00",
        "07700 900123",
        "@x",
        "\x00",
        "9" * 30,
    ]
)
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=30)
    | plausible
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(st.sampled_from(["id", "kind", "role"]) | st.text(max_size=5), children)
    ),
    max_leaves=8,
)


def bodies(keys: list[str]) -> st.SearchStrategy[Any]:
    known = st.dictionaries(st.sampled_from(keys), json_values, max_size=len(keys))
    return known | json_values


@pytest.fixture
def api(investigator: Any) -> Client:
    # Some real records, so random small ids sometimes name one.
    person = PersonFactory(acting_user=investigator)
    PersonFactory(acting_user=investigator)
    VehicleFactory(acting_user=investigator)
    LocationFactory(acting_user=investigator)
    assert person.pk
    client = Client()
    client.force_login(investigator)
    return client


@pytest.mark.parametrize("url", list(ENDPOINTS))
def test_random_bodies_never_cause_a_server_error(api, url):
    model, keys = ENDPOINTS[url]

    @settings(
        max_examples=60,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(body=bodies(keys))
    def post(body: Any) -> None:
        rows = model.objects.count()
        collections = AuditEntry.objects.filter(action=Action.COLLECTION).count()
        response = api.post(url, data=json.dumps(body), content_type="application/json")
        assert response.status_code < 500, (body, response.content)
        if response.status_code == 201:
            assert model.objects.count() == rows + 1
        else:
            assert response.status_code in (400, 403, 404), (body, response.content)
            assert model.objects.count() == rows, body
            assert AuditEntry.objects.filter(action=Action.COLLECTION).count() == collections
            assert "detail" in response.json()

    post()


def test_malformed_json_is_a_400(api):
    response = api.post("/api/people/", data="{not json", content_type="application/json")
    assert response.status_code == 400
    assert not Person.objects.filter(given_names="not").exists()
