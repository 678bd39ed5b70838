"""CSV import of observations: all or nothing per file, with a row-by-row report."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.safeguarding.conftest import today
from vigil.safeguarding import services
from vigil.safeguarding.models import Observation, ObservationImport, ScreeningResult


def csv_bytes(*rows: str) -> bytes:
    return ("child,code,observed_on,source,note\n" + "\n".join(rows) + "\n").encode()


def test_a_good_file_is_imported_and_each_child_rescreened_once(
    investigator: Any, family: dict[str, Any]
) -> None:
    k, t = family["kayleigh"], family["tyler"]
    day = today().strftime("%d/%m/%Y")
    batch = services.observations_import(
        acting_user=investigator,
        file_name="school.csv",
        content=csv_bytes(
            f"P-{k.pk},WS-EDU-TRUANCY,{today().isoformat()},school,Absent",
            f"P-{k.pk},ws-emo-secretive,{day},school,",
            f"{t.pk},WS-EDU-TRUANCY,{day},School,",
        ),
    )
    assert batch.status == ObservationImport.Status.ACCEPTED and batch.row_count == 3
    assert Observation.objects.filter(imported_from=batch).count() == 3
    assert ScreeningResult.objects.filter(child=k).count() == 1
    assert ScreeningResult.objects.get(child=k).trigger == "Observations imported from school.csv"


def test_one_bad_row_rejects_the_whole_file_with_a_row_by_row_report(
    investigator: Any, family: dict[str, Any]
) -> None:
    k = family["kayleigh"]
    batch = services.observations_import(
        acting_user=investigator,
        file_name="bad.csv",
        content=csv_bytes(
            f"P-{k.pk},WS-EDU-TRUANCY,{today().isoformat()},school,fine",
            f"P-{k.pk},NOT-A-CODE,{today().isoformat()},school,",
            f"P-{k.pk},WS-EDU-TRUANCY,yesterday,school,",
            f"P-{family['suspect'].pk},WS-EDU-TRUANCY,{today().isoformat()},school,",
            f"P-999999,WS-EDU-TRUANCY,{today().isoformat()},school,",
            f"P-{k.pk},WS-EDU-TRUANCY,{today().isoformat()},pigeon,",
        ),
    )
    assert batch.status == ObservationImport.Status.REJECTED
    assert [(e["row"], e["field"]) for e in batch.errors] == [
        (3, "code"),
        (4, "observed_on"),
        (5, "child"),
        (6, "child"),
        (7, "source"),
    ]
    assert "under 18" in batch.errors[2]["message"]
    assert batch.errors[3]["message"] == "No person you can see has this reference"
    assert not Observation.objects.exists()
    assert not ScreeningResult.objects.exists()


def test_a_child_the_uploader_cannot_see_reads_as_not_found(
    investigator: Any, partner: Any, family: dict[str, Any]
) -> None:
    batch = services.observations_import(
        acting_user=partner,
        file_name="mash.csv",
        content=csv_bytes(f"P-{family['tyler'].pk},WS-EDU-TRUANCY,{today().isoformat()},school,"),
    )
    assert batch.errors == [
        {"row": 2, "field": "child", "message": "No person you can see has this reference"}
    ]


def test_missing_columns_and_empty_files(investigator: Any) -> None:
    batch = services.observations_import(
        acting_user=investigator, file_name="x.csv", content=b"child,code\nP-1,WS-EDU-TRUANCY\n"
    )
    assert batch.errors[0]["message"] == "Missing column(s): observed_on, source"
    batch = services.observations_import(
        acting_user=investigator, file_name="x.csv", content=csv_bytes()
    )
    assert batch.errors[0]["message"] == "The file has no rows"
    batch = services.observations_import(
        acting_user=investigator, file_name="x.csv", content=b"\xff\xfe\x00bad"
    )
    assert batch.errors[0]["field"] == "file"


def test_the_import_page_shows_the_report(investigator: Any, family: dict[str, Any]) -> None:
    client = Client()
    client.force_login(investigator)
    url = reverse("screening_import")
    response = client.post(url, {})
    assert '<a href="#id_file">Select a CSV file</a>' in response.content.decode()
    upload = SimpleUploadedFile(
        "bad.csv", csv_bytes(f"P-{family['tyler'].pk},NOPE,{today().isoformat()},school,")
    )
    body = client.post(url, {"file": upload}).content.decode()
    assert "Nothing was imported from bad.csv" in body
    assert "&#x27;NOPE&#x27; is not a warning sign or vulnerability code" in body
    batch = ObservationImport.objects.get()
    assert "Nothing was imported" in client.get(url, {"report": batch.pk}).content.decode()
    assert not Observation.objects.exists()
    upload = SimpleUploadedFile("notes.txt", b"hello")
    assert "The file must be a CSV" in client.post(url, {"file": upload}).content.decode()
