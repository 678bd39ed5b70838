"""The screening screens: each renders, refuses bad input with a GOV.UK error summary naming the
field (saving nothing), checks need-to-know first, and the lists keep a fixed number of queries."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.factories import PersonFactory
from tests.safeguarding.conftest import today, years_ago
from vigil.audit.models import Action, AuditEntry
from vigil.safeguarding import services
from vigil.safeguarding.models import AdviceAction, Observation, Override, ScreeningResult

THREE_SIGNS = ["WS-EMO-SECRETIVE", "WS-EDU-TRUANCY", "WS-IDN-UNEXPLAINED-GIFTS"]


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def date_fields(day: Any, name: str = "observed_on") -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def record(user: Any, child: Any, codes: list[str]) -> None:
    services.observations_record(
        acting_user=user, child=child, codes=codes, observed_on=today(), source="school"
    )


def summary(response: Any) -> str:
    body = response.content.decode()
    start = body.index('class="govuk-error-summary"')
    return body[start : body.index("</ul>", start)]


# --- The person-page panel ----------------------------------------------------------------------


def test_the_panel_shows_the_level_reasons_and_actions(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    client = client_for(investigator)
    body = client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert "CSE screening" in body
    assert 'id="screening-level">No indicators recorded<' in body
    assert "not a finding that the child is safe" in body
    assert "no risk" not in body.lower()
    assert reverse("concern_record", args=[child.pk]) in body

    record(investigator, child, THREE_SIGNS)
    body = client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert 'id="screening-level">Medium<' in body
    assert "Three or more different warning signs" in body or "R-MED-THREE-WARNING-SIGNS" in body
    assert "Secretive behaviour" in body
    assert "Refer to children&#x27;s social care" in body
    assert "Review by" in body


def test_the_panel_is_left_out_for_an_adult(investigator: Any, family: dict[str, Any]) -> None:
    body = (
        client_for(investigator)
        .get(reverse("person_detail", args=[family["suspect"].pk]))
        .content.decode()
    )
    assert "CSE screening" not in body


def test_a_child_with_no_date_of_birth_is_told_what_to_record(investigator: Any) -> None:
    person = PersonFactory(acting_user=investigator, date_of_birth=None)
    body = client_for(investigator).get(reverse("person_detail", args=[person.pk])).content.decode()
    assert "date of birth is not recorded" in body


# --- Record a concern ---------------------------------------------------------------------------


def test_the_concern_page_groups_signs_with_the_guidance_wording(
    investigator: Any, family: dict[str, Any]
) -> None:
    body = (
        client_for(investigator)
        .get(reverse("concern_record", args=[family["tyler"].pk]))
        .content.decode()
    )
    for heading in (
        "Warning signs: Emotional and behavioural development",
        "Warning signs: Education",
        "Warning signs: Identity",
        "Warning signs: Family and social relationships",
        "Warning signs: Health",
        "Vulnerabilities (risk factors)",
        "Types of exploitation",
    ):
        assert heading in body
    assert "appearing with unexplained gifts or new possessions" in body  # guidance wording
    assert 'id="id_codes_0"' in body
    assert "WS-FAM-REPEAT-MISSING" not in body  # derived: never ticked


def test_a_concern_with_bad_input_names_each_field_and_saves_nothing(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    response = client_for(investigator).post(
        reverse("concern_record", args=[child.pk]),
        {"observed_on_0": "31", "observed_on_1": "2", "observed_on_2": "2026", "source": ""},
    )
    assert response.status_code == 200
    errors = summary(response)
    assert '<a href="#id_codes_0">Select at least one warning sign or vulnerability</a>' in errors
    assert '<a href="#id_observed_on_0">Date it was seen must be a real date</a>' in errors
    assert '<a href="#id_source">Select who saw it</a>' in errors
    assert not Observation.objects.exists()
    assert not ScreeningResult.objects.filter(child=child).exclude(rank=0).exists()


def test_a_concern_naming_a_record_that_does_not_exist_saves_nothing(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    response = client_for(investigator).post(
        reverse("concern_record", args=[child.pk]),
        {
            "codes": ["WS-EDU-TRUANCY"],
            **date_fields(today()),
            "source": "school",
            "involved": "P-99999",
            "access_level": "standard",
        },
    )
    assert "There is no record P-99999 you can see" in summary(response)
    assert not Observation.objects.exists()


def test_recording_a_concern_rescreens_and_returns_to_the_panel(
    investigator: Any, family: dict[str, Any]
) -> None:
    child, adult = family["tyler"], family["suspect"]
    response = client_for(investigator).post(
        reverse("concern_record", args=[child.pk]),
        {
            "codes": ["WS-EDU-TRUANCY", "WS-FAM-RISKY-ADULTS"],
            **date_fields(today()),
            "source": "school",
            "note": "Collected from school by an older man",
            "involved": f"P-{adult.pk}",
            "access_level": "standard",
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#panel-cse-screening")
    rows = Observation.objects.filter(child=child)
    assert {row.code for row in rows} == {"WS-EDU-TRUANCY", "WS-FAM-RISKY-ADULTS"}
    assert all(list(row.involved_people.all()) == [adult] for row in rows)
    assert ScreeningResult.objects.get(child=child, is_current=True).level == "medium"


def test_an_adult_is_refused_on_the_concern_page(investigator: Any, family: dict[str, Any]) -> None:
    adult = family["suspect"]
    client = client_for(investigator)
    body = client.get(reverse("concern_record", args=[adult.pk])).content.decode()
    assert "applies to children under 18 only" in body
    assert 'name="codes"' not in body
    client.post(
        reverse("concern_record", args=[adult.pk]),
        {"codes": ["WS-EDU-TRUANCY"], **date_fields(today()), "source": "school"},
    )
    assert not Observation.objects.exists()


def test_need_to_know_comes_first(
    investigator: Any, partner: Any, outsider: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, ["WS-EDU-TRUANCY"])
    for name in ("concern_record", "screening_detail", "screening_pdf", "override_propose"):
        assert client_for(partner).get(reverse(name, args=[child.pk])).status_code == 404
        assert client_for(outsider).get(reverse(name, args=[child.pk])).status_code == 404
    for name in ("screening_caseload", "screening_tasks", "screening_cohort", "screening_import"):
        assert client_for(outsider).get(reverse(name)).status_code == 403
        # A partner sees the lists, without the police-owned child.
        body = client_for(partner).get(reverse(name)).content.decode()
        assert "Tyler" not in body


# --- Professional judgement ---------------------------------------------------------------------


def test_an_override_without_a_reason_is_refused(investigator: Any, family: dict[str, Any]) -> None:
    child = family["tyler"]
    response = client_for(investigator).post(
        reverse("override_propose", args=[child.pk]), {"rank": "2", "reason": ""}
    )
    assert '<a href="#id_reason">Enter the reason for your judgement</a>' in summary(response)
    assert not Override.objects.exists()
    response = client_for(investigator).post(
        reverse("override_propose", args=[child.pk]), {"reason": "Worried"}
    )
    assert '<a href="#id_rank_0">Select a level</a>' in summary(response)


def test_raise_then_a_supervisor_decides_a_lowering(
    investigator: Any, supervisor: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    client = client_for(investigator)
    response = client.post(
        reverse("override_propose", args=[child.pk]), {"rank": "3", "reason": "Disclosure"}
    )
    assert response.status_code == 302
    body = client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert 'id="screening-level">High<' in body
    assert 'id="screening-rule-result">Medium<' in body
    assert "Raised from medium to high by professional judgement: Disclosure" in body

    client.post(reverse("override_propose", args=[child.pk]), {"rank": "1", "reason": "Explained"})
    assert ScreeningResult.objects.get(child=child, is_current=True).rank == 2
    decide = reverse("override_decide", args=[child.pk])
    assert "needs the approval of a supervisor" in client.get(decide).content.decode()
    assert client.post(decide, {"decision": "approve"}).status_code == 403
    boss = client_for(supervisor)
    response = boss.post(decide, {"decision": "reject", "note": ""})
    assert '<a href="#id_note">Enter why the lowering is not approved</a>' in summary(response)
    assert boss.post(decide, {"decision": "approve", "note": "Agreed"}).status_code == 302
    assert ScreeningResult.objects.get(child=child, is_current=True).rank == 1


# --- Actions, tasks and withdrawals -------------------------------------------------------------


def test_marking_an_action_not_needed_needs_a_reason(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    url = reverse("advice_action", args=[child.pk, "ADV-REFER-SOCIAL-CARE"])
    client = client_for(investigator)
    response = client.post(url, {"status": "not_needed", "note": ""})
    assert '<a href="#id_note">Enter why this action is not needed</a>' in summary(response)
    assert not AdviceAction.objects.exists()
    assert client.post(url, {"status": "referred"}).status_code == 302
    body = client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert "Referred" in body
    assert client.get(reverse("advice_action", args=[child.pk, "ADV-NOPE"])).status_code == 404


def test_the_sibling_task_shows_on_the_panel_and_the_task_list(
    investigator: Any, family: dict[str, Any]
) -> None:
    record(investigator, family["kayleigh"], THREE_SIGNS)
    tyler = family["tyler"]
    client = client_for(investigator)
    body = client.get(reverse("person_detail", args=[tyler.pk])).content.decode()
    assert "Consider screening: sibling" in body
    assert "Kayleigh Smith</a> reached medium" in body
    assert "Tyler Smith" in client.get(reverse("screening_tasks")).content.decode()
    close = reverse("screening_task_close", args=[tyler.pk])
    response = client.post(close, {"status": "not_needed"})
    assert '<a href="#id_note">Enter why screening is not needed</a>' in summary(response)
    assert client.post(close, {"status": "done"}).status_code == 302
    assert (
        "Consider screening: sibling"
        not in client.get(reverse("person_detail", args=[tyler.pk])).content.decode()
    )


def test_withdrawing_an_observation_from_the_screening_page(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["tyler"]
    record(investigator, child, ["WS-EDU-TRUANCY"])
    obs = Observation.objects.get()
    client = client_for(investigator)
    page = client.get(reverse("screening_detail", args=[child.pk])).content.decode()
    url = reverse("observation_withdraw", args=[child.pk])
    assert f"{url}?observation={obs.pk}" in page
    response = client.post(url, {"observation": f"{obs.pk}:{obs.version}", "reason": ""})
    assert "Enter why the observation is being withdrawn" in summary(response)
    stale = client.post(url, {"observation": f"{obs.pk}:{obs.version + 5}", "reason": "x"})
    assert "Select a valid choice" in summary(stale)
    assert client.post(url, {"observation": f"{obs.pk}:1", "reason": "Wrong"}).status_code == 302
    assert ScreeningResult.objects.get(child=child, is_current=True).rank == 0


# --- The PDF ------------------------------------------------------------------------------------


def _document_text(document: Any) -> str:
    words: list[str] = []

    def walk(box: Any) -> None:
        if getattr(box, "text", None):
            words.append(box.text)
        for child in getattr(box, "children", None) or []:
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return " ".join(words)


def test_the_pdf_is_a_real_pdf_with_the_level_and_reasons_and_is_a_disclosure(
    investigator: Any, family: dict[str, Any], rf: Any
) -> None:
    from weasyprint import CSS, HTML

    from vigil.safeguarding.views import PDF_CSS, screening_document_html

    child = family["tyler"]
    record(investigator, child, THREE_SIGNS)
    response = client_for(investigator).get(reverse("screening_pdf", args=[child.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"%%EOF" in response.content[-64:]
    entry = AuditEntry.objects.filter(action=Action.DISCLOSURE).get(object_type="person")
    assert entry.object_id == str(child.pk)
    assert "child's file" in entry.recipients

    request = rf.get("/")
    request.user = investigator
    result = ScreeningResult.objects.get(child=child, is_current=True)
    document = HTML(string=screening_document_html(request, child, result)).render(
        stylesheets=[CSS(filename=str(PDF_CSS))]
    )
    text = _document_text(document)
    assert len(document.pages) >= 1
    assert "Medium" in text
    assert "Three or more different warning signs are recorded." in text or "warning signs" in text
    assert "Secretive behaviour" in text
    assert "Refer to children's social care" in text


# --- Caseload, cohort and export ----------------------------------------------------------------


def _screen_children(user: Any, count: int) -> None:
    for index in range(count):
        child = PersonFactory(acting_user=user, date_of_birth=years_ago(13, index))
        record(user, child, THREE_SIGNS[: 1 + index % 3])


def test_the_caseload_list_runs_a_fixed_number_of_queries(investigator: Any) -> None:
    client = client_for(investigator)
    _screen_children(investigator, 2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("screening_caseload")).status_code == 200
    _screen_children(investigator, 8)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("screening_caseload"))
    assert response.content.decode().count('href="/people/') >= 10
    assert len(many) == len(few), [q["sql"][:120] for q in many.captured_queries]


def test_the_caseload_pages_keep_the_filters_and_audit_only_the_page_shown(
    investigator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.safeguarding import views

    monkeypatch.setattr(views, "CASELOAD_PAGE_SIZE", 2)
    _screen_children(investigator, 5)
    client = client_for(investigator)
    before = AuditEntry.objects.filter(action=Action.CONSULTATION, object_type="person").count()
    body = client.get(reverse("screening_caseload"), {"view": "all", "page": "2"}).content.decode()
    shown = AuditEntry.objects.filter(action=Action.CONSULTATION, object_type="person").count()
    assert shown - before == 2
    assert len(set(re.findall(r'href="/people/(\d+)/#panel-cse-screening"', body))) == 2
    assert 'aria-current="page"' in body
    assert "Showing <b>3</b> to <b>4</b> of <b>5</b>" in body
    assert "view=all&amp;page=3" in body and "view=all&amp;page=1" in body


def test_caseload_filters_and_the_export_is_a_disclosure(
    investigator: Any, family: dict[str, Any]
) -> None:
    record(investigator, family["kayleigh"], THREE_SIGNS)
    record(investigator, family["tyler"], ["WS-EDU-TRUANCY"])
    client = client_for(investigator)
    body = client.get(reverse("screening_caseload"), {"level": ["2"]}).content.decode()
    assert "Kayleigh Smith" in body and "Tyler Smith" not in body
    body = client.get(reverse("screening_caseload"), {"view": "raised"}).content.decode()
    assert "Kayleigh Smith" in body
    body = client.get(reverse("screening_caseload"), {"view": "overdue"}).content.decode()
    assert "Kayleigh Smith" not in body
    body = client.get(reverse("screening_caseload"), {"area": "Northam"}).content.decode()
    assert "Kayleigh Smith" in body and "Tyler Smith" not in body  # placed at Oakfield House
    response = client.get(reverse("screening_caseload"), {"level": ["99"]})
    assert "Select a valid choice" in summary(response)

    export = client.get(reverse("screening_export"), {"level": ["1", "2"]})
    assert export["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert [(r["family_name"], r["level"]) for r in rows] == [("Smith", "medium"), ("Smith", "low")]
    disclosed = AuditEntry.objects.filter(action=Action.DISCLOSURE, object_type="person")
    assert {e.object_id for e in disclosed} == {
        str(family["kayleigh"].pk),
        str(family["tyler"].pk),
    }


def test_the_cohort_chart_is_server_side_svg(investigator: Any, family: dict[str, Any]) -> None:
    record(investigator, family["kayleigh"], THREE_SIGNS)
    body = client_for(investigator).get(reverse("screening_cohort")).content.decode()
    assert "<svg" in body and "<title" in body
    assert "style=" not in body and "<script>" not in body
    assert "Secretive" not in body  # counts only, by heading
    assert "Emotional and behavioural development" in body


@pytest.mark.parametrize("name", ["screening_caseload", "screening_tasks", "screening_import"])
def test_the_list_pages_render(investigator: Any, name: str) -> None:
    assert client_for(investigator).get(reverse(name)).status_code == 200
