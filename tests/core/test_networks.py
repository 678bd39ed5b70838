import random
from datetime import date

import igraph as ig
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vigil.core.networks import (
    Link,
    NetworkInputError,
    Node,
    analyse,
    build_network,
    connected_components,
    default_resolution,
    find_communities,
    flag_group_based_cse,
    key_players,
    neighbourhood,
    parse_grade,
    rank_key_players,
    shortest_path,
    write_graphml,
)


def person(node_id, role="none"):
    return Node(node_id, "person", role)


def noise(prefix="n", count=12):
    """A ring of unrelated people, so modularity has a whole graph to weigh groups against."""
    nodes = [person(f"{prefix}{i}") for i in range(count)]
    links = [Link(f"{prefix}{i}", f"{prefix}{(i + 1) % count}", "associate") for i in range(count)]
    return nodes, links


def flags_for(nodes, links, **view_options):
    view = build_network(nodes, links).view(**view_options)
    communities = find_communities(view, seed=1)
    return view, communities, flag_group_based_cse(view, communities)


def group(*, suspects=("s1", "s2"), children=("v1",), associate=True, phone=False, grading=None):
    """Suspects seen with each child; optionally linked directly and/or through one phone."""
    nodes = [person(s, "suspect") for s in suspects] + [person(c, "victim") for c in children]
    links = [Link(s, c, "seen_with", weight=2) for s in suspects for c in children]
    if associate:
        links += [
            Link(a, b, "associate", grading=grading or "recorded fact", id=f"ir-{a}-{b}")
            for i, a in enumerate(suspects)
            for b in suspects[i + 1 :]
        ]
    if phone:
        nodes.append(Node("ph1", "phone"))
        links += [Link(s, "ph1", "uses", id=f"use-{s}") for s in suspects]
    return nodes, links


# --- group-based CSE flag rules --------------------------------------------------------------


def test_two_associated_suspects_and_a_child_are_flagged():
    nodes, links = group()
    other_nodes, other_links = noise()
    _, communities, flags = flags_for(nodes + other_nodes, links + other_links)
    assert len(flags) == 1
    (flag,) = flags.values()
    assert flag.suspects == ("s1", "s2")
    assert flag.children == ("v1",)
    assert flag.community == communities.of("s1") == communities.of("v1")
    assert [a.via for a in flag.associations] == [None]
    assert {link.id for link in flag.evidence} >= {"ir-s1-s2"}
    assert {(link.source, link.target) for link in flag.child_links} == {("s1", "v1"), ("s2", "v1")}


def test_one_suspect_is_not_a_group():
    nodes, links = group(suspects=("s1",))
    nodes.append(person("x"))
    links.append(Link("s1", "x", "associate"))
    other_nodes, other_links = noise()
    _, _, flags = flags_for(nodes + other_nodes, links + other_links)
    assert flags == {}


def test_suspects_without_a_child_are_not_flagged():
    nodes = [person("s1", "suspect"), person("s2", "suspect"), person("a1")]
    links = [Link("s1", "s2", "associate"), Link("s1", "a1", "seen_with"), Link("s2", "a1", "x")]
    other_nodes, other_links = noise()
    _, _, flags = flags_for(nodes + other_nodes, links + other_links)
    assert flags == {}


def test_suspects_linked_only_through_a_shared_phone_are_flagged():
    nodes, links = group(associate=False, phone=True)
    other_nodes, other_links = noise()
    _, _, flags = flags_for(nodes + other_nodes, links + other_links)
    (flag,) = flags.values()
    assert flag.suspects == ("s1", "s2")
    (association,) = flag.associations
    assert association.via == "ph1"
    assert association.suspects == ("s1", "s2")
    assert {link.id for link in association.links} == {"use-s1", "use-s2"}


def test_suspects_who_only_share_a_child_are_not_associated():
    # Two offenders each seen with the same child are not, on that alone, "associated
    # individuals" (NPCC group-based definition); the chart still shows them together.
    nodes, links = group(associate=False)
    other_nodes, other_links = noise()
    _, _, flags = flags_for(nodes + other_nodes, links + other_links)
    assert flags == {}


