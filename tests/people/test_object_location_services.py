"""object_create/object_update and location_create/location_update."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import LocationFactory, VehicleFactory
from vigil.audit.models import Action, AuditEntry
from vigil.errors import StaleVersionError
from vigil.people import services
from vigil.people.models import Location, PoleObject


def entries(record: object, action: str) -> int:
    return AuditEntry.objects.filter(
        object_type=record._meta.model_name,  # type: ignore[attr-defined]
        object_id=str(record.pk),  # type: ignore[attr-defined]
        action=action,
    ).count()


# --- Objects ----------------------------------------------------------------------------------


def test_vehicle_registration_is_normalised(investigator):
    car = services.object_create(
        acting_user=investigator, kind="vehicle", vrm="ab12 cde", make="Ford", colour="Silver"
    )
    car.refresh_from_db()
    assert car.vrm == "AB12 CDE"
    assert car.search_key == "AB12CDE"
    assert str(car) == "AB12 CDE Silver Ford"
    assert entries(car, Action.COLLECTION) == 1


def test_vehicle_needs_a_registration(investigator):
    with pytest.raises(ValidationError) as caught:
        services.object_create(acting_user=investigator, kind="vehicle", vrm="  --  ")
    assert "vrm" in caught.value.message_dict
    assert not PoleObject.objects.exists()
    assert not AuditEntry.objects.exists()


def test_phone_is_indexed_in_national_format(investigator):
    phone = services.object_create(
        acting_user=investigator, kind="phone", phone_number="+44 7700 900123"
    )
    assert phone.search_key == "07700900123"
    assert entries(phone, Action.COLLECTION) == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({}, "phone_number"),
        ({"phone_number": "12"}, "phone_number"),
        ({"phone_number": "07700900123", "imei": "123"}, "imei"),
    ],
)
def test_phone_validation(investigator, fields, field):
    with pytest.raises(ValidationError) as caught:
        services.object_create(acting_user=investigator, kind="phone", **fields)
    assert field in caught.value.message_dict
    assert not PoleObject.objects.exists()


def test_phone_may_be_recorded_by_imei_alone(investigator):
    phone = services.object_create(
        acting_user=investigator, kind="phone", imei="35 209900 176148 1"
    )
    assert phone.imei == "352099001761481"
    assert phone.search_key == "352099001761481"


def test_online_account_is_indexed_without_at_or_case(investigator):
    account = services.object_create(
        acting_user=investigator, kind="online_account", platform="Snapchat", handle="@Marshy_29"
    )
    assert account.handle == "@Marshy_29"
    assert account.search_key == "marshy_29"


def test_online_account_needs_platform_and_handle(investigator):
    with pytest.raises(ValidationError) as caught:
        services.object_create(acting_user=investigator, kind="online_account", handle="@")
    assert {"platform", "handle"} <= set(caught.value.message_dict)


def test_other_object_needs_a_description(investigator):
    with pytest.raises(ValidationError) as caught:
        services.object_create(acting_user=investigator, kind="other")
    assert "description" in caught.value.message_dict
    thing = services.object_create(
        acting_user=investigator, kind="other", description="Pink rucksack"
    )
    assert str(thing) == "Pink rucksack"


def test_unknown_kind_is_refused(investigator):
    with pytest.raises(ValidationError) as caught:
        services.object_create(acting_user=investigator, kind="boat")
    assert "kind" in caught.value.message_dict


def test_object_update_renormalises_and_audits(investigator):
    car = VehicleFactory(acting_user=investigator)
    updated = services.object_update(
        acting_user=investigator, pole_object=car, expected_version=1, vrm="yx65 abc"
    )
    assert updated.vrm == "YX65 ABC"
    assert updated.search_key == "YX65ABC"
    assert updated.version == 2
    assert entries(car, Action.ALTERATION) == 1


def test_object_update_with_a_stale_version_changes_nothing(investigator, colleague):
    car = VehicleFactory(acting_user=investigator)
    services.object_update(acting_user=colleague, pole_object=car, expected_version=1, colour="Red")
    with pytest.raises(StaleVersionError):
        services.object_update(
            acting_user=investigator, pole_object=car, expected_version=1, colour="Blue"
        )
    car.refresh_from_db()
    assert car.colour == "Red" and car.version == 2


def test_object_update_with_bad_input_changes_nothing(investigator):
    car = VehicleFactory(acting_user=investigator)
    with pytest.raises(ValidationError):
        services.object_update(
            acting_user=investigator, pole_object=car, expected_version=1, vrm="", colour="Red"
        )
    car.refresh_from_db()
    assert (car.vrm, car.colour, car.version) == ("AB12 CDE", "Silver", 1)
    assert entries(car, Action.ALTERATION) == 0


# --- Locations --------------------------------------------------------------------------------


def test_postcode_is_validated_and_formatted(investigator):
    place = services.location_create(
        acting_user=investigator,
        premises_type="takeaway",
        address_line_1="1 High Street",
        town="Leeds",
        postcode=" ls11aa ",
    )
    place.refresh_from_db()
    assert place.postcode == "LS1 1AA"
    assert place.postcode_key == "LS11AA"
    assert place.is_location_of_concern
    assert entries(place, Action.COLLECTION) == 1


@pytest.mark.parametrize("postcode", ["LS1", "12345", "QQ1 1AA", "LS1 1AAA"])
def test_an_invalid_postcode_is_refused(investigator, postcode):
    with pytest.raises(ValidationError) as caught:
        services.location_create(
            acting_user=investigator,
            premises_type="home",
            address_line_1="1 High Street",
            town="Leeds",
            postcode=postcode,
        )
    assert caught.value.message_dict["postcode"] == ["Enter a real UK postcode, like LS1 1AA"]
    assert not Location.objects.exists()


def test_a_location_needs_an_address_and_a_known_premises_type(investigator):
    with pytest.raises(ValidationError) as caught:
        services.location_create(acting_user=investigator, premises_type="castle")
    assert {"premises_type", "address_line_1", "town"} <= set(caught.value.message_dict)


def test_location_update(investigator):
    place = LocationFactory(acting_user=investigator)
    services.location_update(
        acting_user=investigator, location=place, expected_version=1, postcode="ls2 7ex"
    )
    place.refresh_from_db()
    assert (place.postcode, place.postcode_key, place.version) == ("LS2 7EX", "LS27EX", 2)
    assert entries(place, Action.ALTERATION) == 1


def test_location_update_with_a_bad_postcode_changes_nothing(investigator):
    place = LocationFactory(acting_user=investigator)
    with pytest.raises(ValidationError):
        services.location_update(
            acting_user=investigator,
            location=place,
            expected_version=1,
            name="Renamed",
            postcode="nonsense",
        )
    place.refresh_from_db()
    assert (place.name, place.postcode, place.version) == ("Station Hotel", "LS1 1AA", 1)


def test_location_update_with_a_stale_version_changes_nothing(investigator):
    place = LocationFactory(acting_user=investigator)
    services.location_update(acting_user=investigator, location=place, expected_version=1, name="A")
    with pytest.raises(StaleVersionError):
        services.location_update(
            acting_user=investigator, location=place, expected_version=1, name="B"
        )
    place.refresh_from_db()
    assert place.name == "A"


def test_restricted_record_of_another_agency_cannot_be_changed(investigator, other_force_officer):
    place = LocationFactory(acting_user=investigator, access_level="restricted")
    with pytest.raises(PermissionDenied):
        services.location_update(
            acting_user=other_force_officer, location=place, expected_version=1, name="X"
        )
