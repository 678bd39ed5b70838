"""Importing a force's missing-persons export: all or nothing, every fault reported, and the
same file imported twice changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command

from vigil.audit.models import AuditEntry
from vigil.missing.imports import import_missing_export
from vigil.missing.models import MissingEpisode, ReturnHomeInterview
from vigil.people.models import Event, Link, Location, Person, PersonIdentifier, PoleObject

pytestmark = pytest.mark.django_db

HEADER = (
    "external_reference,child_given_names,child_family_name,child_date_of_birth,child_pnc_id,"
    "reported_missing_at,reported_by,missing_from_name,missing_from_premises_type,"
    "missing_from_address,missing_from_town,missing_from_postcode,risk_level,risk_reason,"
    "grading_officer,returned_at,how_returned,found_at_name,found_at_premises_type,"
    "found_at_address,found_at_town,found_at_postcode,found_with,vehicles,intoxicated,account"
)
ROWS = [
    "MIS/0412,Kayleigh,Smith,2011-05-01,12/345678A,2026-01-10 22:40,childrens_home,Oakfield House,"
    "childrens_home,14 Oakfield Road,Northam,NE1 4AB,medium,CSE concerns,PS 1234 Hale,"
    "2026-01-11 02:15,found_by_police,Riverside Park,park,Riverside Walk,Northam,NE3 1GU,"
    "Lee Marsh 1996-02-02,AB12 CDE,no,Says she was with friends",
    "MIS/0533,Kayleigh,Smith,2011-05-01,12/345678A,2026-02-20 19:00,childrens_home,Oakfield House,"
    "childrens_home,14 Oakfield Road,Northam,NE1 4AB,high,Repeat; intelligence,Insp 7 Whitfield,"
    "2026-02-21 11:30,found_by_police,Station Hotel,hotel,1 Station Approach,Northam,NE1 1AA,"
    "Lee Marsh 1996-02-02; Chloe Turner 2010-09-09,,yes,",
    "MIS/0600,Chloe,Turner,2010-09-09,,2026-02-20 20:00,parent,,,,,,low,First time,PC 9 Lane,"
    ",,,,,,,,,,",
]


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def counts() -> tuple[int, ...]:
    return (
        MissingEpisode.objects.count(),
        Event.objects.count(),
        Person.objects.count(),
        Location.objects.count(),
        PoleObject.objects.count(),
        Link.objects.count(),
        ReturnHomeInterview.objects.count(),
    )


def test_a_good_file_is_imported_with_its_pole_records(investigator: Any) -> None:
    result = import_missing_export(
        acting_user=investigator, text=csv_text(*ROWS), filename="export.csv"
    )
    assert result.ok, result.errors
    assert (result.rows, result.created, result.unchanged) == (3, 3, 0)
    # Kayleigh, Lee and Chloe; Oakfield House, the park and the hotel; one car.
    assert (result.people_added, result.places_added, result.vehicles_added) == (3, 3, 1)
    kayleigh = Person.objects.get(given_names="Kayleigh")
    assert PersonIdentifier.objects.get(person=kayleigh).value == "12/345678A"
    assert kayleigh.missing_episodes.count() == 2
    # Found with Lee twice: one link, seen on both days, naming both episodes.
    lee = Link.objects.get(
        from_person=kayleigh, link_type="found_with", to_person__given_names="Lee"
    )
    assert (str(lee.first_seen), str(lee.last_seen)) == ("2026-01-11", "2026-02-21")
    assert "MIS/0412" in lee.notes and "MIS/0533" in lee.notes
    assert Link.objects.filter(from_person=kayleigh, link_type="found_with").count() == 2
    assert MissingEpisode.objects.get(external_reference="MIS/0533").intoxicated
    assert ReturnHomeInterview.objects.count() == 2
    assert AuditEntry.objects.filter(object_type="missing_import").count() == 1


def test_reimporting_the_same_file_changes_nothing(investigator: Any) -> None:
    import_missing_export(acting_user=investigator, text=csv_text(*ROWS), filename="a.csv")
    before = counts()
    again = import_missing_export(acting_user=investigator, text=csv_text(*ROWS), filename="a.csv")
    assert again.ok and (again.created, again.returns_added, again.unchanged) == (0, 0, 3)
    assert counts() == before


def test_a_later_export_adds_the_return_of_an_episode_already_imported(investigator: Any) -> None:
    import_missing_export(acting_user=investigator, text=csv_text(ROWS[2]), filename="a.csv")
    returned = ROWS[2].replace(
        "Lane,,,,,,,,,,,", "Lane,2026-02-21 08:00,returned_self,,,,,,,,no,Went to a friend's"
    )
    result = import_missing_export(
        acting_user=investigator, text=csv_text(returned), filename="b.csv"
    )
    assert result.ok, result.errors
    assert (result.created, result.returns_added) == (0, 1)
    episode = MissingEpisode.objects.get(external_reference="MIS/0600")
    assert episode.how_returned == "returned_self" and episode.account == "Went to a friend's"


def test_one_bad_row_and_nothing_is_stored(investigator: Any) -> None:
    bad = ROWS[2].replace(",low,", ",severe,")
    before = counts()
    result = import_missing_export(
        acting_user=investigator, text=csv_text(ROWS[0], ROWS[1], bad), filename="bad.csv"
    )
    assert not result.ok
    assert [(e.line, e.column) for e in result.errors] == [(4, "risk_level")]
    assert counts() == before
    assert "nothing was imported" in result.summary()


def test_a_fault_only_the_database_can_see_rolls_back_every_row(investigator: Any) -> None:
    # Two people called Lee Marsh with no date of birth given: the row cannot say which.
    from tests.factories import PersonFactory

    PersonFactory(acting_user=investigator, given_names="Lee", family_name="Marsh")
    PersonFactory(acting_user=investigator, given_names="Lee", family_name="Marsh")
    ambiguous = ROWS[1].replace("Lee Marsh 1996-02-02;", "Lee Marsh;")
    before = counts()
    result = import_missing_export(
        acting_user=investigator, text=csv_text(ROWS[0], ambiguous), filename="x.csv"
    )
    assert [(e.line, e.column) for e in result.errors] == [(3, "found_with")]
    assert "More than one person is called Lee Marsh" in result.errors[0].message
    assert counts() == before
    assert result.created == 0


def test_cli_import_prints_a_summary_and_exits_2_with_the_row_report(
    investigator: Any, tmp_path: Path, capsys: Any
) -> None:
    good = tmp_path / "good.csv"
    good.write_text(csv_text(*ROWS), encoding="utf-8")
    call_command("missing", "import", str(good), "--user", "investigator")
    assert "3 episodes added" in capsys.readouterr().out

    bad = tmp_path / "bad.csv"
    bad.write_text(csv_text(ROWS[0].replace("2026-01-10 22:40", "yesterday")), encoding="utf-8")
    with pytest.raises(SystemExit) as exited:
        call_command("missing", "import", str(bad), "--user", "investigator")
    assert exited.value.code == 2
    captured = capsys.readouterr()
    assert "line 2 [reported_missing_at]" in captured.err and captured.out == ""


def test_cli_rhi_due_lists_open_interviews_as_json(investigator: Any, capsys: Any) -> None:
    import_missing_export(acting_user=investigator, text=csv_text(*ROWS), filename="a.csv")
    call_command("missing", "rhi-due", "--json", "--user", "investigator")
    rows = json.loads(capsys.readouterr().out)
    assert {row["episode"] for row in rows} == {
        e.ref for e in MissingEpisode.objects.filter(returned_at__isnull=False)
    }
    assert {row["state"] for row in rows} == {"overdue"}  # returned months ago
    assert rows[0]["due_at_uk"].endswith(("GMT", "BST"))


def test_a_large_file_costs_a_few_queries_per_row_not_hundreds(investigator: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    rows = []
    for n in range(60):
        child = n % 20
        rows.append(
            f"MIS/{n},Child{child},Family{child},2011-01-{1 + child:02d},,"
            f"2026-0{1 + n // 20}-{1 + n % 20:02d} 22:00,childrens_home,Oakfield House,"
            "childrens_home,14 Oakfield Road,Northam,NE1 4AB,medium,CSE concerns,PS 1 Hale,"
            f"2026-0{1 + n // 20}-{2 + n % 20:02d} 02:00,found_by_police,Station Hotel,hotel,"
            f"1 Station Approach,Northam,NE1 1AA,Adult{n % 5} Person 1990-01-01,AB{10 + n % 7} CDE,"
            "no,"
        )
    with CaptureQueriesContext(connection) as queries:
        result = import_missing_export(
            acting_user=investigator, text=csv_text(*rows), filename="big.csv"
        )
    assert result.ok, result.errors[:3]
    assert (result.created, result.people_added, result.vehicles_added) == (60, 25, 7)
    # One lookup per distinct person and place, and bulk writes; the screening re-screen that
    # follows the commit is screening's own cost and is not counted here.
    import_queries = [q for q in queries.captured_queries if "safeguarding" not in q["sql"]]
    assert len(import_queries) < 4 * len(rows)
    # Each record written has its own audit entry.
    assert AuditEntry.objects.filter(object_type="missingepisode").count() == 60
    assert AuditEntry.objects.filter(object_type="returnhomeinterview").count() == 60
    hotel_links = Link.objects.filter(link_type="found_at", to_location__name="Station Hotel")
    assert hotel_links.count() == 20  # one per child, widened by each later episode
    assert all(link.notes.count("Missing episode") == 3 for link in hotel_links)


def test_rows_of_one_file_find_the_people_added_by_earlier_rows(investigator: Any) -> None:
    # Row 2 adds Lee Marsh (born 1996); row 3 names "Lee Marsh" without a date of birth and
    # means the same man, as the screens would find him once he exists.
    later = ROWS[1].replace("Lee Marsh 1996-02-02;", "Lee Marsh;")
    result = import_missing_export(
        acting_user=investigator, text=csv_text(ROWS[0], later), filename="a.csv"
    )
    assert result.ok, result.errors
    assert Person.objects.filter(given_names="Lee", family_name="Marsh").count() == 1


def test_a_child_still_missing_in_the_file_cannot_go_missing_again(investigator: Any) -> None:
    again = ROWS[2].replace("MIS/0600", "MIS/0601").replace("2026-02-20 20:00", "2026-02-22 20:00")
    result = import_missing_export(
        acting_user=investigator, text=csv_text(ROWS[2], again), filename="a.csv"
    )
    assert [(e.line, e.column) for e in result.errors] == [(3, "reported_missing_at")]
    assert "Chloe Turner is still missing in MIS/0600" in result.errors[0].message
    assert MissingEpisode.objects.count() == 0
