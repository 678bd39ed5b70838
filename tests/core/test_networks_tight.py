"""Tight groups (issue 10): flagged communities close to the offending networks an analyst
would draw, not the town they live in."""

import numpy as np

from vigil.core.networks import (
    GROUP_SIZE_CAP,
    HUB_NEIGHBOURS,
    LINK_KIND_STRENGTH,
    RECORD_LINKS,
    Link,
    Node,
    analyse,
    build_network,
    community_weights,
    tight_communities,
)


def person(node_id, role="none"):
    return Node(node_id, "person", role)


def offending_group(name):
    """Two suspects sharing a phone and a car, found with two children at a flat."""
    s1, s2, c1, c2 = (f"{name}-s1", f"{name}-s2", f"{name}-c1", f"{name}-c2")
    nodes = [person(s1, "suspect"), person(s2, "suspect"), person(c1, "victim")]
    nodes += [person(c2, "at_risk"), Node(f"{name}-phone", "phone")]
    nodes += [Node(f"{name}-car", "vehicle"), Node(f"{name}-flat", "location")]
    links = [
        Link(s1, f"{name}-phone", "uses_phone"),
        Link(s2, f"{name}-phone", "uses_phone"),
        Link(s1, f"{name}-car", "drives_vehicle"),
        Link(c1, f"{name}-car", "travelled_in"),
        Link(c1, s2, "found_with"),
        Link(c2, s1, "found_with"),
        Link(c1, f"{name}-flat", "found_at"),
        Link(c2, f"{name}-flat", "found_at"),
        Link(s1, f"{name}-flat", "stayed_at"),
        Link(c1, c2, "seen_with"),
    ]
    return nodes, links


def town(count=300):
    """A school and a shopping centre everyone in town goes to, and households of four."""
    nodes = [person(f"t{i}") for i in range(count)]
    nodes += [Node("school", "location"), Node("centre", "location")]
    links = [Link(f"t{i}", "school" if i % 2 else "centre", "attends") for i in range(count)]
    for h in range(0, count, 4):
        nodes.append(Node(f"home{h}", "location"))
        links += [Link(f"t{i}", f"home{h}", "lives_at") for i in range(h, min(h + 4, count))]
        links += [Link(f"t{i}", f"t{i + 1}", "sibling_of") for i in range(h, min(h + 3, count))]
    return nodes, links


def groups_and_town():
    nodes, links = town()
    for name in ("north", "south"):
        group_nodes, group_links = offending_group(name)
        nodes += group_nodes
        links += group_links
        # everyone in both groups goes to the one school and the one shopping centre
        for node in group_nodes:
            if node.kind == "person":
                links += [Link(node.id, "school", "attends"), Link(node.id, "centre", "seen_at")]
    return nodes, links


def flagged(analysis):
    return [s for s in analysis.summaries() if s.group_based_cse]


def test_a_hub_place_with_many_people_does_not_merge_two_separate_groups():
    nodes, links = groups_and_town()
    view = build_network(nodes, links).view()
    groups = flagged(analyse(view, seed=0, resolution=1.0, tight=True))
    assert sorted(sorted(g.suspects) for g in groups) == [
        ["north-s1", "north-s2"],
        ["south-s1", "south-s2"],
    ]
    for group in groups:
        name = group.suspects[0].split("-")[0]
        assert sorted(group.children) == [f"{name}-c1", f"{name}-c2"]
        assert "school" not in group.members and "centre" not in group.members
        assert all(m.startswith(name) for m in group.members)


def test_every_node_is_in_exactly_one_community_and_the_search_is_deterministic():
    nodes, links = groups_and_town()
    view = build_network(nodes, links).view()
    first = tight_communities(view, seed=3)
    second = tight_communities(view, seed=3)
    assert first.membership.tolist() == second.membership.tolist()
    assert len(first.membership) == len(nodes)
    assert int(first.sizes.sum()) == len(nodes)
    assert sorted(m for c in range(len(first)) for m in first.members(c)) == sorted(
        n.id for n in nodes
    )


