"""The review queue: a run fills it; accept, reject, defer and unmerge, each audited; the
person records are never changed; a rejected pair is never suggested again."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from tests.factories import LinkFactory, LocationFactory, PersonFactory
from vigil.audit.models import Action, AuditEntry
from vigil.errors import ApplicationError
from vigil.linkage import selectors, services
from vigil.linkage.models import (
    CandidateMatch,
    LinkageRun,
    MatchStatus,
    PersonIdentityMember,
)
from vigil.people.models import Person


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def people(investigator: Any) -> dict[str, Person]:
    """Kayleigh Smith known twice (a nickname and a transposed DOB), and her twin brother at
    the same address, who must not be suggested as her."""
    home = LocationFactory(
        acting_user=investigator,
        name="",
        premises_type="home",
        address_line_1="22 Clyde Road",
        town="Northtown",
        postcode="NT1 5RT",
    )

    def person(given: str, family: str, dob: date, *, at_home: bool = True) -> Person:
        made = PersonFactory(
            acting_user=investigator, given_names=given, family_name=family, date_of_birth=dob
        )
        if at_home:
            LinkFactory(
                acting_user=investigator, link_type="lives_at", source_entity=made,
                target_entity=home,
            )  # fmt: skip
        return made

    return {
        "kayleigh": person("Kayleigh", "Smith", date(2010, 3, 4)),
        "kay": person("Kay", "Smyth", date(2010, 4, 3), at_home=False),
        "twin": person("Jordan", "Smith", date(2010, 3, 4)),
        "other": person("Marcus", "Hill", date(1985, 1, 1), at_home=False),
    }


def snapshot(*people: Person) -> list[dict[str, Any]]:
    return [model_to_dict(Person.objects.get(pk=p.pk)) for p in people]


def the_match(people: dict[str, Person]) -> CandidateMatch:
    a, b = sorted([people["kayleigh"].pk, people["kay"].pk])
    return CandidateMatch.objects.get(person_a_id=a, person_b_id=b)


@pytest.fixture
def linked(people: dict[str, Person], colleague: Any, django_capture_on_commit_callbacks: Any):
    with django_capture_on_commit_callbacks(execute=True):
        run = services.linkage_run_request(acting_user=colleague)
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.FINISHED, run.error
    return run


def test_a_run_queues_the_duplicate_and_not_the_twin(linked: LinkageRun, people: Any) -> None:
    pairs = {frozenset(m.people) for m in CandidateMatch.objects.all()}
    assert frozenset({people["kayleigh"].pk, people["kay"].pk}) in pairs
    assert frozenset({people["kayleigh"].pk, people["twin"].pk}) not in pairs
    assert linked.people_total == linked.people_read == 4
    assert linked.matches_new == len(pairs)
    assert linked.started_at and linked.finished_at and linked.stage == ""
    evidence = {f["comparison"]: f for f in the_match(people).explanation["fields"]}
    assert evidence["date_of_birth"]["level"] == "DOB day and month transposed"


def test_accept_then_unmerge_round_trip_leaves_the_records_exactly_as_they_were(
    linked: LinkageRun, people: Any, investigator: Any
) -> None:
    before = snapshot(*people.values())
    match = the_match(people)
    identity = services.match_accept(acting_user=investigator, match=match, reason="Same UPN")
    members = set(identity.members.values_list("person_id", flat=True))
    assert members == {people["kayleigh"].pk, people["kay"].pk}
    assert selectors.same_person_as(investigator, people["kay"]) == [people["kayleigh"]]
    assert snapshot(*people.values()) == before

    combined = AuditEntry.objects.filter(action=Action.COMBINATION)
    assert {(e.object_type, e.object_id) for e in combined} == {
        ("person", str(people["kayleigh"].pk)), ("person", str(people["kay"].pk)),
    }  # fmt: skip
    assert combined.first().justification == "Same UPN"

    services.identity_unmerge(acting_user=investigator, person=people["kay"], reason="Twins")
    assert not PersonIdentityMember.objects.exists()
    assert selectors.same_person_as(investigator, people["kayleigh"]) is None
    assert snapshot(*people.values()) == before
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED and match.decision_reason == "Unmerged: Twins"
    unmerge = AuditEntry.objects.filter(action=Action.ALTERATION, object_type="person")
    assert unmerge.count() == 2 and unmerge.first().detail["candidate_matches"] == [match.pk]


def test_three_records_and_unmerging_the_middle_one(investigator: Any, people: Any) -> None:
    k, kay, other = people["kayleigh"], people["kay"], people["other"]
    third = PersonFactory(
        acting_user=investigator, given_names="Kayleigh", family_name="Smith",
        date_of_birth=date(2010, 3, 4),
    )  # fmt: skip

    def match(a: Person, b: Person) -> CandidateMatch:
        lo, hi = sorted([a.pk, b.pk])
        return CandidateMatch.objects.create(
            person_a_id=lo, person_b_id=hi, match_probability=0.95, match_weight=10,
            scored_at=k.created_at,
        )  # fmt: skip

    services.match_accept(acting_user=investigator, match=match(k, kay))
    services.match_accept(acting_user=investigator, match=match(kay, third))
    assert len(selectors.same_person_as(investigator, k)) == 2
    services.identity_unmerge(acting_user=investigator, person=kay, reason="Wrong")
    assert PersonIdentityMember.objects.count() == 0
    assert other.pk not in PersonIdentityMember.objects.values_list("person_id", flat=True)


def test_a_rejected_pair_is_never_suggested_again(
    linked: LinkageRun, people: Any, investigator: Any, colleague: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:  # fmt: skip
    match = the_match(people)
    with pytest.raises(ValidationError):
        services.match_reject(acting_user=investigator, match=match, reason=" ")
    services.match_reject(acting_user=investigator, match=match, reason="Different mothers")
    with django_capture_on_commit_callbacks(execute=True):
        services.linkage_run_request(acting_user=colleague)
    second = LinkageRun.objects.first()
    assert second.status == LinkageRun.Status.FINISHED
    assert second.matches_already_decided >= 1 and second.matches_new == 0
    match.refresh_from_db()
    assert match.status == MatchStatus.REJECTED
    assert match not in selectors.review_queue(investigator).matches
    audit = AuditEntry.objects.get(action=Action.ALTERATION, object_type="candidatematch")
    assert audit.detail["operation"] == "rejected: not the same person"


def test_defer_keeps_it_out_of_the_pending_list(linked: Any, people: Any, investigator: Any):
    match = services.match_defer(acting_user=investigator, match=the_match(people))
    assert match.status == MatchStatus.DEFERRED
    queue = selectors.review_queue(investigator, status=MatchStatus.DEFERRED)
    assert queue.matches == [match] and queue.counts["deferred"] == 1
    with pytest.raises(ApplicationError):
        services.match_accept(acting_user=investigator, match=match)
        services.match_defer(acting_user=investigator, match=match)


def test_only_analysts_and_supervisors_start_runs(investigator: Any, partner: Any) -> None:
    for user in (investigator, partner):
        with pytest.raises(PermissionDenied):
            services.linkage_run_request(acting_user=user)


def test_one_run_at_a_time(colleague: Any) -> None:
    LinkageRun.objects.create(review_threshold=0.5, status=LinkageRun.Status.RUNNING)
    with pytest.raises(ApplicationError, match="already in progress"):
        services.linkage_run_request(acting_user=colleague)


def test_a_failed_run_says_why(colleague: Any, people: Any, monkeypatch: Any) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError("DuckDB out of memory")

    monkeypatch.setattr(services, "link_records", broken)
    run = LinkageRun.objects.create(review_threshold=0.5)
    services.linkage_run_execute(run.pk)
    run.refresh_from_db()
    assert run.status == LinkageRun.Status.FAILED and "out of memory" in run.error


def test_management_command(people: Any, capsys: Any) -> None:
    call_command("linkage-run")
    out = capsys.readouterr().out
    assert "4 people" in out and "new for review" in out
    assert CandidateMatch.objects.exists()


def test_a_run_nobody_asked_for_says_where_it_came_from(people: Any, colleague: Any) -> None:
    call_command("linkage-run")  # as the nightly job runs it
    page = signed_in(colleague).get(reverse("linkage_queue")).content.decode()
    assert "No one: the nightly job or vigil linkage-run" in page


# --- Screens ----------------------------------------------------------------------------------


def test_queue_page_lists_the_match_and_runs(linked: Any, people: Any, colleague: Any) -> None:
    page = signed_in(colleague).get(reverse("linkage_queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Kayleigh Smith" in html and "Kay Smyth" in html and "Run linkage now" in html
    assert "Finished" in html


def test_run_button_starts_a_run(
    people: Any, colleague: Any, investigator: Any, django_capture_on_commit_callbacks: Any
) -> None:
    client = signed_in(colleague)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("linkage_run_start"))
    assert response.status_code == 302
    assert LinkageRun.objects.get().status == LinkageRun.Status.FINISHED
    status = client.get(reverse("linkage_run_status")).json()["run"]
    assert status["status"] == "finished" and status["people_read"] == 4
    # An investigator sees the queue but no button, and cannot start one.
    page = signed_in(investigator).get(reverse("linkage_queue")).content.decode()
    assert "Run linkage now" not in page
    assert signed_in(investigator).post(reverse("linkage_run_start")).status_code == 403


def test_match_page_shows_both_records_side_by_side(linked: Any, people: Any, investigator: Any):
    match = the_match(people)
    page = signed_in(investigator).get(reverse("linkage_match", args=[match.pk]))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Kayleigh" in html and "Kay" in html and "DOB day and month transposed" in html
    assert "govuk-tag--green" in html and "Similar" in html  # DOB agrees; Kay is a nickname
    assert "22 Clyde Road, Northtown" in html and "NT1 5RT" in html  # as recorded
    assert "clyde road" not in html  # not as the model standardised it
    consulted = AuditEntry.objects.filter(action=Action.CONSULTATION, object_type="person")
    assert {people["kayleigh"].pk, people["kay"].pk} <= {int(e.object_id) for e in consulted}


def test_deciding_on_the_page(linked: Any, people: Any, investigator: Any) -> None:
    client = signed_in(investigator)
    url = reverse("linkage_match", args=[the_match(people).pk])
    bad = client.post(url, {"decision": "reject", "reason": ""})
    assert (
        bad.status_code == 200 and "Say why these are not the same person" in bad.content.decode()
    )
    assert client.post(url, {}).status_code == 200  # no decision chosen: error summary
    done = client.post(url, {"decision": "accept", "reason": "Same NHS number"})
    assert done.status_code == 302
    person_page = client.get(reverse("person_detail", args=[people["kay"].pk])).content.decode()
    assert "Same person as" in person_page and "Kayleigh Smith" in person_page
    unmerge_url = reverse("linkage_unmerge", args=[people["kay"].pk])
    assert "Why are these not the same person" in client.post(unmerge_url, {}).content.decode()
    assert client.post(unmerge_url, {"reason": "Twins"}).status_code == 302
    assert not PersonIdentityMember.objects.exists()


@pytest.mark.parametrize("who", ["partner", "other_force_officer"])
def test_records_a_user_cannot_see_are_404(linked: Any, people: Any, who: str, request: Any):
    """The partner (council) cannot see police records, so neither the match nor its unmerge
    page exists for them; the queue shows them nothing."""
    user = request.getfixturevalue(who)
    client = signed_in(user)
    match = the_match(people)
    if who == "partner":
        assert client.get(reverse("linkage_match", args=[match.pk])).status_code == 404
        assert client.get(reverse("linkage_unmerge", args=[people["kay"].pk])).status_code == 404
        assert "Kayleigh" not in client.get(reverse("linkage_queue")).content.decode()
    else:  # another force's officer sees standard police records
        assert client.get(reverse("linkage_match", args=[match.pk])).status_code == 200


def test_outsider_is_refused(linked: Any, people: Any, outsider: Any) -> None:
    client = signed_in(outsider)
    assert client.get(reverse("linkage_queue")).status_code == 403
    # A page about records: the same 404 as for a match that does not exist.
    assert client.get(reverse("linkage_match", args=[the_match(people).pk])).status_code == 404
    assert client.post(reverse("linkage_run_start")).status_code == 403
    assert Client().get(reverse("linkage_queue")).status_code == 302  # signed out: sign in


def test_queue_page_query_count_does_not_grow_with_matches(
    linked: Any, people: Any, colleague: Any, django_assert_max_num_queries: Any
) -> None:
    client = signed_in(colleague)
    client.get(reverse("linkage_queue"))
    with django_assert_max_num_queries(25):
        client.get(reverse("linkage_queue"))
