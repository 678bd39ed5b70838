"""The person's "Currently missing" flag follows their episodes: set when one opens, cleared on
return, the same after an import, shown on the person page and in search results, and never
set or cleared by editing the person."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from tests.missing.conftest import at, record_return, report
from tests.missing.test_import import ROWS, csv_text
from vigil.audit.models import AuditEntry
from vigil.missing.imports import import_missing_export
from vigil.people import services as people_services
from vigil.people.models import Person

pytestmark = pytest.mark.django_db


def flags(person: Person) -> list[str]:
    person.refresh_from_db()
    return list(person.flags)


def test_the_flag_is_set_while_an_episode_is_open_and_cleared_on_return(
    investigator: Any, world: dict[str, Any]
) -> None:
    child = world["child"]
    version = child.version
    episode = report(investigator, child, at(2026, 3, 1, 21, 30))
    assert flags(child) == ["in_care", "missing"]
    assert child.version == version  # derived: an edit form open on the child stays valid
    assert AuditEntry.objects.filter(
        object_type="person", object_id=str(child.pk), detail__flag="missing", detail__set=True
    ).exists()
    record_return(investigator, episode, at(2026, 3, 2, 9, 0))
    assert flags(child) == ["in_care"]


def test_editing_the_person_neither_sets_nor_clears_the_flag(
    investigator: Any, world: dict[str, Any]
) -> None:
    child = world["child"]
    report(investigator, child, at(2026, 3, 1, 21, 30))
    child.refresh_from_db()
    people_services.person_update(
        acting_user=investigator, person=child, expected_version=child.version, flags=["sen"]
    )
    assert flags(child) == ["missing", "sen"]
    adult = world["adult"]
    people_services.person_update(
        acting_user=investigator, person=adult, expected_version=adult.version, flags=["missing"]
    )
    assert flags(adult) == []


def test_an_import_leaves_open_episodes_flagged_and_returned_ones_not(investigator: Any) -> None:
    result = import_missing_export(acting_user=investigator, text=csv_text(*ROWS), filename="a")
    assert result.ok, result.errors
    kayleigh = Person.objects.get(given_names="Kayleigh")
    chloe = Person.objects.get(given_names="Chloe")
    assert "missing" not in kayleigh.flags  # both her episodes have returns
    assert "missing" in chloe.flags  # MIS/0600 has none yet
    returned = ROWS[2].replace(
        "Lane,,,,,,,,,,,", "Lane,2026-02-21 08:00,returned_self,,,,,,,,no,Went to a friend's"
    )
    result = import_missing_export(acting_user=investigator, text=csv_text(returned), filename="b")
    assert result.ok and result.returns_added == 1
    assert "missing" not in flags(chloe)


def test_the_flag_shows_on_the_person_page_and_in_search(
    investigator: Any, world: dict[str, Any]
) -> None:
    child = world["child"]
    report(investigator, child, at(2026, 3, 1, 21, 30))
    client = Client()
    client.force_login(investigator)
    page = client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert 'id="person-missing"' in page and "Currently missing" in page
    results = client.get(reverse("search") + "?q=Kayleigh").content.decode()
    assert 'govuk-tag--red">Missing</strong>' in results
