"""The bulk versions of the people services (used by imports): the same rules as one at a
time, one audit entry per record, need-to-know on every record linked."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import LocationFactory, PersonFactory
from vigil.audit.models import Action, AuditEntry
from vigil.people import services
from vigil.people.models import Link, NameKey, Person, PersonNameIndex
from vigil.people.services import NewLink

pytestmark = pytest.mark.django_db


def test_people_are_created_in_bulk_with_search_keys_and_an_audit_entry_each(
    investigator: Any,
) -> None:
    people = services.people_create_many(
        acting_user=investigator,
        people=[
            {"given_names": "Kayleigh", "family_name": "Smith", "flags": ["in_care"]},
            {"given_names": "Lee", "family_name": "Marsh"},
        ],
        detail={"import": "test.csv"},
    )
    assert [p.version for p in people] == [1, 1]
    assert all(p.owning_agency_id == investigator.agency_id for p in people)
    assert NameKey.objects.filter(person=people[0], key="x:kayleigh").exists()
    assert PersonNameIndex.objects.filter(person__in=people).count() == 2
    entries = AuditEntry.objects.filter(action=Action.COLLECTION, object_type="person")
    assert sorted(entries.values_list("object_id", flat=True)) == sorted(str(p.pk) for p in people)
    assert all(entry.detail == {"import": "test.csv"} for entry in entries)


def test_bulk_creation_applies_the_same_rules_and_stores_nothing_on_a_fault(
    investigator: Any,
) -> None:
    with pytest.raises(ValidationError) as error:
        services.people_create_many(
            acting_user=investigator,
            people=[
                {"given_names": "Kayleigh", "family_name": "Smith"},
                {"given_names": "Lee", "family_name": "Marsh", "flags": ["wanted"]},
            ],
            detail={},
        )
    assert "flags" in error.value.message_dict
    assert not Person.objects.exists()


def test_outsiders_cannot_create_in_bulk(outsider: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.people_create_many(
            acting_user=outsider, people=[{"given_names": "A", "family_name": "B"}], detail={}
        )


def test_links_in_bulk_check_each_link_and_that_the_user_sees_both_ends(
    investigator: Any, other_force_officer: Any
) -> None:
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    hotel = LocationFactory(acting_user=investigator, name="Station Hotel", premises_type="hotel")
    links = services.links_create_many(
        acting_user=investigator,
        links=[NewLink("found_at", child, hotel, "Missing episode MP-1")],
        detail={},
    )
    assert links[0].version == 1 and links[0].to_location == hotel
    with pytest.raises(ValidationError):
        services.links_create_many(
            acting_user=investigator,
            links=[NewLink("found_at", child, child, "Missing episode MP-1")],
            detail={},
        )
    hidden = PersonFactory(
        acting_user=other_force_officer,
        given_names="Hidden",
        family_name="Person",
        access_level="restricted",
    )
    with pytest.raises(PermissionDenied):
        services.links_create_many(
            acting_user=investigator,
            links=[NewLink("found_with", child, hidden, "Missing episode MP-2")],
            detail={},
        )
    assert Link.objects.count() == 1
