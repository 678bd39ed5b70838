"""The safeguarding API: record and list observations, read a child's screening, give a
professional judgement; one error shape; need-to-know; stale versions refused."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

from tests.safeguarding.conftest import today
from vigil.safeguarding.models import Observation, ScreeningResult


def api(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def body(child: Any, **extra: Any) -> dict[str, Any]:
    data = {
        "child": child.pk,
        "codes": ["WS-EDU-TRUANCY"],
        "observed_on": today().isoformat(),
        "source": "school",
        "note": "Absent most of March",
    }
    data.update(extra)
    return data


def post(client: Client, url: str, data: dict[str, Any]) -> Any:
    return client.post(url, data, content_type="application/json")


def test_recording_through_the_api_rescreens(investigator: Any, family: dict[str, Any]) -> None:
    child, adult = family["tyler"], family["suspect"]
    response = post(
        api(investigator),
        reverse("api_observations"),
        body(child, codes=["WS-EDU-TRUANCY", "WS-FAM-RISKY-ADULTS"], involved_people=[adult.pk]),
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert [o["code"] for o in data["observations"]] == ["WS-EDU-TRUANCY", "WS-FAM-RISKY-ADULTS"]
    assert data["observations"][0]["involved_people"] == [adult.pk]
    assert data["screening"]["level"] == "medium"
    assert data["screening"]["reasons"][0]["observations"]


def test_bad_input_gets_the_one_error_shape(investigator: Any, family: dict[str, Any]) -> None:
    client = api(investigator)
    url = reverse("api_observations")
    cases = [
        (body(family["tyler"], codes=["NOPE"]), "codes"),
        (body(family["tyler"], observed_on="2026-13-01"), "observed_on"),
        (body(family["tyler"], source="rumour"), "source"),
        (body(family["suspect"]), "child"),
        (body(family["tyler"], involved_people=[999999]), "involved_people"),
    ]
    for data, field in cases:
        response = post(client, url, data)
        assert response.status_code == 400, (field, response.json())
        assert set(response.json()) >= {"detail", "errors"}
        assert field in response.json()["errors"], (field, response.json())
    assert not Observation.objects.exists()


def test_hidden_children_are_not_found(
    investigator: Any, partner: Any, outsider: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    assert post(api(partner), reverse("api_observations"), body(child)).status_code == 404
    assert api(partner).get(reverse("api_child_screening", args=[child.pk])).status_code == 404
    assert post(api(outsider), reverse("api_observations"), body(child)).status_code == 403


def test_listing_is_filtered_and_withdrawal_needs_the_version(
    investigator: Any, partner: Any, family: dict[str, Any]
) -> None:
    client = api(investigator)
    post(client, reverse("api_observations"), body(family["tyler"]))
    post(client, reverse("api_observations"), body(family["kayleigh"]))
    rows = client.get(reverse("api_observations"), {"child": family["tyler"].pk}).json()["results"]
    assert [r["child"] for r in rows] == [family["tyler"].pk]
    assert client.get(reverse("api_observations"), {"child": "x"}).status_code == 400
    assert api(partner).get(reverse("api_observations")).json()["results"] == []

    obs = Observation.objects.get(child=family["tyler"])
    url = reverse("api_observation_withdraw", args=[obs.pk])
    stale = post(client, url, {"reason": "Wrong child", "version": 7})
    assert stale.status_code == 409
    assert "version" in stale.json()["errors"]
    done = post(client, url, {"reason": "Wrong child", "version": 1})
    assert done.status_code == 200 and done.json()["withdrawn_reason"] == "Wrong child"
    assert ScreeningResult.objects.get(child=family["tyler"], is_current=True).rank == 0


def test_screening_and_judgement(investigator: Any, family: dict[str, Any]) -> None:
    client = api(investigator)
    child = family["tyler"]
    screening = client.get(reverse("api_child_screening", args=[child.pk])).json()
    assert (screening["rank"], screening["label"]) == (0, "no indicators recorded")
    refused = client.get(reverse("api_child_screening", args=[family["suspect"].pk]))
    assert refused.status_code == 400
    assert "date_of_birth" in refused.json()["errors"]

    url = reverse("api_child_judgement", args=[child.pk])
    assert client.get(url).json() == {"override": None}
    missing = post(client, url, {"rank": 2})
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    made = post(client, url, {"rank": 2, "reason": "Sister exploited"})
    assert made.status_code == 201
    assert made.json()["override"]["status"] == "applied"
    assert (made.json()["screening"]["rank"], made.json()["screening"]["rule_rank"]) == (2, 0)
    assert client.get(url).json()["override"]["reason"] == "Sister exploited"
    too_high = post(client, url, {"rank": 9, "reason": "x"})
    assert too_high.status_code == 400 and "rank" in too_high.json()["errors"]
