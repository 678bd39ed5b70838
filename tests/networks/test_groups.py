"""Group-based CSE found in the records (NPCC definition), on the demo area and on a planted
group: the Groups view, a group's page, analysing again, and the flags screening reads."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import LinkFactory, PersonFactory
from tests.networks.conftest import ADULT_BORN
from vigil.audit.models import Action, AuditEntry
from vigil.networks import selectors
from vigil.networks.models import CommunityAnalysis
from vigil.people.models import Person
from vigil.synthetic.demo_area import build_demo_area

pytestmark = pytest.mark.django_db


def _person(given: str, family: str) -> Person:
    return Person.objects.get(given_names=given, family_name=family)


def test_the_demo_holds_a_flagged_group_of_lee_marsh_jason_cole_and_kayleigh_smith():
    demo = build_demo_area()
    analyst = demo["users"]["analyst"]
    analysis = selectors.force_analysis(analyst)
    lee, jason = _person("Lee", "Marsh"), _person("Jason", "Cole")
    kayleigh, chloe = _person("Kayleigh", "Smith"), _person("Chloe", "Turner")
    [group] = analysis.groups_of(f"person:{kayleigh.pk}")
    assert set(group.suspects) == {f"person:{lee.pk}", f"person:{jason.pk}"}
    assert set(group.children) == {f"person:{kayleigh.pk}", f"person:{chloe.pk}"}
    # Associated directly (their associate_of link) and through the car they both use.
    vias = {a.via for a in group.associations}
    assert None in vias
    assert any(v and v.startswith("object:") for v in vias)
    assert group.key_players and group.newest_activity is not None
    # Her mother and brother are not in the group.
    assert f"person:{_person('Donna', 'Smith').pk}" not in group.members

    flags = selectors.group_flags_for_person(kayleigh, user=analyst)
    assert [(f.role, set(f.suspect_ids)) for f in flags] == [("child", {lee.pk, jason.pk})]
    assert any("Dock Street" in line for line in flags[0].evidence)
    # It names the suspects, the children and the records it rests on.
    assert set(flags[0].suspect_names) == {"Lee Marsh", "Jason Cole"}
    assert set(flags[0].child_names) == {"Kayleigh Smith", "Chloe Turner"}
    records = {record.record.split(":")[0] for record in flags[0].evidence_records}
    assert records == {"link", "event"}
    assert all(record.url and record.label for record in flags[0].evidence_records)
    assert selectors.group_flags_for_person(lee.pk, user=analyst)[0].role == "suspect"
    assert selectors.group_flags_for_person(_person("Donna", "Smith")) == []
    # Without a user (a system job) the same group is found, without handling-code C links.
    assert [f.group_key for f in selectors.group_flags_for_person(kayleigh)] == [group.key]


def test_one_suspect_is_not_a_group(planted, investigator):
    from vigil.people import services

    second = planted["second"]
    services.person_update(
        acting_user=investigator, person=second, expected_version=second.version, flags=[]
    )
    assert selectors.force_analysis(investigator).groups == []


def test_the_planted_group_is_flagged_with_its_evidence(planted, investigator):
    [group] = selectors.force_analysis(investigator).groups
    assert set(group.suspects) == {
        f"person:{planted['first'].pk}",
        f"person:{planted['second'].pk}",
    }
    assert group.children == (f"person:{planted['child'].pk}",)
    assert f"person:{planted['bystander'].pk}" not in group.members
    evidence = {info.link.kind for info in group.evidence}
    assert {"associate_of", "drives_vehicle", "seen_with"} <= evidence


def test_groups_page_lists_flagged_groups_and_logs_who_was_shown(client, planted, investigator):
    client.force_login(investigator)
    response = client.get(reverse("network_groups"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "1 flagged group" in html
    assert "Sam Suspect" in html and "Kayla Child" in html
    assert "Bob Bystander" not in html
    consulted = AuditEntry.objects.filter(
        action=Action.CONSULTATION, detail__via="network groups", object_type="person"
    ).values_list("object_id", flat=True)
    assert str(planted["child"].pk) in set(consulted)


def test_group_page_shows_members_and_evidence(client, planted, investigator):
    [group] = selectors.force_analysis(investigator).groups
    client.force_login(investigator)
    response = client.get(reverse("network_group", args=[group.key]))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Why the suspects count as associated" in html
    assert "AB12 CDE" in html  # the shared car
    assert "Child found at hotel with two men" in html
    gone = client.get(reverse("network_group", args=["0000000000"]), follow=True)
    assert gone.redirect_chain == [(reverse("network_groups") + "?gone=1", 302)]
    assert "That group is not flagged in the records you may see now" in gone.content.decode()


def test_the_analysis_is_kept_and_can_be_run_again(client, planted, investigator, monkeypatch):
    monkeypatch.setattr(selectors, "INLINE_ANALYSIS_RECORDS", 0)  # a force: the job runs it
    first = selectors.force_analysis(investigator)
    assert selectors.force_analysis(investigator).analysed_at == first.analysed_at
    # An edit (not a change in what the user may see) leaves the analysis, marked stale.
    from vigil.people import services

    bob = planted["bystander"]
    services.person_update(
        acting_user=investigator, person=bob, expected_version=bob.version, notes="Edited"
    )
    kept = selectors.force_analysis(investigator)
    assert kept.analysed_at == first.analysed_at
    assert selectors.analysis_is_stale(investigator, kept)
    client.force_login(investigator)
    assert (
        "Records have changed since then" in client.get(reverse("network_groups")).content.decode()
    )
    response = client.post(reverse("network_refresh"))
    assert response.status_code == 302
    again = selectors.force_analysis(investigator)
    assert again.analysed_at > first.analysed_at
    assert not selectors.analysis_is_stale(investigator, again)


def test_a_new_record_joins_at_the_next_run_and_a_broken_flag_goes_at_once(
    planted, investigator, monkeypatch
):
    """At force scale the kept run gives the communities until the next one; each look checks
    them in the records as they are."""
    from vigil.people import services

    monkeypatch.setattr(selectors, "INLINE_ANALYSIS_RECORDS", 0)
    selectors.force_analysis(investigator)
    third = PersonFactory(acting_user=investigator, date_of_birth=ADULT_BORN, flags=["suspect"])
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=third,
        target_entity=planted["first"],
    )
    [kept] = selectors.force_analysis(investigator).groups
    assert f"person:{third.pk}" not in kept.members
    [again] = selectors.force_analysis(investigator, refresh=True).groups
    assert f"person:{third.pk}" in again.members

    for suspect in (planted["second"], third):
        suspect.refresh_from_db()
        services.person_update(
            acting_user=investigator, person=suspect, expected_version=suspect.version, flags=[]
        )
    assert selectors.force_analysis(investigator).groups == []  # no new run needed
    assert CommunityAnalysis.objects.count() == 2


def test_a_small_database_is_analysed_again_as_soon_as_records_change(planted, investigator):
    selectors.force_analysis(investigator)
    third = PersonFactory(acting_user=investigator, date_of_birth=ADULT_BORN, flags=["suspect"])
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=third,
        target_entity=planted["first"],
    )
    flags = selectors.group_flags_for_person(third)
    assert [flag.role for flag in flags] == ["suspect"]
    [group] = selectors.force_analysis(investigator).groups
    assert f"person:{third.pk}" in group.suspects
    assert not selectors.analysis_is_stale(investigator, selectors.force_analysis(investigator))


def test_a_group_resting_on_a_record_the_user_may_not_see_is_not_shown(
    planted, investigator, other_force_officer
):
    """The run reads every record; a user who may not see the second suspect does not get the
    group (one suspect is not a group), nor the hidden suspect named or counted."""
    hidden = PersonFactory(
        acting_user=investigator,
        given_names="Hidden",
        date_of_birth=ADULT_BORN,
        flags=["suspect"],
        access_level="restricted",
    )
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=hidden,
        target_entity=planted["first"],
    )
    second = planted["second"]
    from vigil.people import services

    services.person_update(
        acting_user=investigator, person=second, expected_version=second.version, flags=[]
    )
    [group] = selectors.force_analysis(investigator).groups
    assert f"person:{hidden.pk}" in group.suspects
    theirs = selectors.force_analysis(other_force_officer)
    assert theirs.groups == []
    assert f"person:{hidden.pk}" not in theirs.nodes
    assert selectors.group_flags_for_person(planted["child"], user=other_force_officer) == []


def test_groups_need_a_case_role_and_show_partners_only_their_own_records(
    client, planted, partner, outsider
):
    client.force_login(outsider)
    assert client.get(reverse("network_groups")).status_code == 403
    assert client.post(reverse("network_refresh")).status_code == 403
    assert client.get(reverse("network_refresh")).status_code == 403
    client.force_login(partner)
    response = client.get(reverse("network_groups"))
    assert response.status_code == 200
    assert (
        "No community in the records you may see meets the definition" in response.content.decode()
    )
    [group] = selectors.force_analysis(planted["child"].created_by).groups
    # The partner's answer for a real group is the same as for a made-up key.
    assert client.get(reverse("network_group", args=[group.key])).status_code == 302
    assert (
        "Sam Suspect"
        not in client.get(reverse("network_group", args=[group.key]), follow=True).content.decode()
    )


def test_nav_item_networks_for_case_workers_only(client, investigator, outsider):
    client.force_login(investigator)
    assert 'href="/networks/">Networks</a>' in client.get(reverse("home")).content.decode()
    client.force_login(outsider)
    assert 'href="/networks/">Networks</a>' not in client.get(reverse("home")).content.decode()


def test_person_panel_summarises_the_network_and_the_flag(client, planted, investigator):
    client.force_login(investigator)
    response = client.get(reverse("person_detail", args=[planted["child"].pk]))
    html = response.content.decode()
    assert 'id="panel-network"' in html
    assert "Possible group-based CSE" in html
    assert "Sam Suspect" in html
    assert reverse("person_network", args=[planted["child"].pk]) in html


def test_every_user_checks_the_same_kept_run(planted, investigator, colleague):
    mine, theirs = selectors.force_analysis(investigator), selectors.force_analysis(colleague)
    assert mine.analysed_at == theirs.analysed_at
    assert [g.key for g in mine.groups] == [g.key for g in theirs.groups]
    assert CommunityAnalysis.objects.count() == 1


def test_the_job_keeps_a_run(planted, capsys):
    from django.core.management import call_command

    call_command("networks-analyse")
    assert "1 possible group-based CSE" in capsys.readouterr().out
    run = CommunityAnalysis.objects.get()
    assert run.requested_by is None and run.records == 6
    [candidate] = run.candidates
    assert f"person:{planted['child'].pk}" in candidate["members"]


def test_a_large_force_is_not_analysed_while_a_record_opens(
    client, planted, investigator, monkeypatch
):
    monkeypatch.setattr(selectors, "INLINE_ANALYSIS_RECORDS", 0)
    client.force_login(investigator)
    page = client.get(reverse("person_detail", args=[planted["child"].pk])).content.decode()
    assert "The search for group-based CSE has not run on the latest records" in page
    assert "Possible group-based CSE" not in page
    client.get(reverse("network_groups"))  # runs it
    page = client.get(reverse("person_detail", args=[planted["child"].pk])).content.decode()
    assert "Possible group-based CSE" in page


def test_a_group_resting_on_handling_code_c_is_flagged_only_within_its_conditions(
    investigator, other_force_officer
):
    """The run reads C intelligence so no group is missed; only users within its conditions
    (the owning agency) see the group, the link, or a path through it."""
    from tests.factories import IntelligenceReportFactory
    from tests.networks.conftest import CHILD_BORN

    child = PersonFactory(acting_user=investigator, date_of_birth=CHILD_BORN, flags=["victim"])
    first, second = (
        PersonFactory(acting_user=investigator, date_of_birth=ADULT_BORN, flags=["suspect"])
        for _ in range(2)
    )
    LinkFactory(
        acting_user=investigator, link_type="associate_of", source_entity=first, target_entity=child
    )
    IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[first, second],
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code="C",
        handling_conditions="CSE team only",
    )
    [group] = selectors.force_analysis(investigator).groups
    assert set(group.suspects) == {f"person:{first.pk}", f"person:{second.pk}"}
    assert selectors.force_analysis(other_force_officer).groups == []
    assert selectors.group_flags_for_person(child) == []  # a system job: no one's conditions
    ends = (f"person:{child.pk}", f"person:{second.pk}")
    assert selectors.path_between(investigator, *ends) is not None
    assert selectors.path_between(other_force_officer, *ends) is None


def test_a_run_that_changes_the_groups_rescreens_their_children(
    planted, django_capture_on_commit_callbacks
):
    """A newly flagged group feeds its children's screening at once (issue 10), not at the
    next page open or nightly re-screen; a run that finds the same groups re-screens no one."""
    from vigil.networks.services import network_analyse
    from vigil.safeguarding.models import ScreeningResult

    child = planted["child"]
    CommunityAnalysis.objects.all().delete()
    ScreeningResult.objects.filter(child=child).delete()
    with django_capture_on_commit_callbacks(execute=True) as first:
        network_analyse()
    assert first, "the first run flags the planted group"
    latest = ScreeningResult.objects.filter(child=child).order_by("-pk").first()
    assert latest is not None
    assert "WS-FAM-IN-FLAGGED-NETWORK-GROUP" in str(latest.derived)

    with django_capture_on_commit_callbacks(execute=True) as second:
        network_analyse()
    assert second == []