def test_at_risk_child_counts_and_flag_names_every_child():
    nodes, links = group(children=("v1", "c2"))
    nodes = [Node("c2", "person", "at_risk") if n.id == "c2" else n for n in nodes]
    other_nodes, other_links = noise()
    _, _, flags = flags_for(nodes + other_nodes, links + other_links)
    (flag,) = flags.values()
    assert flag.children == ("v1", "c2")


def test_flags_work_on_connected_components_too():
    nodes, links = group(associate=False, phone=True)
    view = build_network(nodes, links).view()
    flags = flag_group_based_cse(view, connected_components(view))
    assert list(flags) == [0]


# --- need-to-know, dates, grades -------------------------------------------------------------


def test_handling_code_c_link_is_not_an_edge_outside_its_conditions():
    nodes, links = group(grading="2B C")
    other_nodes, other_links = noise()
    network = build_network(nodes + other_nodes, links + other_links)

    outsider = network.view()
    assert "ir-s1-s2" not in {outsider.link(e).id for e in range(outsider.link_count)}
    assert flag_group_based_cse(outsider, find_communities(outsider)) == {}

    for allowed in ({"ir-s1-s2"}, lambda link: link.id == "ir-s1-s2"):
        insider = network.view(may_see_restricted=allowed)
        assert insider.link_count == outsider.link_count + 1
        assert len(flag_group_based_cse(insider, find_communities(insider))) == 1


def test_restricted_link_never_gives_a_path():
    nodes = [person("a"), person("b")]
    links = [Link("a", "b", "associate", grading="1A C", id="secret")]
    network = build_network(nodes, links)
    assert shortest_path(network.view(), "a", "b") is None
    assert shortest_path(network.view(may_see_restricted={"other"}), "a", "b") is None
    assert shortest_path(network.view(may_see_restricted={"secret"}), "a", "b") is not None


def test_hidden_nodes_are_not_drawn_or_counted():
    nodes, links = group()
    view = build_network(nodes, links).view(hidden_nodes={"v1"})
    assert view.node_count == 2
    assert view.link_count == 1
    with pytest.raises(KeyError):
        view.vertex("v1")
    assert flag_group_based_cse(view, find_communities(view)) == {}


def test_date_window_keeps_links_that_overlap_it():
    nodes = [person(x) for x in "abcde"]
    links = [
        Link("a", "b", "called", first_seen=date(2024, 1, 1), last_seen=date(2024, 3, 1), id="1"),
        Link("b", "c", "called", first_seen=date(2024, 6, 1), id="2"),
        Link("c", "d", "called", last_seen=date(2023, 1, 1), id="3"),
        Link("d", "e", "associate", id="undated"),
    ]
    network = build_network(nodes, links)

    def kept(**options):
        view = network.view(**options)
        return {view.link(e).id for e in range(view.link_count)}

    assert kept(window=(date(2024, 2, 1), date(2024, 12, 31))) == {"1", "2"}
    assert kept(window=(None, date(2023, 6, 1))) == {"3"}
    assert kept(window=(date(2024, 6, 1), None)) == {"2"}
    assert kept(window=(date(2025, 1, 1), None), include_undated=True) == {"undated"}
    assert kept() == {"1", "2", "3", "undated"}


