"""Two people edit the same record at once: the first save wins, the second is told and saves
nothing (optimistic locking on `version`), through the screens and through the API."""

from __future__ import annotations

import json
import re
from typing import Any

from django.test import Client
from django.urls import reverse

from tests.factories import LinkFactory, LocationFactory, PersonFactory
from tests.people.test_views import person_data

CONFLICT = "Someone else changed this record while you were editing it."


def session(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def version_on_form(html: str) -> str:
    match = re.search(r'name="version" value="(\d+)"', html)
    assert match, "edit form carries no version"
    return match.group(1)


def test_second_of_two_concurrent_page_edits_gets_the_conflict(investigator, colleague):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    url = reverse("person_edit", args=[person.pk])
    first, second = session(investigator), session(colleague)
    first_version = version_on_form(first.get(url).content.decode())
    second_version = version_on_form(second.get(url).content.decode())
    assert first_version == second_version == "1"

    saved = first.post(url, person_data(given_names="Kayleigh", version=first_version))
    assert saved.status_code == 302

    refused = second.post(
        url, person_data(given_names="Kayleigh", nationality="Irish", version=second_version)
    )
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "There is a problem" in html
    assert CONFLICT in html
    assert "investigator saved version 2" in html

    person.refresh_from_db()
    assert (person.family_name, person.nationality, person.version) == ("Smith", "British", 2)
    assert person.updated_by == investigator


def test_reloading_after_a_conflict_allows_the_edit(investigator, colleague):
    person = PersonFactory(acting_user=investigator)
    url = reverse("person_edit", args=[person.pk])
    session(investigator).post(url, person_data(version="1"))
    second = session(colleague)
    version = version_on_form(second.get(url).content.decode())
    assert version == "2"
    assert second.post(url, person_data(nationality="Irish", version=version)).status_code == 302
    person.refresh_from_db()
    assert person.nationality == "Irish" and person.version == 3


def test_concurrent_location_edits(investigator, colleague):
    place = LocationFactory(acting_user=investigator)
    url = reverse("location_edit", args=[place.pk])
    data = {
        "premises_type": "hotel",
        "address_line_1": "1 Station Road",
        "town": "Leeds",
        "access_level": "standard",
        "version": "1",
    }
    assert session(investigator).post(url, {**data, "name": "First"}).status_code == 302
    refused = session(colleague).post(url, {**data, "name": "Second"})
    assert CONFLICT in refused.content.decode()
    place.refresh_from_db()
    assert place.name == "First"


def api(user: Any) -> Client:
    return session(user)


def send(client: Client, method: str, url: str, body: dict[str, Any]) -> Any:
    return getattr(client, method)(url, data=json.dumps(body), content_type="application/json")


def test_second_of_two_concurrent_api_patches_gets_409(investigator, colleague):
    person = PersonFactory(acting_user=investigator, family_name="Smith")
    url = f"/api/people/{person.pk}/"
    first, second = api(investigator), api(colleague)
    version = first.get(url).json()["version"]
    assert second.get(url).json()["version"] == version

    ok = send(first, "patch", url, {"nationality": "British", "version": version})
    assert ok.status_code == 200
    assert ok.json()["version"] == version + 1

    conflict = send(second, "patch", url, {"nationality": "Irish", "version": version})
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["errors"]["version"] == [body["detail"]]
    assert (body["expected_version"], body["current_version"]) == (version, version + 1)

    person.refresh_from_db()
    assert person.nationality == "British"


def test_stale_api_put_gets_409(investigator, colleague):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    url = f"/api/people/{person.pk}/"
    full = {"given_names": "Kayleigh", "family_name": "Smith", "version": 1}
    assert send(api(investigator), "put", url, {**full, "notes": "first"}).status_code == 200
    response = send(api(colleague), "put", url, {**full, "notes": "second"})
    assert response.status_code == 409
    person.refresh_from_db()
    assert person.notes == "first"


def test_stale_api_link_update_gets_409(investigator, colleague):
    one = PersonFactory(acting_user=investigator)
    other = PersonFactory(acting_user=investigator)
    link = LinkFactory(acting_user=investigator, source_entity=one, target_entity=other)
    url = f"/api/links/{link.pk}/"
    assert send(api(investigator), "patch", url, {"notes": "a", "version": 1}).status_code == 200
    assert send(api(colleague), "patch", url, {"notes": "b", "version": 1}).status_code == 409
    link.refresh_from_db()
    assert link.notes == "a"
