"""The bulk "already known?" index build (`index_all_people`, `vigil linkage-index`) writes
exactly what the per-save hook writes, replaces stale rows, and reads homes and phones."""

from __future__ import annotations

from datetime import date
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from tests.factories import LinkFactory, LocationFactory, PersonFactory
from tests.linkage.index_rows import index_snapshot
from vigil.linkage import services
from vigil.linkage.models import PersonBlockingKey, PersonLinkageRecord
from vigil.people.models import Person


@pytest.fixture
def many_people(investigator: Any) -> list[Person]:
    """150 people (more than the id-list limit, so homes are read by id range), two of them
    living somewhere and one renamed since they were created."""
    home = LocationFactory(
        acting_user=investigator, name="", premises_type="home", address_line_1="22 Clyde Road",
        town="Northtown", postcode="NT1 5RT",
    )  # fmt: skip
    made = [
        PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith",
                      date_of_birth=date(2010, 3, 4)),
        PersonFactory(acting_user=investigator, given_names="Jordan", family_name="Smith",
                      date_of_birth=date(2010, 3, 4)),
    ]  # fmt: skip
    for person in made:
        LinkFactory(
            acting_user=investigator, link_type="lives_at", source_entity=person,
            target_entity=home,
        )  # fmt: skip
    agency = investigator.agency
    Person.objects.bulk_create(
        Person(
            owning_agency=agency, created_by=investigator, updated_by=investigator,
            given_names=f"Given{i}", family_name=f"Family{i % 7}",
            date_of_birth=date(1990 + i % 20, 1 + i % 12, 1 + i % 28),
        )
        for i in range(148)
    )  # fmt: skip
    return list(Person.objects.order_by("pk"))


@pytest.mark.parametrize("workers", [1, 2])
def test_the_bulk_build_writes_what_the_per_save_hook_writes(
    many_people: list[Person], workers: int
) -> None:
    services.refresh_people_linkage(many_people)
    per_save = index_snapshot()
    assert len(per_save) == 150
    PersonBlockingKey.objects.all().delete()
    PersonLinkageRecord.objects.all().delete()

    assert services.index_all_people(batch_size=40, workers=workers) == 150
    assert index_snapshot() == per_save
    kayleigh = per_save[many_people[0].pk][0]
    assert (
        kayleigh["postcode"] == "NT1 5RT" and "1fp:smith|NT1 5RT" in per_save[many_people[0].pk][2]
    )


def test_the_bulk_build_replaces_stale_rows_and_starts_after_an_id(
    many_people: list[Person],
) -> None:
    services.refresh_people_linkage(many_people)
    expected = index_snapshot()
    first, rest = many_people[0], many_people[1:]
    PersonBlockingKey.objects.create(person=first, key="1gf:stale|key")
    PersonBlockingKey.objects.filter(person=rest[0]).delete()

    assert services.index_all_people(after=first.pk, batch_size=64) == len(rest)
    now = index_snapshot()
    assert now[rest[0].pk] == expected[rest[0].pk]  # rebuilt
    assert "1gf:stale|key" in now[first.pk][2]  # before `after`: untouched

    assert services.index_all_people() == 150
    assert index_snapshot() == expected


def test_stored_records_leave_blanks_out(many_people: list[Person]) -> None:
    services.index_all_people()
    record = PersonLinkageRecord.objects.get(person=many_people[5]).record
    assert record["record_id"] == str(many_people[5].pk) and "postcode" not in record
    assert None not in record.values()


def test_the_command_indexes_everyone(many_people: list[Person]) -> None:
    PersonLinkageRecord.objects.all().delete()
    out = StringIO()
    call_command("linkage-index", "--workers", "1", stdout=out)
    assert PersonLinkageRecord.objects.count() == 150
    assert out.getvalue().startswith("150 people indexed")