def test_minimum_grade_and_link_kinds():
    nodes = [person(x) for x in "abcdef"]
    links = [
        Link("a", "b", "associate", id="fact"),
        Link("b", "c", "associate", grading="1A P", id="1A"),
        Link("c", "d", "called", grading="2B P", id="2B"),
        Link("d", "e", "associate", grading="2C P", id="2C"),
        Link("e", "f", "associate", grading="3A P", id="3A"),
    ]
    network = build_network(nodes, links)

    def kept(**options):
        view = network.view(**options)
        return {view.link(e).id for e in range(view.link_count)}

    assert kept(minimum_grade="2B") == {"fact", "1A", "2B"}
    assert kept(minimum_grade="1a") == {"fact", "1A"}
    assert kept(minimum_grade="recorded fact") == {"fact"}
    assert kept(minimum_grade="3E") == {"fact", "1A", "2B", "2C", "3A"}
    assert kept(link_kinds={"called"}) == {"2B"}
    with pytest.raises(ValueError):
        network.view(minimum_grade="4A")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("recorded fact", "recorded fact"),
        ("", "recorded fact"),
        ("1A P", "1A P"),
        ("2c c", "2C C"),
        ("3/E/P", "3E P"),
        ("1AP", "1A P"),
    ],
)
def test_parse_grade(text, expected):
    assert str(parse_grade(text)) == expected


@pytest.mark.parametrize("text", ["4A P", "1F P", "1A X", "1A", "fact"])
def test_parse_grade_refuses(text):
    with pytest.raises(ValueError):
        parse_grade(text)


# --- paths, neighbourhoods, key players ------------------------------------------------------


def test_path_names_the_evidence_on_each_hop():
    nodes = [person("a"), person("b"), Node("car", "vehicle"), person("c")]
    links = [
        Link("a", "b", "seen_with", id="ev1", first_seen=date(2024, 5, 1)),
        Link("b", "a", "called", id="ev2"),
        Link("b", "car", "travelled_in", id="ev3"),
        Link("car", "c", "travelled_in", id="ev4", grading="2B P"),
        Link("a", "c", "associate", id="restricted", grading="1A C"),
    ]
    view = build_network(nodes, links).view()
    path = shortest_path(view, "a", "c")
    assert [(h.from_id, h.to_id) for h in path] == [("a", "b"), ("b", "car"), ("car", "c")]
    assert [sorted(link.id for link in h.links) for h in path] == [["ev1", "ev2"], ["ev3"], ["ev4"]]
    assert path[2].links[0].grading == "2B P"
    assert path[0].links[0].first_seen == date(2024, 5, 1) or path[0].links[1].first_seen
    assert shortest_path(view, "a", "a") == []
    with pytest.raises(KeyError):
        shortest_path(view, "a", "nobody")


def test_no_path_between_unconnected_people():
    view = build_network([person("a"), person("b")], []).view()
    assert shortest_path(view, "a", "b") is None


def test_neighbourhood_to_two_hops():
    nodes = [person(x) for x in "abcde"]
    links = [Link(x, y, "associate") for x, y in ("ab", "bc", "cd", "de")]
    view = build_network(nodes, links).view()
    ids, found = neighbourhood(view, "a", hops=2)
    assert ids[0] == "a" and set(ids) == {"a", "b", "c"}
    assert {(link.source, link.target) for link in found} == {("a", "b"), ("b", "c")}


def test_broker_between_two_cliques_is_the_top_key_player():
    left, right = ["l1", "l2", "l3", "l4"], ["r1", "r2", "r3", "r4"]
    nodes = [person(x) for x in [*left, *right, "broker"]]
    links = [Link(a, b, "associate") for side in (left, right) for a in side for b in side if a < b]
    links += [Link("broker", "l1", "called"), Link("broker", "r1", "called")]
    view = build_network(nodes, links).view()
    communities = connected_components(view)
    players = key_players(view, communities, 0, top=3)
    assert len(players) == 3
    # the broker carries the most shortest paths; l1 and r1 also know their whole clique
    assert {p.id for p in players} == {"broker", "l1", "r1"}
    assert max(players, key=lambda p: p.betweenness).id == "broker"
    assert all(p.degree > 0 and 0 < p.pagerank < 1 for p in players)


def test_key_players_are_people_not_objects():
    nodes, links = group(associate=False, phone=True, suspects=("s1", "s2", "s3"))
    view = build_network(nodes, links).view()
    players = key_players(view, connected_components(view), 0, top=10)
    assert "ph1" not in {p.id for p in players}
    assert {p.id for p in players} == {"s1", "s2", "s3", "v1"}


