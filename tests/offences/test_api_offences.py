"""`POST /api/offences/` (issue 8): the CLI's JSON contract in and out, one error shape naming
the field, case roles only, and never a 500."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.core.offences import FACTS, REQUEST_FIELDS, find_offences_for, parse_request

URL = reverse("api_offences")

VALID: dict[str, Any] = {
    "victim_date_of_birth": "2012-01-10",
    "suspect_date_of_birth": "1994-02-01",
    "incident_date": "2024-06-15",
    "facts": ["penile_penetration"],
}


def post(client: Client, body: Any) -> Any:
    return client.post(URL, json.dumps(body), content_type="application/json")


@pytest.fixture
def api(client: Client, investigator: Any) -> Client:
    client.force_login(investigator)
    return client


@pytest.mark.parametrize(
    "body",
    [
        VALID,
        {**VALID, "facts": []},
        {**VALID, "facts": ["sexual_touching", "believed_victim_16_or_over"]},
        {**VALID, "victim_date_of_birth": "1990-01-01", "facts": ["victim_did_not_consent"]},
        {**VALID, "victim_date_of_birth": "2008-06-15", "facts": sorted(FACTS)},
    ],
)
def test_it_returns_the_cli_contract(api: Client, body: dict[str, Any]) -> None:
    response = post(api, body)
    assert response.status_code == 200
    assert response.json() == find_offences_for(parse_request(body)).to_json()


def test_rape_of_a_child_under_13_comes_first(api: Client) -> None:
    data = post(api, VALID).json()
    assert (data["victim_age"], data["suspect_age"]) == (12, 30)
    first = data["offences"][0]
    assert (first["act"], first["section"], first["max_penalty"]) == (
        "Sexual Offences Act 2003",
        "5",
        "life",
    )
    assert set(first) == {"act", "section", "title", "max_penalty", "defences", "why"}


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({**VALID, "facts": ["groping"]}, "facts", "facts[0]: unknown fact 'groping'"),
        ({**VALID, "facts": [3]}, "facts", "facts[0]: expected a fact name (string)"),
        ({**VALID, "facts": "sexual_touching"}, "facts", "facts: expected a list of fact names"),
        (
            {k: v for k, v in VALID.items() if k != "incident_date"},
            "incident_date",
            "incident_date: missing",
        ),
        (
            {**VALID, "suspect_date_of_birth": "14/08/1990"},
            "suspect_date_of_birth",
            "suspect_date_of_birth: '14/08/1990' is not a valid date (YYYY-MM-DD)",
        ),
        (
            {**VALID, "incident_date": "2024-02-30"},
            "incident_date",
            "incident_date: '2024-02-30' is not a valid date (YYYY-MM-DD)",
        ),
        (
            {**VALID, "victim_date_of_birth": 20120110},
            "victim_date_of_birth",
            "victim_date_of_birth: expected a date as YYYY-MM-DD",
        ),
        (
            {**VALID, "victim_date_of_birth": "2024-06-16"},
            "victim_date_of_birth",
            "victim_date_of_birth: after incident_date",
        ),
        ({**VALID, "colour": "red"}, "colour", "colour: unknown field"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    api: Client, body: Any, field: str, message: str
) -> None:
    response = post(api, body)
    assert response.status_code == 400
    assert response.json() == {"detail": message, "errors": {field: [message]}}
    # The same message as `vigil offences --json` gives on stderr.
    with pytest.raises(ValueError, match=f"^{re.escape(message)}$"):
        parse_request(body)


@pytest.mark.parametrize("body", [[], "text", 1, None])
def test_a_body_that_is_not_an_object_is_a_400(api: Client, body: Any) -> None:
    response = post(api, body)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["non_field_errors"]


def test_malformed_json_is_a_400(api: Client) -> None:
    response = api.post(URL, "{not json", content_type="application/json")
    assert response.status_code == 400
    assert set(response.json()) == {"detail", "errors"}


def test_a_form_post_is_refused(api: Client) -> None:
    response = api.post(URL, {"facts": "sexual_touching"})
    assert response.status_code == 415
    assert set(response.json()) == {"detail", "errors"}


def test_anonymous_is_refused(client: Client) -> None:
    assert post(client, VALID).status_code in (401, 403)


def test_an_outsider_is_refused(client: Client, outsider: Any) -> None:
    client.force_login(outsider)
    response = post(client, VALID)
    assert response.status_code == 403
    assert "offences" not in response.json()


def test_a_partner_may_use_it(client: Client, partner: Any) -> None:
    client.force_login(partner)
    assert post(client, VALID).status_code == 200


def test_it_is_in_the_openapi_schema(api: Client) -> None:
    schema = api.get(reverse("api_schema"), HTTP_ACCEPT="application/json").json()
    operation = schema["paths"]["/api/offences/"]["post"]
    assert set(operation["responses"]) >= {"200", "400", "403"}
    request_schema = schema["components"]["schemas"]["OffenceQueryRequest"]
    assert set(request_schema["required"]) == set(REQUEST_FIELDS)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
date_like = st.dates().map(lambda d: d.isoformat()) | st.text(max_size=12) | json_values
near_contract = st.fixed_dictionaries(
    {
        "victim_date_of_birth": date_like,
        "suspect_date_of_birth": date_like,
        "incident_date": date_like,
        "facts": st.lists(st.sampled_from(sorted(FACTS)) | json_values, max_size=6) | json_values,
    },
    optional={"extra": json_values},
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=json_values | near_contract)
def test_random_json_never_gives_a_500(api: Client, body: Any) -> None:
    response = post(api, body)
    assert response.status_code in (200, 400)
    data = response.json()
    if response.status_code == 400:
        assert set(data) == {"detail", "errors"}
        assert all(isinstance(m, str) for ms in data["errors"].values() for m in ms)
    else:
        assert data == find_offences_for(parse_request(body)).to_json()
