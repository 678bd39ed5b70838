"""The missing-episodes API: report, re-grade (409 on a stale version), return, interviews,
repeat missing and where found; one error shape; need-to-know."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.missing.conftest import record_return, report
from vigil.audit.models import Action, AuditEntry
from vigil.missing.models import MissingEpisode

pytestmark = pytest.mark.django_db


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def post(client: Client, url: str, body: Any) -> Any:
    return client.post(url, data=json.dumps(body), content_type="application/json")


def iso(hours_ago: float) -> str:
    return (timezone.now() - timedelta(hours=hours_ago)).isoformat()


def test_report_list_and_retrieve(investigator: Any, world: dict[str, Any]) -> None:
    api = session(investigator)
    created = post(
        api,
        "/api/missing/episodes/",
        {
            "child": world["child"].pk,
            "reported_missing_at": iso(20),
            "reported_by_kind": "childrens_home",
            "missing_from": world["home"].pk,
            "risk_level": "high",
            "risk_reason": "Known CSE risk",
            "grading_officer": "PS 1 Hale",
            "external_reference": "MIS/9",
        },
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["reference"] == f"MP-{body['id']}" and body["return_interview"] is None
    listed = api.get("/api/missing/episodes/", {"open": "true"}).json()
    assert [row["id"] for row in listed] == [body["id"]]
    assert api.get(f"/api/missing/episodes/{body['id']}/").json()["risk_level"] == "high"
    assert AuditEntry.objects.filter(
        action=Action.CONSULTATION, object_type="missingepisode", object_id=str(body["id"])
    ).exists()


def test_bad_input_has_the_one_error_shape(investigator: Any, world: dict[str, Any]) -> None:
    api = session(investigator)
    response = post(
        api,
        "/api/missing/episodes/",
        {"child": world["child"].pk, "reported_missing_at": "yesterday", "risk_level": "severe"},
    )
    assert response.status_code == 400
    body = response.json()
    assert body["detail"] == "Invalid input."
    assert {"reported_missing_at", "risk_level", "risk_reason", "grading_officer"} <= set(
        body["errors"]
    )
    future = post(
        api,
        "/api/missing/episodes/",
        {
            "child": world["child"].pk,
            "reported_missing_at": iso(-5),
            "reported_by_kind": "parent",
            "risk_level": "low",
            "risk_reason": "r",
            "grading_officer": "g",
        },
    )
    assert future.status_code == 400 and "reported_missing_at" in future.json()["errors"]
    assert api.get("/api/missing/episodes/", {"child": "abc"}).status_code == 400
    assert api.get("/api/missing/interviews/", {"show": "lost"}).status_code == 400
    assert not MissingEpisode.objects.exists()


def test_regrade_with_a_stale_version_is_409(investigator: Any, world: dict[str, Any]) -> None:
    episode = report(investigator, world["child"], timezone.now() - timedelta(hours=5))
    api = session(investigator)
    url = f"/api/missing/episodes/{episode.pk}/regrade/"
    body = {"risk_level": "high", "reason": "New intelligence", "grading_officer": "Insp 2"}
    assert post(api, url, {**body, "version": 1}).json()["version"] == 2
    stale = post(api, url, {**body, "version": 1})
    assert stale.status_code == 409 and stale.json()["current_version"] == 2


def test_return_then_interview_status(investigator: Any, world: dict[str, Any]) -> None:
    episode = report(investigator, world["child"], timezone.now() - timedelta(hours=30))
    api = session(investigator)
    returned = post(
        api,
        f"/api/missing/episodes/{episode.pk}/return/",
        {
            "version": episode.version,
            "returned_at": iso(2),
            "how_returned": "found_by_police",
            "found_at": world["hotel"].pk,
            "found_with": [world["adult"].pk],
            "vehicles": [world["car"].pk],
        },
    )
    assert returned.status_code == 200, returned.content
    interview = returned.json()["return_interview"]
    assert interview["status"] == "due" and interview["state"] == "due"
    assert returned.json()["found_with"] == [world["adult"].pk]
    due = api.get("/api/missing/interviews/").json()
    assert [row["child"] for row in due] == [world["child"].pk]
    moved = post(
        api,
        f"/api/missing/episodes/{episode.pk}/interview/",
        {"version": interview["version"], "status": "completed", "at": iso(1)},
    )
    assert moved.status_code == 200 and moved.json()["status"] == "completed"
    again = post(
        api,
        f"/api/missing/episodes/{episode.pk}/interview/",
        {"version": moved.json()["version"], "status": "declined", "at": iso(0.5)},
    )
    assert again.status_code == 400 and "status" in again.json()["errors"]
    hidden = post(
        api,
        f"/api/missing/episodes/{episode.pk}/return/",
        {"version": 2, "returned_at": iso(1), "how_returned": "other", "found_with": [999999]},
    )
    assert hidden.status_code == 404


def test_repeat_and_where_found(investigator: Any, world: dict[str, Any]) -> None:
    now = timezone.now()
    for days in (60, 30, 3):
        episode = report(investigator, world["child"], now - timedelta(days=days))
        record_return(
            investigator, episode, now - timedelta(days=days, hours=-4), found_at=world["hotel"]
        )
    api = session(investigator)
    (row,) = api.get("/api/missing/repeat/").json()
    assert (row["child"], row["episodes"], row["trend"]) == (world["child"].pk, 3, "rising")
    (place,) = api.get("/api/missing/where-found/").json()
    assert (place["location"], place["episodes"], place["children"]) == (
        world["hotel"].pk,
        3,
        [world["child"].pk],
    )


def test_need_to_know(
    investigator: Any, partner: Any, outsider: Any, world: dict[str, Any]
) -> None:
    episode = report(investigator, world["child"], timezone.now() - timedelta(hours=5))
    assert session(outsider).get("/api/missing/episodes/").status_code == 403
    partner_api = session(partner)
    assert partner_api.get("/api/missing/episodes/").json() == []
    assert partner_api.get(f"/api/missing/episodes/{episode.pk}/").status_code == 404
    regrade = post(
        partner_api,
        f"/api/missing/episodes/{episode.pk}/regrade/",
        {"version": 1, "risk_level": "low", "reason": "r", "grading_officer": "g"},
    )
    assert regrade.status_code == 404
    assert Client().get("/api/missing/episodes/").status_code in (401, 403)
