"""person_create, person_update, person_name_add, person_identifier_add."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import PersonFactory
from vigil.audit.models import Action, AuditEntry
from vigil.errors import StaleVersionError
from vigil.people import services
from vigil.people.models import NameKey, Person, PersonIdentifier, PersonName


def audit_for(record: object, action: str) -> list[AuditEntry]:
    return list(
        AuditEntry.objects.filter(
            object_type=record._meta.model_name,  # type: ignore[attr-defined]
            object_id=str(record.pk),  # type: ignore[attr-defined]
            action=action,
        )
    )


def test_it_creates_a_person_owned_by_the_users_agency(investigator):
    person = services.person_create(
        acting_user=investigator,
        given_names=" Kayleigh ",
        family_name="Smith",
        date_of_birth=date(2010, 3, 14),
        languages=["English", " ", "Polish "],
        flags=["in_care", "in_care"],
    )
    person.refresh_from_db()
    assert person.owning_agency == investigator.agency
    assert person.created_by == investigator and person.updated_by == investigator
    assert person.version == 1
    assert person.languages == ["English", "Polish"]
    assert person.flags == ["in_care"]
    assert person.in_care


def test_it_writes_a_collection_audit_entry(investigator):
    person = PersonFactory(acting_user=investigator)
    [entry] = audit_for(person, Action.COLLECTION)
    assert entry.username == "investigator"
    assert entry.agency == "Testshire Police"


def test_it_indexes_names_for_search(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert {"x:kayleigh", "x:smith"} <= keys


def test_it_refuses_unknown_flags_and_saves_nothing(investigator):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            acting_user=investigator, given_names="A", family_name="B", flags=["vip"]
        )
    assert "flags" in caught.value.message_dict
    assert not Person.objects.exists()
    assert not AuditEntry.objects.exists()


def test_it_refuses_a_future_date_of_birth(investigator):
    with pytest.raises(ValidationError) as caught:
        services.person_create(
            acting_user=investigator,
            given_names="A",
            family_name="B",
            date_of_birth=date.today() + timedelta(days=1),
        )
    assert "date_of_birth" in caught.value.message_dict
    assert not Person.objects.exists()


def test_it_requires_names(investigator):
    with pytest.raises(ValidationError) as caught:
        services.person_create(acting_user=investigator, given_names="", family_name="")
    assert {"given_names", "family_name"} <= set(caught.value.message_dict)
    assert not Person.objects.exists()


@pytest.mark.parametrize("user", ["outsider"])
def test_it_refuses_users_without_a_case_role(user, request):
    with pytest.raises(PermissionDenied):
        services.person_create(
            acting_user=request.getfixturevalue(user), given_names="A", family_name="B"
        )
    assert not Person.objects.exists()


def test_update_changes_fields_bumps_the_version_and_audits(investigator, colleague):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    updated = services.person_update(
        acting_user=colleague, person=person, expected_version=1, nationality="British"
    )
    assert updated.version == 2
    person.refresh_from_db()
    assert person.nationality == "British"
    assert person.updated_by == colleague
    [entry] = audit_for(person, Action.ALTERATION)
    assert entry.username == "analyst"
    assert entry.detail == {"fields": ["nationality"], "version": 2}


def test_update_reindexes_names(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    services.person_update(
        acting_user=investigator, person=person, expected_version=1, given_names="Chantelle"
    )
    keys = set(NameKey.objects.filter(person=person).values_list("key", flat=True))
    assert "x:chantelle" in keys
    assert "x:kayleigh" not in keys


def test_update_without_changes_keeps_the_version_and_writes_no_entry(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    services.person_update(
        acting_user=investigator, person=person, expected_version=1, given_names="Kayleigh"
    )
    person.refresh_from_db()
    assert person.version == 1
    assert not audit_for(person, Action.ALTERATION)


def test_stale_version_raises_and_leaves_the_record_unchanged(investigator, colleague):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    services.person_update(
        acting_user=colleague, person=person, expected_version=1, nationality="British"
    )
    with pytest.raises(StaleVersionError) as caught:
        services.person_update(
            acting_user=investigator, person=person, expected_version=1, nationality="Irish"
        )
    assert caught.value.extra == {"expected_version": 1, "current_version": 2}
    assert caught.value.current.nationality == "British"
    person.refresh_from_db()
    assert person.nationality == "British"
    assert person.version == 2
    assert len(audit_for(person, Action.ALTERATION)) == 1


def test_a_validation_error_on_update_leaves_stored_data_unchanged(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    before = AuditEntry.objects.count()
    with pytest.raises(ValidationError):
        services.person_update(
            acting_user=investigator,
            person=person,
            expected_version=1,
            family_name="Jones",
            gender="not-a-gender",
        )
    person.refresh_from_db()
    assert person.family_name == "Smith"
    assert person.version == 1
    assert AuditEntry.objects.count() == before
    assert NameKey.objects.filter(person=person, key="x:smith").exists()


def test_partner_cannot_update_a_police_record(investigator, partner):
    person = PersonFactory(acting_user=investigator)
    with pytest.raises(PermissionDenied):
        services.person_update(
            acting_user=partner, person=person, expected_version=1, nationality="British"
        )
    person.refresh_from_db()
    assert person.nationality == ""


def test_name_add_records_the_alias_bumps_the_version_and_reindexes(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    name = services.person_name_add(
        acting_user=investigator,
        person=person,
        name_type="alias",
        given_names="Kayleigh",
        family_name="Jones",
        source="Foster carer",
    )
    assert name.recorded_by_agency == investigator.agency
    person.refresh_from_db()
    assert person.version == 2
    assert NameKey.objects.filter(person=person, key="x:jones").exists()
    [entry] = audit_for(person, Action.ALTERATION)
    assert entry.detail == {"added": "name", "name_type": "alias"}


def test_name_add_needs_a_name(investigator):
    person = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as caught:
        services.person_name_add(acting_user=investigator, person=person, name_type="alias")
    assert "given_names" in caught.value.message_dict
    assert not PersonName.objects.exists()


def test_name_add_refuses_an_unknown_name_type(investigator):
    person = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError):
        services.person_name_add(
            acting_user=investigator, person=person, name_type="codename", given_names="X"
        )
    assert not PersonName.objects.exists()
    person.refresh_from_db()
    assert person.version == 1


def test_identifier_add_normalises_the_value(investigator):
    person = PersonFactory(acting_user=investigator)
    identifier = services.person_identifier_add(
        acting_user=investigator, person=person, scheme="nhs", value=" 943 476 5919 "
    )
    assert identifier.value == "9434765919"
    person.refresh_from_db()
    assert person.version == 2


def test_identifier_add_refuses_an_unknown_scheme(investigator):
    person = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError):
        services.person_identifier_add(
            acting_user=investigator, person=person, scheme="dvla", value="X"
        )
    assert not PersonIdentifier.objects.exists()


def test_an_edit_form_opened_before_a_name_was_added_is_stale(investigator):
    person = PersonFactory(acting_user=investigator)
    services.person_name_add(
        acting_user=investigator, person=person, name_type="nickname", given_names="Kay"
    )
    with pytest.raises(StaleVersionError):
        services.person_update(
            acting_user=investigator, person=person, expected_version=1, notes="x"
        )
