"""The auditor's screens: who has looked at a person (pages, API, search results), a user's
activity over a period, CSV exports that are themselves logged, and the chain check."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils.http import urlencode

from tests.factories import PersonFactory
from vigil.audit import views as audit_views
from vigil.audit.models import Action, AuditEntry
from vigil.audit.triggers import remove_triggers
from vigil.people import selectors


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def looked_at(investigator: Any, colleague: Any) -> Any:
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    selectors.get_visible(colleague, type(child), child.pk, justification="MASH strategy")
    selectors.search(colleague, text="Kayleigh")
    signed_in(colleague).get(f"/api/people/{child.pk}/")
    return child


def test_who_has_looked_at_a_person(outsider, looked_at):
    client = signed_in(outsider)
    response = client.get(reverse("audit_home"), {"reference": f"P-{looked_at.pk}"})
    assert response["Location"] == reverse("audit_person", args=[looked_at.pk])
    html = client.get(response["Location"]).content.decode()
    assert f"Who has looked at P-{looked_at.pk}" in html
    assert "MASH strategy" in html  # the justification
    assert "via search" in html  # seen in a search result list
    assert html.count("analyst") >= 3  # the page, the search and the API read
    assert "Intelligence analyst" in html  # their role as it was then
    assert "Kayleigh" not in html  # auditors read the audit, not case content
    # Looking at the trail is itself logged.
    assert AuditEntry.objects.filter(username="auditor", detail__via="audit trail").exists()


def test_a_bad_reference_is_a_gov_uk_error(outsider):
    html = signed_in(outsider).get(reverse("audit_home"), {"reference": "Kayleigh"}).content
    assert b"There is a problem" in html and b"Enter a person reference like P-42" in html


def test_a_users_activity_over_a_period(outsider, looked_at):
    today = date.today()
    query = {
        "username": "analyst",
        "start_0": (today - timedelta(days=1)).day,
        "start_1": (today - timedelta(days=1)).month,
        "start_2": (today - timedelta(days=1)).year,
        "end_0": today.day,
        "end_1": today.month,
        "end_2": today.year,
    }
    html = signed_in(outsider).get(reverse("audit_user"), query).content.decode()
    assert "What analyst did" in html
    assert html.count("Consultation") >= 3
    earlier = {**query, "end_2": today.year - 1, "start_2": today.year - 1}
    html = signed_in(outsider).get(reverse("audit_user"), earlier).content.decode()
    assert "Nothing in the log" in html


def test_a_users_activity_pages_keep_the_period(outsider, looked_at, monkeypatch):
    monkeypatch.setattr(audit_views, "PAGE_SIZE", 2)
    today = date.today()
    query = {"username": "analyst", "start_0": today.day, "start_1": today.month}
    query |= {"start_2": today.year, "end_0": today.day, "end_1": today.month}
    query |= {"end_2": today.year}
    total = AuditEntry.objects.filter(username="analyst").count()
    assert total >= 3
    client = signed_in(outsider)
    first = client.get(reverse("audit_user"), query).content.decode()
    kept = urlencode(query).replace("&", "&amp;")
    # Newest first, so the links read "Newer" and "Older" (GOV.UK pagination otherwise).
    assert f'href="?{kept}&amp;page=2" rel="next"' in first
    assert 'Older<span class="govuk-visually-hidden"> entries</span>' in first
    assert 'rel="prev"' not in first and 'aria-label="Page 1" aria-current="page"' in first
    assert f"Showing <b>1</b> to <b>2</b> of <b>{total}</b> entries" in first
    second = client.get(reverse("audit_user"), {**query, "page": "2"}).content.decode()
    assert f'href="?{kept}&amp;page=1" rel="prev"' in second
    assert 'Newer<span class="govuk-visually-hidden"> entries</span>' in second
    assert "Showing <b>3</b> to " in second


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "nobody"}, "There is no user with that username"),
        ({"end_2": "2000"}, "The &#x27;to&#x27; date must be the same as or after"),
        ({"start_1": "13"}, "From must be a real date"),
    ],
)
def test_activity_search_bad_input(outsider, changes, message):
    query = {"username": "auditor", "start_0": "1", "start_1": "1", "start_2": "2026"}
    query |= {"end_0": "2", "end_1": "1", "end_2": "2026", **changes}
    html = signed_in(outsider).get(reverse("audit_user"), query).content.decode()
    assert "There is a problem" in html and message in html


def test_csv_export_is_a_logged_disclosure(outsider, looked_at):
    response = signed_in(outsider).get(reverse("audit_person_export", args=[looked_at.pk]))
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:6] == ["entry", "at_utc", "username", "agency", "role", "action"]
    assert {row[2] for row in rows[1:]} >= {"investigator", "analyst"}
    assert any(row[9] == "MASH strategy" for row in rows[1:])
    disclosure = AuditEntry.objects.get(action=Action.DISCLOSURE)
    assert disclosure.username == "auditor"
    assert disclosure.detail["rows"] == len(rows) - 1
    assert "CSV download" in disclosure.recipients


def test_csv_cells_cannot_become_formulas(outsider, investigator):
    child = PersonFactory(acting_user=investigator)
    selectors.get_visible(investigator, type(child), child.pk, justification="=HYPERLINK(1)")
    response = signed_in(outsider).get(reverse("audit_person_export", args=[child.pk]))
    assert "'=HYPERLINK(1)" in response.content.decode()


@pytest.mark.parametrize("user", ["investigator", "colleague", "partner"])
def test_only_auditors_read_the_audit(user, request, looked_at):
    client = signed_in(request.getfixturevalue(user))
    for url in [
        reverse("audit_home"),
        reverse("audit_person", args=[looked_at.pk]),
        reverse("audit_person_export", args=[looked_at.pk]),
        reverse("audit_user"),
        reverse("audit_verify"),
    ]:
        assert client.get(url).status_code == 403, url


def test_verify_page_reports_an_intact_and_a_broken_chain(outsider, looked_at):
    client = signed_in(outsider)
    assert "Intact" in client.post(reverse("audit_verify")).content.decode()
    target = AuditEntry.objects.order_by("id").values_list("id", flat=True)[1]
    remove_triggers(connection)
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET justification = 'x' WHERE id = %s", [target])
    html = client.post(reverse("audit_verify")).content.decode()
    assert "The audit log has been altered" in html
    assert f"entry {target}: content does not match its hash" in html


def test_auditors_see_the_audit_in_the_navigation(outsider, investigator):
    assert "Audit log" in signed_in(outsider).get(reverse("home")).content.decode()
    assert "Audit log" not in signed_in(investigator).get(reverse("home")).content.decode()