# --- communities -----------------------------------------------------------------------------


def planted_graph(seed, groups=8, noise_nodes=600):
    """Groups of 5-40 dense members in sparse noise; each member has one stray link out."""
    rng = random.Random(seed)
    nodes = [person(f"n{i}") for i in range(noise_nodes)]
    links = [
        Link(f"n{i}", f"n{rng.randrange(noise_nodes)}", "associate")
        for i in range(noise_nodes)
        for _ in range(3)
    ]
    links = [link for link in links if link.source != link.target]
    planted = []
    for g in range(groups):
        members = [f"g{g}m{i}" for i in range(rng.randint(5, 40))]
        planted.append(set(members))
        nodes += [person(m) for m in members]
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                if rng.random() < 0.5:
                    links.append(Link(a, b, "seen_with", weight=3))
            links.append(Link(a, members[(i + 1) % len(members)], "called", weight=3))
            links.append(Link(a, f"n{rng.randrange(noise_nodes)}", "associate"))
    return nodes, links, planted


def test_planted_groups_are_recovered():
    nodes, links, planted = planted_graph(seed=3)
    view = build_network(nodes, links).view()
    communities = find_communities(view, seed=0)
    found = [set(communities.members(c)) for c in range(len(communities))]
    recovered = sum(max(len(group & c) / len(group | c) for c in found) >= 0.8 for group in planted)
    assert recovered == len(planted)


def test_communities_are_deterministic_for_a_seed():
    nodes, links, _ = planted_graph(seed=5, groups=3, noise_nodes=300)
    network = build_network(nodes, links)
    first = find_communities(network.view(), seed=42).membership
    second = find_communities(network.view(), seed=42).membership
    assert first.tolist() == second.tolist()


def test_resolution_is_plain_modularity_for_small_graphs_and_grows_with_size():
    nodes, links, _ = planted_graph(seed=5, groups=3, noise_nodes=100)
    assert default_resolution(build_network(nodes, links).view()) == 1.0
    nodes = [person(f"p{i}") for i in range(1001)]
    links = [Link(f"p{i}", f"p{i + 1}", "called", weight=100) for i in range(1000)]
    assert default_resolution(build_network(nodes, links).view()) == 2.0


def test_community_ids_run_largest_first():
    nodes, links, _ = planted_graph(seed=5, groups=3, noise_nodes=100)
    communities = find_communities(build_network(nodes, links).view())
    assert list(communities.sizes) == sorted(communities.sizes, reverse=True)
    assert communities.sizes.sum() == len(nodes)


def test_empty_network():
    view = build_network([], []).view()
    analysis = analyse(view)
    assert analysis.summaries() == []


# --- building --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nodes", "links", "record", "index"),
    [
        ([Node("a", "car")], [], "node", 0),
        ([person("a"), person("b", "offender")], [], "node", 1),
        ([person("a"), Node("p", "phone", "suspect")], [], "node", 1),
        ([person("a"), person("a")], [], "node", 1),
        ([person("")], [], "node", 0),
        ([person("a"), person("b")], [Link("a", "b", "x"), Link("a", "zz", "x")], "link", 1),
        ([person("a")], [Link("a", "a", "x")], "link", 0),
        ([person("a"), person("b")], [Link("a", "b", "")], "link", 0),
        ([person("a"), person("b")], [Link("a", "b", "x", weight=0)], "link", 0),
        ([person("a"), person("b")], [Link("a", "b", "x", weight=float("nan"))], "link", 0),
        ([person("a"), person("b")], [Link("a", "b", "x", grading="9Z Q")], "link", 0),
        (
            [person("a"), person("b")],
            [Link("a", "b", "x", first_seen=date(2024, 2, 1), last_seen=date(2024, 1, 1))],
            "link",
            0,
        ),
    ],
)
def test_bad_records_are_named(nodes, links, record, index):
    with pytest.raises(NetworkInputError) as raised:
        build_network(nodes, links)
    assert (raised.value.record, raised.value.index) == (record, index)