def test_strong_links_weigh_more_than_everyday_ones():
    nodes = [person("a"), person("b"), person("c"), Node("home", "location")]
    links = [Link("a", "b", "found_with"), Link("a", "home", "lives_at"), Link("b", "c", "attends")]
    weights = community_weights(build_network(nodes, links).view())
    assert weights[0] == LINK_KIND_STRENGTH["found_with"]
    assert weights[0] > weights[1] > weights[2]
    unknown = community_weights(
        build_network(nodes[:2], [Link("a", "b", "new_kind", weight=2.5)]).view()
    )
    assert unknown.tolist() == [2.5]


def test_links_through_a_hub_count_less_the_more_it_joins():
    people = [person(f"p{i}") for i in range(HUB_NEIGHBOURS * 4)]
    nodes = [*people, Node("station", "location"), Node("flat", "location")]
    links = [Link(p.id, "station", "seen_at") for p in people]
    links += [Link(p.id, "flat", "seen_at") for p in people[:3]]
    weights = community_weights(build_network(nodes, links).view())
    assert np.allclose(weights[: len(people)], 0.25)  # 12 / 48 neighbours
    assert np.allclose(weights[len(people) :], 1.0)  # a flat three people use is no hub


def test_many_links_from_one_record_count_less():
    crowd = [person(f"p{i}") for i in range(10)]  # 45 pairs named in one incident
    pairs = [
        Link(a.id, b.id, "seen_with", id="event:1")
        for i, a in enumerate(crowd)
        for b in crowd[i + 1 :]
    ]
    couple = [Link("x", "y", "seen_with", id="event:2")]
    nodes = [*crowd, person("x"), person("y")]
    weights = community_weights(build_network(nodes, [*pairs, *couple]).view())
    assert np.allclose(weights[:45], LINK_KIND_STRENGTH["seen_with"] * RECORD_LINKS / 45)
    assert weights[45] == LINK_KIND_STRENGTH["seen_with"]


def test_a_flagged_group_keeps_only_what_is_near_its_suspects():
    """A chain of associates hanging off a group is not part of it."""
    nodes, links = offending_group("g")
    nodes += [person(f"chain{i}") for i in range(6)]
    links += [Link("g-c2", "chain0", "found_with")]
    links += [Link(f"chain{i}", f"chain{i + 1}", "found_with") for i in range(5)]
    view = build_network(nodes, links).view()
    # resolution low enough that plain Leiden keeps the chain in the group's community
    communities = tight_communities(view, seed=0, resolution=0.05)
    group = communities.of("g-s1")
    members = set(communities.members(group))
    assert {"g-s1", "g-s2", "g-c1", "g-c2", "g-phone", "chain0"} <= members
    assert not {"chain1", "chain2", "chain5"} & members


def test_a_large_candidate_community_is_searched_again():
    """Two groups joined by enough strong links to be one community at a low resolution are
    split when it is larger than the cap."""
    nodes, links = [], []
    for name in ("a", "b"):
        group_nodes, group_links = offending_group(name)
        nodes += group_nodes
        links += group_links
        crowd = [person(f"{name}-p{i}") for i in range(GROUP_SIZE_CAP // 2)]
        nodes += crowd
        links += [Link(p.id, f"{name}-s1", "associate_of") for p in crowd]
        links += [Link(p.id, f"{name}-s2", "associate_of") for p in crowd]
    links.append(Link("a-s1", "b-s1", "seen_with"))
    view = build_network(nodes, links).view()
    communities = tight_communities(view, seed=0, resolution=0.01)
    assert communities.of("a-s1") != communities.of("b-s1")
    assert communities.of("a-s2") == communities.of("a-s1") == communities.of("a-c1")
    assert communities.of("b-s2") == communities.of("b-s1") == communities.of("b-c1")


def test_tight_analysis_of_an_empty_network():
    assert analyse(build_network([], []).view(), tight=True).summaries() == []
