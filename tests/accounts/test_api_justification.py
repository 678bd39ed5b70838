"""The API's 'why are you looking?': a sensitive record read over the API needs a reason in
the X-Vigil-Justification header (or `?why=`), which becomes the consultation's justification
in the audit; without one the API answers 428 asking for it and shows nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from tests.factories import EventFactory, PersonFactory
from vigil.accounts.justification import API_HEADER
from vigil.audit.models import Action, AuditEntry

pytestmark = pytest.mark.why_are_you_looking


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def victim(investigator: Any) -> Any:
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    EventFactory(acting_user=investigator, people=[(child, "victim")])
    return child


def reasons(user: Any, child: Any) -> list[str]:
    return list(
        AuditEntry.objects.filter(
            action=Action.CONSULTATION,
            username=user.username,
            object_type="person",
            object_id=str(child.pk),
        ).values_list("justification", flat=True)
    )


def test_without_a_reason_the_api_asks_for_one(colleague: Any, victim: Any) -> None:
    response = signed_in(colleague).get(f"/api/people/{victim.pk}/")
    assert response.status_code == 428
    body = response.json()
    assert API_HEADER in body["detail"] and "justification" in body["errors"]
    assert "Kayleigh" not in response.content.decode()
    assert reasons(colleague, victim) == []


def test_the_header_is_the_audited_justification(colleague: Any, victim: Any) -> None:
    response = signed_in(colleague).get(
        f"/api/people/{victim.pk}/", headers={API_HEADER: "  Strategy   meeting OP-12 "}
    )
    assert response.status_code == 200 and response.json()["given_names"] == "Kayleigh"
    assert reasons(colleague, victim) == ["Strategy meeting OP-12"]


def test_the_query_parameter_works_too(colleague: Any, victim: Any) -> None:
    response = signed_in(colleague).get(f"/api/people/{victim.pk}/", {"why": "Case 24/1234"})
    assert response.status_code == 200
    assert reasons(colleague, victim) == ["Case 24/1234"]


def test_an_ordinary_record_needs_no_reason(colleague: Any, investigator: Any) -> None:
    adult = PersonFactory(acting_user=investigator)
    assert signed_in(colleague).get(f"/api/people/{adult.pk}/").status_code == 200


def test_a_hidden_record_is_404_with_or_without_a_reason(partner: Any, victim: Any) -> None:
    client = signed_in(partner)
    assert client.get(f"/api/people/{victim.pk}/").status_code == 404
    response = client.get(f"/api/people/{victim.pk}/", headers={API_HEADER: "Curious"})
    assert response.status_code == 404


def test_other_areas_apis_ask_too(colleague: Any, victim: Any) -> None:
    client = signed_in(colleague)
    url = f"/api/safeguarding/children/{victim.pk}/screening/"
    assert client.get(url).status_code == 428
    assert client.get(url, headers={API_HEADER: "Screening review"}).status_code == 200


def test_the_schema_documents_the_header(colleague: Any) -> None:
    schema = Client().get("/api/schema/", {"format": "json"}).json()
    operation = schema["paths"]["/api/people/{id}/"]["get"]
    assert API_HEADER in [parameter["name"] for parameter in operation["parameters"]]
    assert "428" in operation["responses"]


def test_a_childs_judgement_over_the_api_needs_a_reason_too(colleague: Any, victim: Any) -> None:
    """Every single-record read about a sensitive child asks why, not only the person API."""
    client = signed_in(colleague)
    url = f"/api/safeguarding/children/{victim.pk}/judgement/"
    assert client.get(url).status_code == 428
    assert client.get(url, headers={API_HEADER: "Strategy meeting"}).status_code == 200
    assert reasons(colleague, victim) == ["Strategy meeting"]
