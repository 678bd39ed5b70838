"""The missing-episode screens: each renders, refuses bad input with a GOV.UK error summary,
checks need-to-know first, audits what it shows, and lists pages in a fixed number of
queries."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import LinkFactory, LocationFactory, PersonFactory
from tests.missing.conftest import record_return, report
from tests.missing.test_import import ROWS, csv_text
from vigil.audit.models import Action, AuditEntry
from vigil.missing.models import MissingEpisode, ReturnHomeInterview

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def episodes(investigator: Any, world: dict[str, Any]) -> dict[str, Any]:
    """A returned episode (found at the hotel with the adult) and one still open."""
    now = timezone.now()
    returned = report(
        investigator, world["child"], now - timedelta(days=5), missing_from=world["home"]
    )
    returned = record_return(
        investigator,
        returned,
        now - timedelta(days=4),
        found_at=world["hotel"],
        found_with=[world["adult"]],
    )
    other = PersonFactory(acting_user=investigator, given_names="Chloe", family_name="Turner")
    still_missing = report(investigator, other, now - timedelta(hours=30), risk_level="high")
    return {"returned": returned, "open": still_missing, "other": other}


LIST_PAGES = [
    "missing_now",
    "missing_interviews",
    "missing_repeat",
    "missing_where_found",
    "missing_together",
    "missing_import",
]


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_render(investigator: Any, episodes: dict[str, Any], name: str) -> None:
    response = client_for(investigator).get(reverse(name))
    assert response.status_code == 200
    assert b"Missing now" in response.content  # the area's sub-navigation


def test_missing_now_lists_the_open_episode_with_its_risk(
    investigator: Any, episodes: dict[str, Any]
) -> None:
    response = client_for(investigator).get(reverse("missing_now"))
    text = response.content.decode()
    assert "Chloe Turner" in text and "1 day 6 hours" in text
    assert "vigil-risk--high" in text and "Kayleigh Smith" not in text
    # Every child shown is audited as consulted.
    assert AuditEntry.objects.filter(
        action=Action.CONSULTATION, object_type="person", object_id=str(episodes["other"].pk)
    ).exists()


def test_interviews_filter_and_overdue_in_red(investigator: Any, episodes: dict[str, Any]) -> None:
    client = client_for(investigator)
    text = client.get(reverse("missing_interviews")).content.decode()
    assert "vigil-rhi--overdue" in text and "govuk-tag--red" in text
    assert "Kayleigh Smith" in text
    done = client.get(reverse("missing_interviews"), {"show": "completed"}).content.decode()
    assert "No return home interviews match" in done
    bad = client.get(reverse("missing_interviews"), {"show": "lost", "area": "Atlantis"})
    assert bad.status_code == 200 and b"govuk-error-summary" in bad.content
    by_area = client.get(reverse("missing_interviews"), {"area": "Northam"}).content.decode()
    assert "Kayleigh Smith" in by_area


def test_where_found_ranks_places_with_who_the_children_were_found_with(
    investigator: Any, episodes: dict[str, Any]
) -> None:
    text = client_for(investigator).get(reverse("missing_where_found")).content.decode()
    assert "Station Hotel" in text and "Lee Marsh" in text and "Location of concern" in text


def test_repeat_missing_lists_children_over_the_threshold(
    investigator: Any, world: dict[str, Any]
) -> None:
    now = timezone.now()
    for days in (80, 40, 5):
        episode = report(investigator, world["child"], now - timedelta(days=days))
        record_return(investigator, episode, now - timedelta(days=days) + timedelta(hours=6))
    text = client_for(investigator).get(reverse("missing_repeat")).content.decode()
    assert "Kayleigh Smith" in text and "Rising" in text


def test_the_person_page_shows_the_missing_panel_and_timeline(
    investigator: Any, world: dict[str, Any], episodes: dict[str, Any]
) -> None:
    text = (
        client_for(investigator)
        .get(reverse("person_detail", args=[world["child"].pk]))
        .content.decode()
    )
    assert 'id="panel-missing"' in text and 'id="missing-timeline"' in text
    assert episodes["returned"].ref in text and "Station Hotel" in text
    assert "1 in the last 30 days" in text
    assert "Overdue" in text  # the latest interview


def test_the_panel_is_left_out_for_an_adult_with_no_episodes(
    investigator: Any, world: dict[str, Any]
) -> None:
    text = (
        client_for(investigator)
        .get(reverse("person_detail", args=[world["adult"].pk]))
        .content.decode()
    )
    assert 'id="panel-missing"' not in text


def test_report_missing_refuses_bad_input_then_reports(
    investigator: Any, world: dict[str, Any]
) -> None:
    client = client_for(investigator)
    url = reverse("missing_report", args=[world["child"].pk])
    assert client.get(url).status_code == 200
    bad = client.post(url, {"reported_on_0": "31", "reported_on_1": "2", "reported_on_2": "2026"})
    text = bad.content.decode()
    assert bad.status_code == 200 and "govuk-error-summary" in text
    for message in (
        "must be a real date",
        "Select who reported the child missing",
        "Select the missing-person risk level",
        "Enter grading officer",
    ):
        assert message in text
    assert not MissingEpisode.objects.exists()
    unseen = client.post(url, _report_form(missing_from="L-99999"))
    assert "No record with that reference" in unseen.content.decode()
    good = client.post(url, _report_form(missing_from=f"L-{world['home'].pk}"))
    episode = MissingEpisode.objects.get()
    assert good.status_code == 302 and good["Location"] == reverse(
        "missing_episode", args=[episode.pk]
    )
    assert episode.missing_from == world["home"]


def _report_form(**extra: str) -> dict[str, str]:
    day = timezone.localdate() - timedelta(days=1)
    data = {
        "reported_on_0": str(day.day),
        "reported_on_1": str(day.month),
        "reported_on_2": str(day.year),
        "reported_time": "21:30",
        "reported_by_kind": "childrens_home",
        "risk_level": "medium",
        "risk_reason": "Known CSE concerns",
        "grading_officer": "PS 1234 Hale",
        "access_level": "standard",
    }
    data.update(extra)
    return data


def test_record_the_return_from_the_screen(investigator: Any, world: dict[str, Any]) -> None:
    episode = report(investigator, world["child"], timezone.now() - timedelta(days=1))
    client = client_for(investigator)
    url = reverse("missing_return", args=[episode.pk])
    LinkFactory(
        acting_user=investigator,
        link_type="partner_of",
        source_entity=world["child"],
        target_entity=world["adult"],
    )
    page = client.get(url)
    assert page.status_code == 200
    assert f"P-{world['adult'].pk}" in page.content.decode()  # references to pick from
    bad = client.post(url, {"version": episode.version, "found_with": "Q-1", "vehicles": "!!"})
    text = bad.content.decode()
    assert "govuk-error-summary" in text and "Enter a record reference like P-42" in text
    assert "is not a registration mark" in text
    today = timezone.localdate()
    good = client.post(
        url,
        {
            "version": episode.version,
            "returned_on_0": today.day,
            "returned_on_1": today.month,
            "returned_on_2": today.year,
            "returned_time": "00:05",
            "how_returned": "found_by_police",
            "found_at": f"L-{world['hotel'].pk}",
            "found_with": f"P-{world['adult'].pk}",
            "vehicles": "AB12 CDE",
            "rhi_offered_by": "",
        },
    )
    assert good.status_code == 302, good.content.decode()[:2000]
    episode.refresh_from_db()
    assert episode.found_at == world["hotel"] and list(episode.found_with.all()) == [world["adult"]]
    detail = client.get(reverse("missing_episode", args=[episode.pk])).content.decode()
    assert "Return home interview" in detail and "Due by (UK time)" in detail


def test_regrade_and_interview_screens(investigator: Any, episodes: dict[str, Any]) -> None:
    client = client_for(investigator)
    episode = episodes["returned"]
    url = reverse("missing_regrade", args=[episode.pk])
    bad = client.post(url, {"version": episode.version})
    assert "Select the missing-person risk level" in bad.content.decode()
    stale = client.post(
        url, {"version": 99, "risk_level": "high", "reason": "r", "grading_officer": "g"}
    )
    assert "Someone else changed this record" in stale.content.decode()
    good = client.post(
        url,
        {"version": episode.version, "risk_level": "high", "reason": "r", "grading_officer": "g"},
    )
    assert good.status_code == 302

    interview = ReturnHomeInterview.objects.get(episode=episode)
    url = reverse("missing_interview_update", args=[episode.pk])
    # Yesterday at 09:00: after the return (4 days ago) and never in the future, whatever
    # the time of day the test runs.
    day = timezone.localdate() - timedelta(days=1)
    when = {"on_0": day.day, "on_1": day.month, "on_2": day.year, "at": "09:00"}
    no_reason = client.post(url, {"version": interview.version, "status": "not_possible", **when})
    assert "Enter why an interview was not possible" in no_reason.content.decode()
    done = client.post(url, {"version": interview.version, "status": "completed", **when})
    assert done.status_code == 302
    again = client.post(url, {"version": interview.version + 1, "status": "declined", **when})
    assert "cannot become declined" in again.content.decode()


def test_disclosure_to_intelligence_from_the_screen(
    investigator: Any, episodes: dict[str, Any]
) -> None:
    client = client_for(investigator)
    episode = episodes["returned"]
    empty = client.post(reverse("missing_disclosure_add", args=[episode.pk]), {"text": " "})
    assert "Enter what the child disclosed" in empty.content.decode()
    client.post(reverse("missing_disclosure_add", args=[episode.pk]), {"text": "He gave me vodka"})
    disclosure = ReturnHomeInterview.objects.get(episode=episode).disclosures.get()
    url = reverse("missing_disclosure_intelligence", args=[disclosure.pk])
    assert "He gave me vodka" in client.get(url).content.decode()
    bad = client.post(
        url,
        {
            "summary": "s",
            "source_evaluation": "2",
            "intelligence_assessment": "A",
            "handling_code": "C",
        },
    )
    assert "Enter the conditions that apply to handling code C" in bad.content.decode()
    good = client.post(
        url,
        {
            "summary": "s",
            "source_evaluation": "2",
            "intelligence_assessment": "A",
            "handling_code": "P",
        },
    )
    assert good.status_code == 302
    detail = client.get(reverse("missing_episode", args=[episode.pk])).content.decode()
    assert "Intelligence 2AP" in detail


def test_import_screen_shows_the_row_report_and_stores_nothing(investigator: Any) -> None:
    client = client_for(investigator)
    page = client.get(reverse("missing_import")).content.decode()
    assert "external_reference" in page and "grading_officer" in page  # the columns documented
    bad = csv_text(ROWS[0], ROWS[1].replace("found_by_police", "beamed_up"))
    response = client.post(
        reverse("missing_import"),
        {"file": SimpleUploadedFile("export.csv", bad.encode(), content_type="text/csv")},
    )
    text = response.content.decode()
    assert response.status_code == 200 and 'id="import-errors"' in text
    assert "nothing was imported" in text and "how_returned" in text
    assert not MissingEpisode.objects.exists()
    good = client.post(
        reverse("missing_import"),
        {"file": SimpleUploadedFile("export.csv", csv_text(*ROWS).encode())},
    )
    assert good.status_code == 302 and MissingEpisode.objects.count() == 3
    no_file = client.post(reverse("missing_import"), {})
    assert "govuk-error-summary" in no_file.content.decode()


# --- Access -----------------------------------------------------------------------------------


def test_outsiders_are_refused_every_page(outsider: Any, episodes: dict[str, Any]) -> None:
    client = client_for(outsider)
    for name in LIST_PAGES:
        assert client.get(reverse(name)).status_code == 403
    assert client.get(reverse("missing_episode", args=[episodes["open"].pk])).status_code == 404


def test_partners_do_not_see_police_episodes(partner: Any, episodes: dict[str, Any]) -> None:
    client = client_for(partner)
    for name in ("missing_episode", "missing_return", "missing_regrade"):
        assert client.get(reverse(name, args=[episodes["open"].pk])).status_code == 404
    text = client.get(reverse("missing_now")).content.decode()
    assert "Chloe Turner" not in text and "No child you can see" in text
    assert "Station Hotel" not in client.get(reverse("missing_where_found")).content.decode()


def test_partners_see_their_own_agencys_episodes(partner: Any, world: dict[str, Any]) -> None:
    child = PersonFactory(acting_user=partner, given_names="Amy", family_name="Reed")
    report(partner, child, timezone.now() - timedelta(hours=3))
    assert "Amy Reed" in client_for(partner).get(reverse("missing_now")).content.decode()


def test_sign_in_is_required(client: Client) -> None:
    response = client.get(reverse("missing_now"))
    assert response.status_code == 302 and "/sign-in/" in response["Location"]


# --- Query counts -----------------------------------------------------------------------------


def _many_episodes(user: Any, n: int) -> None:
    now = timezone.now()
    hotel = LocationFactory(acting_user=user)
    for i in range(n):
        child = PersonFactory(acting_user=user)
        adult = PersonFactory(acting_user=user)
        episode = report(user, child, now - timedelta(days=10 + i))
        record_return(
            user, episode, now - timedelta(days=9 + i), found_at=hotel, found_with=[adult]
        )
        report(user, child, now - timedelta(hours=5 + i))


@pytest.mark.parametrize("name", LIST_PAGES)
def test_list_pages_use_a_fixed_number_of_queries(
    investigator: Any, name: str, django_assert_max_num_queries: Any
) -> None:
    client = client_for(investigator)
    _many_episodes(investigator, 2)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse(name)).status_code == 200
    baseline = len(few)  # now: the captured list is a window on a bounded log
    _many_episodes(investigator, 8)
    with django_assert_max_num_queries(baseline):
        assert client.get(reverse(name)).status_code == 200


def test_person_page_queries_do_not_grow_with_episodes(
    investigator: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    client = client_for(investigator)
    child = world["child"]
    now = timezone.now()

    def add(days: int) -> None:
        episode = report(investigator, child, now - timedelta(days=days))
        record_return(
            investigator,
            episode,
            now - timedelta(days=days) + timedelta(hours=3),
            found_at=world["hotel"],
            found_with=[world["adult"]],
        )

    add(100)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("person_detail", args=[child.pk])
    # A first view after new records may refresh other panels' stored results (screening):
    # compare warm views only.
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    baseline = len(few)  # now: the captured list is a window on a bounded log
    for days in (80, 60, 40, 20, 10):
        add(days)
    client.get(url)
    with django_assert_max_num_queries(baseline):
        client.get(url)