def test_graphml_export_round_trips(tmp_path):
    nodes, links = group(phone=True)
    view = build_network(nodes, links).view()
    communities = find_communities(view)
    out = tmp_path / "group.graphml"
    write_graphml(view, out, communities=communities, members={"s1", "s2", "ph1"})
    graph = ig.Graph.Read_GraphML(str(out))
    assert sorted(graph.vs["name"]) == ["ph1", "s1", "s2"]
    assert graph.ecount() == 3
    assert set(graph.es["kind"]) == {"associate", "uses"}
    assert dict(zip(graph.vs["name"], graph.vs["role"], strict=True))["s1"] == "suspect"


# --- properties ------------------------------------------------------------------------------

KINDS = ["person", "person", "person", "phone", "vehicle", "location", "account"]
ROLES = ["suspect", "victim", "at_risk", "none"]


@st.composite
def networks(draw):
    n = draw(st.integers(min_value=1, max_value=30))
    nodes = []
    for i in range(n):
        kind = draw(st.sampled_from(KINDS))
        role = draw(st.sampled_from(ROLES)) if kind == "person" else "none"
        nodes.append(Node(f"x{i}", kind, role))
    pairs = draw(
        st.lists(
            st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)).filter(lambda p: p[0] != p[1]),
            max_size=60,
        )
    )
    links = [Link(f"x{a}", f"x{b}", "associate", weight=1 + (a + b) % 3) for a, b in pairs]
    return nodes, links


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks(), st.integers(min_value=0, max_value=3))
def test_every_node_is_in_exactly_one_community(data, seed):
    nodes, links = data
    analysis = analyse(build_network(nodes, links).view(), seed=seed)
    members = [m for s in analysis.summaries() for m in s.members]
    assert sorted(members) == sorted(n.id for n in nodes)
    assert [s.id for s in analysis.summaries()] == list(range(len(analysis.communities)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(networks())
def test_flags_name_only_member_suspects_and_children_and_match_the_rule(data):
    nodes, links = data
    roles = {n.id: n.role for n in nodes}
    kinds = {n.id: n.kind for n in nodes}
    view = build_network(nodes, links).view()
    communities = find_communities(view)
    flags = flag_group_based_cse(view, communities)
    for c in range(len(communities)):
        members = set(communities.members(c))
        suspects = {m for m in members if roles[m] == "suspect"}
        children = {m for m in members if roles[m] in ("victim", "at_risk")}
        # brute force: suspects associated directly or through a shared object
        neighbours = {m: set() for m in roles}
        for link in links:
            neighbours[link.source].add(link.target)
            neighbours[link.target].add(link.source)
        associated = {
            s
            for s in suspects
            for t in suspects - {s}
            if t in neighbours[s]
            or any(kinds[o] != "person" and t in neighbours[o] for o in neighbours[s])
        }
        expected = len(associated) >= 2 and bool(children)
        assert (c in flags) == expected
        if c in flags:
            assert set(flags[c].suspects) == associated <= suspects
            assert set(flags[c].children) == children
            for link in flags[c].evidence:
                assert link.source in members or link.target in members


def test_betweenness_is_estimated_for_a_large_flagged_community():
    # a chain of 400 people: too big for exact betweenness, so it is sampled when asked for
    nodes = [person(f"p{i}") for i in range(400)]
    links = [Link(f"p{i}", f"p{i + 1}", "associate") for i in range(399)]
    view = build_network(nodes, links).view()
    communities = connected_components(view)
    players = key_players(view, communities, 0, top=3)
    assert all(p.betweenness is not None for p in players)
    assert all(180 <= int(p.id[1:]) <= 220 for p in players)  # the middle of the chain
    unasked = rank_key_players(view, communities)[0]
    assert all(p.betweenness is None for p in unasked)
