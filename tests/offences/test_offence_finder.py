"""The "Offence finder" screen (issue 8): renders for case roles, shows the core's finding as
summary cards, names the field on bad input, and is closed to everyone else."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from vigil.core.offences import FACTS, find_offences
from vigil.offences.forms import FACT_GROUPS

URL = reverse("offence_finder")


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def answers(victim: date, suspect: date, incident: date, **groups: list[str]) -> dict[str, Any]:
    return {
        **date_fields("victim_date_of_birth", victim),
        **date_fields("suspect_date_of_birth", suspect),
        **date_fields("incident_date", incident),
        **groups,
    }


INCIDENT = date(2024, 6, 15)
VICTIM_12 = date(2012, 1, 10)
SUSPECT_30 = date(1994, 2, 1)


@pytest.fixture
def signed_in(client: Client, investigator: Any) -> Client:
    client.force_login(investigator)
    return client


def test_it_renders_the_form_for_an_investigator(signed_in: Client) -> None:
    response = signed_in.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 class="govuk-heading-l">Offence finder</h1>' in html
    for group in FACT_GROUPS:
        assert f">{group.legend}</legend>" in html
    for fact, label in FACTS.items():
        assert f'value="{fact}"' in html
        assert label.replace("'", "&#x27;") in html
    assert 'id="finding"' not in html
    assert "govuk-service-navigation__item--active" in html  # the menu item is current


def test_every_fact_is_offered_exactly_once() -> None:
    offered = [fact for group in FACT_GROUPS for fact in group.facts]
    assert sorted(offered) == sorted(FACTS)
    assert len(offered) == len(set(offered))


def test_it_shows_rape_of_a_child_under_13_first(signed_in: Client) -> None:
    response = signed_in.post(
        URL, answers(VICTIM_12, SUSPECT_30, INCIDENT, what_happened=["penile_penetration"])
    )
    assert response.status_code == 200
    html = response.content.decode()
    finding = find_offences(VICTIM_12, SUSPECT_30, INCIDENT, frozenset({"penile_penetration"}))
    assert finding.offences[0].section == "5"
    titles = re.findall(r'<h4 class="govuk-summary-card__title">(.*?)</h4>', html)
    assert titles == [f"Section {o.section}: {o.title}" for o in finding.offences]
    first = html.split('id="offence-1"', 1)[1].split('id="offence-2"', 1)[0]
    assert "Life imprisonment" in first
    assert "Sexual Offences Act 2003" in first
    assert "Why it applies" in first
    assert 'id="finding"' in html
    assert f"Offence policy version {finding.policy_version}" in html
    for note in finding.notes:
        assert note.replace("'", "&#x27;") in html
    recorded = html.split('id="recorded"', 1)[1].split("</dl>", 1)[0]
    assert ">12<" in recorded and ">30<" in recorded
    assert FACTS["penile_penetration"].replace("'", "&#x27;") in recorded


def test_it_lists_defences(signed_in: Client) -> None:
    victim_14 = date(2010, 1, 1)
    response = signed_in.post(
        URL, answers(victim_14, SUSPECT_30, INCIDENT, what_happened=["sexual_touching"])
    )
    finding = find_offences(victim_14, SUSPECT_30, INCIDENT, frozenset({"sexual_touching"}))
    defences = [d for o in finding.offences for d in o.defences]
    assert defences  # s9: reasonable belief that the victim was 16 or over
    html = response.content.decode()
    for defence in defences:
        assert defence.replace("'", "&#x27;") in html


def test_it_keeps_the_answers_for_changing(signed_in: Client) -> None:
    response = signed_in.post(
        URL, answers(VICTIM_12, SUSPECT_30, INCIDENT, images=["possessed_indecent_image"])
    )
    html = response.content.decode()
    assert re.search(r'value="possessed_indecent_image"\s+checked', html)
    assert 'name="victim_date_of_birth_2" type="text" inputmode="numeric" value="2012"' in html


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            answers(date(2025, 1, 1), SUSPECT_30, INCIDENT),
            "victim_date_of_birth",
            "Victim&#x27;s date of birth must be on or before the date of the incident",
        ),
        (
            answers(VICTIM_12, date(2024, 6, 16), INCIDENT),
            "suspect_date_of_birth",
            "Suspect&#x27;s date of birth must be on or before the date of the incident",
        ),
        (
            answers(VICTIM_12, SUSPECT_30, date.today() + timedelta(days=1)),
            "incident_date",
            "Date of the incident must be today or in the past",
        ),
        (
            {**answers(VICTIM_12, SUSPECT_30, INCIDENT), "victim_date_of_birth_1": "13"},
            "victim_date_of_birth",
            "Victim&#x27;s date of birth must be a real date",
        ),
        (
            {**answers(VICTIM_12, SUSPECT_30, INCIDENT), "suspect_date_of_birth_0": ""},
            "suspect_date_of_birth",
            "Suspect&#x27;s date of birth must include a day",
        ),
        (
            {k: v for k, v in answers(VICTIM_12, SUSPECT_30, INCIDENT).items() if "incid" not in k},
            "incident_date",
            "Enter date of the incident",
        ),
        (
            answers(VICTIM_12, SUSPECT_30, INCIDENT, what_happened=["possessed_indecent_image"]),
            "what_happened",
            "Select a valid choice",
        ),
    ],
)
def test_bad_input_names_the_field_and_computes_nothing(
    signed_in: Client, data: dict[str, Any], field: str, message: str
) -> None:
    response = signed_in.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    summary = html.split('class="govuk-error-summary"', 1)[1].split("</ul>", 1)[0]
    assert f'href="#id_{field}_0"' in summary
    assert message in summary
    assert "govuk-form-group--error" in html
    assert 'id="finding"' not in html
    assert "<title>Offence finder (error)" in html


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    for response in (client.get(URL), client.post(URL, {})):
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize("user", ["investigator", "colleague", "partner"])
def test_case_roles_may_use_it(client: Client, user: str, request: pytest.FixtureRequest) -> None:
    client.force_login(request.getfixturevalue(user))
    assert client.get(URL).status_code == 200
    response = client.post(
        URL, answers(VICTIM_12, SUSPECT_30, INCIDENT, what_happened=["sexual_touching"])
    )
    assert 'id="offences"' in response.content.decode()


def test_an_outsider_is_refused(client: Client, outsider: Any) -> None:
    client.force_login(outsider)
    assert client.get(URL).status_code == 403
    response = client.post(
        URL, answers(VICTIM_12, SUSPECT_30, INCIDENT, what_happened=["sexual_touching"])
    )
    assert response.status_code == 403


def test_it_touches_no_case_record(signed_in: Client) -> None:
    # Only the session and the signed-in user: the finder reads no case record (so there is
    # nothing to audit) and stores nothing.
    with CaptureQueriesContext(connection) as queries:
        signed_in.post(
            URL, answers(VICTIM_12, SUSPECT_30, INCIDENT, what_happened=["sexual_touching"])
        )
    tables = {
        table
        for query in queries.captured_queries
        for table in re.findall(r'(?:FROM|INTO|UPDATE)\s+"(\w+)"', query["sql"])
    }
    # (and the signed-in session's authenticator device, which django-otp checks per request)
    assert tables <= {"django_session", "accounts_user", "otp_totp_totpdevice"}
