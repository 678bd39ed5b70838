"""The POLE store drawn as a graph for one user: links, co-occurrence in events, grading,
handling code C, roles, and need-to-know (a record the user may not see is neither drawn nor
counted)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import pytest

from tests.factories import (
    EventFactory,
    IntelligenceReportFactory,
    LinkFactory,
    LocationFactory,
    PersonFactory,
    PhoneFactory,
)
from tests.networks.conftest import ADULT_BORN, CHILD_BORN, LONDON
from vigil.accounts.models import User
from vigil.networks import selectors
from vigil.people.models import Person
from vigil.synthetic.demo_area import build_demo_area

pytestmark = pytest.mark.django_db


def _links(graph: selectors.PoleGraph, a: Any, b: Any) -> list[Any]:
    ids = {_id(a), _id(b)}
    return [link for link in graph.links if {link.source, link.target} == ids]


def _id(record: Any) -> str:
    kind = {"person": "person", "poleobject": "object", "location": "location"}[
        record._meta.model_name
    ]
    return f"{kind}:{record.pk}"


def test_links_become_typed_dated_edges_graded_recorded_fact(planted, investigator):
    graph = selectors.pole_graph(investigator)
    [link] = [
        x for x in _links(graph, planted["first"], planted["second"]) if x.id.startswith("link")
    ]
    assert link.kind == "associate_of"
    assert (link.first_seen, link.last_seen) == (date(2024, 1, 1), date(2024, 3, 1))
    assert link.grading == "recorded fact"
    assert graph.evidence[link.id].label.startswith("Link: Sam Suspect associate of Alex Suspect")


def test_people_in_one_event_are_seen_with_each_other_and_with_its_objects_and_places(
    planted, investigator
):
    graph = selectors.pole_graph(investigator)
    kinds = {link.kind for link in _links(graph, planted["child"], planted["first"])}
    assert kinds == {"seen_with"}
    [with_car] = _links(graph, planted["child"], planted["car"])
    assert with_car.kind == "travelled_in"
    assert with_car.first_seen == with_car.last_seen == date(2024, 2, 10)
    [at_hotel] = _links(graph, planted["child"], planted["hotel"])
    assert at_hotel.kind == "found_at"
    [car_at_hotel] = _links(graph, planted["car"], planted["hotel"])
    assert car_at_hotel.kind == "seen_at"
    assert graph.evidence[at_hotel.id].url == f"/events/{at_hotel.id.split(':')[1]}/"
    # the bystander was in no event and has no link: a node with no edges
    assert _id(planted["bystander"]) in graph.nodes
    assert not [x for x in graph.links if _id(planted["bystander"]) in (x.source, x.target)]


def test_reporters_are_not_there_and_referrals_are_not_sightings(investigator):
    child = PersonFactory(acting_user=investigator, date_of_birth=CHILD_BORN)
    parent = PersonFactory(acting_user=investigator, date_of_birth=ADULT_BORN)
    sibling = PersonFactory(acting_user=investigator, date_of_birth=CHILD_BORN)
    home = LocationFactory(acting_user=investigator, premises_type="home", name="")
    EventFactory(
        acting_user=investigator,
        event_type="missing_episode",
        people=[(child, "subject"), (parent, "reporter")],
        locations=[(home, "stayed_at")],
    )
    EventFactory(
        acting_user=investigator,
        event_type="referral",
        people=[(child, "victim"), (sibling, "subject")],
    )
    graph = selectors.pole_graph(investigator)
    assert _links(graph, child, parent) == []
    assert [x.kind for x in _links(graph, child, home)] == ["stayed_at"]
    assert [x.kind for x in _links(graph, child, sibling)] == ["referred_together"]


def test_intelligence_edges_carry_the_reports_grading(planted, investigator):
    IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[planted["child"], planted["bystander"]],
        source_evaluation="2",
        intelligence_assessment="C",
        handling_code="P",
    )
    graph = selectors.pole_graph(investigator)
    [link] = _links(graph, planted["child"], planted["bystander"])
    assert link.grading == "2C P"
    assert "graded 2C P" in graph.evidence[link.id].label
    view = graph.view(selectors.NetworkFilters(minimum_grade="2B"))
    assert not any(
        {view.link(e).source, view.link(e).target}
        == {_id(planted["child"]), _id(planted["bystander"])}
        for e in range(view.link_count)
    )


def test_handling_code_c_is_an_edge_only_within_its_conditions(
    planted, investigator, colleague, other_force_officer
):
    IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[planted["child"], planted["bystander"]],
        source_evaluation="1",
        intelligence_assessment="B",
        handling_code="C",
        handling_conditions="CSE team only",
    )
    pair = {_id(planted["child"]), _id(planted["bystander"])}

    def drawn(user: Any) -> bool:
        _, view = selectors.network_view(user)
        return any(
            {view.link(e).source, view.link(e).target} == pair for e in range(view.link_count)
        )

    assert drawn(investigator)
    assert drawn(colleague)  # same agency: within the conditions
    # Another force sees the people and the (standard) event, but not the C intelligence.
    graph = selectors.pole_graph(other_force_officer)
    assert pair <= set(graph.nodes)
    assert not drawn(other_force_officer)
    child = selectors.person_network(other_force_officer, planted["child"], audit=False)
    assert _id(planted["bystander"]) not in {n.id for n in child.nodes}


def test_a_record_the_user_may_not_see_is_neither_drawn_nor_counted(
    planted, investigator, other_force_officer, partner
):
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
        target_entity=planted["child"],
    )
    phone = PhoneFactory(acting_user=investigator, access_level="restricted")
    LinkFactory(
        acting_user=investigator,
        link_type="uses_phone",
        source_entity=planted["first"],
        target_entity=phone,
    )
    mine = selectors.person_network(investigator, planted["child"], audit=False)
    assert {_id(hidden), _id(phone)} <= {n.id for n in mine.nodes}

    theirs = selectors.person_network(other_force_officer, planted["child"], audit=False)
    ids = {n.id for n in theirs.nodes}
    assert _id(hidden) not in ids and _id(phone) not in ids
    assert len(theirs.people) == len(mine.people) - 1
    assert len(theirs.things) == len(mine.things) - 1
    assert all(_id(hidden) not in (i.link.source, i.link.target) for i in theirs.links)
    assert _id(hidden) not in selectors.pole_graph(other_force_officer).nodes

    # A partner agency sees only its own records (none of these): an empty graph.
    assert selectors.pole_graph(partner).nodes == {}


def test_roles_come_from_flags_and_from_events_the_user_may_see(investigator):
    suspect = PersonFactory(acting_user=investigator, flags=["suspect"], date_of_birth=ADULT_BORN)
    victim = PersonFactory(acting_user=investigator, flags=["victim"], date_of_birth=ADULT_BORN)
    at_risk = PersonFactory(acting_user=investigator, date_of_birth=CHILD_BORN)
    missing = PersonFactory(acting_user=investigator, date_of_birth=CHILD_BORN)
    adult_victim = PersonFactory(acting_user=investigator, date_of_birth=ADULT_BORN)
    referred = PersonFactory(acting_user=investigator, date_of_birth=CHILD_BORN)
    EventFactory(acting_user=investigator, people=[(at_risk, "victim"), (adult_victim, "victim")])
    EventFactory(
        acting_user=investigator, event_type="missing_episode", people=[(missing, "subject")]
    )
    EventFactory(acting_user=investigator, event_type="referral", people=[(referred, "subject")])
    nodes = selectors.pole_graph(investigator).nodes
    roles = {
        name: nodes[_id(person)].role
        for name, person in [
            ("suspect", suspect),
            ("victim", victim),
            ("at_risk", at_risk),
            ("missing", missing),
            ("adult_victim", adult_victim),
            ("referred", referred),
        ]
    }
    assert roles == {
        "suspect": "suspect",
        "victim": "victim",
        "at_risk": "at_risk",
        "missing": "at_risk",
        "adult_victim": "none",
        "referred": "none",
    }


def test_filters_by_date_window_and_link_type(planted, investigator):
    old = datetime(2020, 5, 1, 12, tzinfo=LONDON)
    EventFactory(
        acting_user=investigator,
        occurred_at=old,
        people=[(planted["child"], "victim"), (planted["bystander"], "present")],
    )
    window = selectors.NetworkFilters(start=date(2024, 1, 1))
    recent = selectors.person_network(investigator, planted["child"], window, audit=False)
    assert _id(planted["bystander"]) not in {n.id for n in recent.nodes}
    everything = selectors.person_network(investigator, planted["child"], audit=False)
    assert _id(planted["bystander"]) in {n.id for n in everything.nodes}
    # Undated links (drives_vehicle here) survive any window.
    assert any(i.link.kind == "drives_vehicle" for i in recent.links)

    only_found = selectors.NetworkFilters(link_kinds=("found_at",))
    found = selectors.person_network(investigator, planted["child"], only_found, audit=False)
    assert {i.link.kind for i in found.links} == {"found_at"}
    assert {n.id for n in found.nodes} == {
        _id(planted["child"]),
        _id(planted["hotel"]),
        _id(planted["first"]),
        _id(planted["second"]),
    }


def test_the_graph_is_rebuilt_when_records_change(planted, investigator):
    before = selectors.pole_graph(investigator)
    assert selectors.pole_graph(investigator) is not None
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=planted["bystander"],
        target_entity=planted["child"],
    )
    after = selectors.pole_graph(investigator)
    assert len(after.links) == len(before.links) + 1


def test_path_between_two_people_names_the_evidence_on_each_hop(planted, investigator):
    hops = selectors.path_between(investigator, _id(planted["child"]), _id(planted["second"]))
    assert hops is not None and len(hops) == 1
    assert [i.link.kind for i in hops[0].links] == ["seen_with"]
    assert hops[0].links[0].evidence.label.endswith("Child found at hotel with two men")
    assert (
        selectors.path_between(investigator, _id(planted["child"]), _id(planted["bystander"]))
        is None
    )


def test_a_persons_local_graph_gives_the_same_network_as_the_whole_graph(investigator):
    build_demo_area()
    analyst = User.objects.get(username="analyst")
    for person in Person.objects.all():
        centre = f"person:{person.pk}"
        for hops in (1, 2):
            local = selectors.person_network(analyst, person, hops=hops, audit=False)
            whole = selectors.pole_graph(analyst)
            expected = selectors._picture(whole, whole.view(), centre, hops)
            assert {n.id for n in local.nodes} == {n.id for n in expected.nodes}
            assert sorted(i.key for i in local.links) == sorted(i.key for i in expected.links)
            assert local.hops == expected.hops


def test_the_path_searched_from_both_ends_is_as_short_as_the_whole_graphs(investigator):
    """The path API reads outwards from the two people, not the whole force: its answer must
    have as many hops as the whole graph's, for every pair in the demo."""
    build_demo_area()
    analyst = User.objects.get(username="analyst")
    whole = selectors.pole_graph(analyst)
    view = whole.view()
    people = [f"person:{pk}" for pk in Person.objects.order_by("pk").values_list("pk", flat=True)]
    for source in people[:12]:
        for target in people:
            expected = selectors.shortest_path(view, source, target)
            found = selectors.path_between(analyst, source, target)
            if expected is None:
                assert found is None
            else:
                assert found is not None and len(found) == len(expected), (source, target)


def test_a_path_never_runs_through_a_record_the_user_may_not_see(
    planted, investigator, other_force_officer
):
    """A restricted person joins the bystander to the child directly; someone who may not see
    them gets the longer path through records they may see, or none."""
    hidden = PersonFactory(
        acting_user=investigator, date_of_birth=ADULT_BORN, access_level="restricted"
    )
    for end in (planted["child"], planted["bystander"]):
        LinkFactory(
            acting_user=investigator,
            link_type="associate_of",
            source_entity=hidden,
            target_entity=end,
        )
    LinkFactory(
        acting_user=investigator,
        link_type="associate_of",
        source_entity=planted["bystander"],
        target_entity=planted["second"],
    )
    child, bystander = _id(planted["child"]), _id(planted["bystander"])
    mine = selectors.path_between(investigator, child, bystander)
    assert mine is not None and [hop.end.id for hop in mine] == [_id(hidden), bystander]
    theirs = selectors.path_between(other_force_officer, child, bystander)
    assert theirs is not None and len(theirs) == 2
    assert all(_id(hidden) not in (hop.start.id, hop.end.id) for hop in theirs)
