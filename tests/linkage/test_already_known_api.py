"""`GET /api/linkage/already-known/`: suggestions as the user types, need-to-know, audited,
and bad input answered with 400 (never 500)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PersonFactory
from vigil.audit.models import Action, AuditEntry
from vigil.linkage import services
from vigil.linkage.models import PersonBlockingKey, PersonLinkageRecord

URL = "/api/linkage/already-known/"


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def kayleigh(investigator: Any) -> Any:
    return PersonFactory(
        acting_user=investigator, given_names="Kayleigh", family_name="Smith",
        date_of_birth=date(2010, 3, 4),
    )  # fmt: skip


def test_the_url_is_named() -> None:
    assert reverse("linkage_already_known") == URL


def test_suggests_the_child_as_typed_and_audits_it(kayleigh: Any, colleague: Any) -> None:
    PersonFactory(acting_user=colleague, given_names="Jordan", family_name="Smith")
    response = signed_in(colleague).get(
        URL, {"given_names": "Kaylee", "family_name": "Smyth", "date_of_birth": "2010-03-04"}
    )
    assert response.status_code == 200
    suggestions = response.json()["suggestions"]
    assert [s["id"] for s in suggestions] == [kayleigh.pk]
    first = suggestions[0]
    assert first["reference"] == f"P-{kayleigh.pk}" and first["url"] == f"/people/{kayleigh.pk}/"
    assert first["match_probability"] > 0.5 and first["date_of_birth"] == "2010-03-04"
    assert {e["comparison"] for e in first["evidence"]} >= {"given_name", "date_of_birth"}
    audit = AuditEntry.objects.filter(action=Action.CONSULTATION, object_type="person")
    assert [(e.object_id, e.username) for e in audit] == [(str(kayleigh.pk), "analyst")]
    assert "Already known" in audit[0].justification


def test_people_are_indexed_when_the_people_services_create_them(kayleigh: Any) -> None:
    # The linkage app registers refresh_person_linkage as a people-services index hook.
    assert PersonLinkageRecord.objects.filter(person=kayleigh).exists()
    assert PersonBlockingKey.objects.filter(person=kayleigh, key="1gf:kayleigh|smith").exists()


def test_people_missing_from_the_index_are_indexed_on_the_next_lookup(
    kayleigh: Any, colleague: Any
) -> None:
    PersonBlockingKey.objects.all().delete()
    PersonLinkageRecord.objects.all().delete()
    signed_in(colleague).get(URL, {"given_names": "Kay", "family_name": "Smith"})
    assert PersonLinkageRecord.objects.filter(person=kayleigh).exists()
    assert PersonBlockingKey.objects.filter(person=kayleigh, key="1gf:kayleigh|smith").exists()


def test_the_refresh_hook_follows_a_change(kayleigh: Any, investigator: Any) -> None:
    from vigil.people import services as people_services

    services.refresh_person_linkage(kayleigh)
    people_services.person_update(
        acting_user=investigator, person=kayleigh, expected_version=kayleigh.version,
        family_name="Jones",
    )  # fmt: skip
    services.refresh_person_linkage(kayleigh.pk)
    keys = set(PersonBlockingKey.objects.filter(person=kayleigh).values_list("key", flat=True))
    assert "1gf:kayleigh|jones" in keys and "1gf:kayleigh|smith" not in keys


def test_too_little_typed_suggests_nothing(kayleigh: Any, colleague: Any) -> None:
    response = signed_in(colleague).get(URL, {"given_names": "Kayleigh"})
    assert response.status_code == 200 and response.json() == {"suggestions": []}
    assert not AuditEntry.objects.filter(action=Action.CONSULTATION).exists()


def test_records_the_user_cannot_see_are_never_suggested(kayleigh: Any, partner: Any) -> None:
    response = signed_in(partner).get(
        URL, {"given_names": "Kayleigh", "family_name": "Smith", "date_of_birth": "2010-03-04"}
    )
    assert response.status_code == 200 and response.json() == {"suggestions": []}


def test_outsider_and_signed_out_are_refused(kayleigh: Any, outsider: Any) -> None:
    query = {"given_names": "Kayleigh", "family_name": "Smith"}
    assert signed_in(outsider).get(URL, query).status_code == 403
    assert Client().get(URL, query).status_code in (401, 403)


@pytest.mark.parametrize(
    "query,field",
    [
        ({"date_of_birth": "04/03/2010", "family_name": "Smith"}, "date_of_birth"),
        ({"date_of_birth": "2010-02-30", "family_name": "Smith"}, "date_of_birth"),
        ({"family_name": "x" * 201}, "family_name"),
        ({"postcode": "LS1 1AA" * 5}, "postcode"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(colleague: Any, query: Any, field: str) -> None:
    response = signed_in(colleague).get(URL, query)
    assert response.status_code == 400
    assert field in response.json()["errors"]


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    given_names=st.text(max_size=30),
    family_name=st.text(max_size=30),
    postcode=st.text(max_size=12),
    date_of_birth=st.one_of(st.just(""), st.dates().map(str), st.text(max_size=12)),
)
def test_any_input_is_answered_never_a_500(
    colleague: Any, kayleigh: Any, given_names: str, family_name: str, postcode: str,
    date_of_birth: str,
) -> None:  # fmt: skip
    response = signed_in(colleague).get(
        URL,
        {
            "given_names": given_names, "family_name": family_name, "postcode": postcode,
            "date_of_birth": date_of_birth,
        },
    )  # fmt: skip
    assert response.status_code in (200, 400)


def test_a_shared_dob_outranks_broad_name_keys_when_candidates_are_few(
    investigator: Any, colleague: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 1M people a common name's broad keys are shared by thousands: the namesake born
    # another day (same names, same year: three keys) must not crowd out the person with
    # the typed DOB (DOB, names' sound and year: also three keys), however few are scored.
    from vigil.linkage import selectors

    PersonFactory(
        acting_user=investigator, given_names="Marcuss", family_name="Hil",
        date_of_birth=date(1985, 6, 6),
    )  # fmt: skip
    marcus = PersonFactory(
        acting_user=investigator, given_names="Marcus", family_name="Hill",
        date_of_birth=date(1985, 3, 14),
    )  # fmt: skip
    monkeypatch.setattr(selectors, "CANDIDATE_LIMIT", 1)
    monkeypatch.setattr(selectors, "RANKED_PER_CANDIDATE", 1)
    found = selectors.already_known(
        colleague, given_names="Marcuss", family_name="Hil", date_of_birth=date(1985, 3, 14)
    )
    assert [s.person.pk for s in found] == [marcus.pk]


def test_opening_the_form_builds_the_scorer_before_the_first_lookup(
    kayleigh: Any, colleague: Any, monkeypatch: Any
) -> None:
    from vigil.linkage import selectors

    scorers = selectors._Scorers()  # a process that has not scored yet
    monkeypatch.setattr(selectors, "_scorers", scorers)
    started: list[Any] = []
    warm = selectors.warm_already_known
    monkeypatch.setattr(selectors, "warm_already_known", lambda: started.append(warm()))

    assert signed_in(colleague).get(reverse("person_create")).status_code == 200
    assert len(started) == 1 and started[0] is not None
    started[0].join(timeout=60)
    built = scorers.scorer
    assert built is not None and scorers.key[0] is None  # no run yet: the prior model
    # The lookup uses the scorer the form built, and finds her.
    response = signed_in(colleague).get(
        URL, {"given_names": "Kaylee", "family_name": "Smith", "date_of_birth": "2010-03-04"}
    )
    assert [s["id"] for s in response.json()["suggestions"]] == [kayleigh.pk]
    assert scorers.scorer is built
    # Opening the form again builds nothing.
    assert selectors.warm_already_known() is None
