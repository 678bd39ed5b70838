"""Benchmark for network analysis (issue 10). Prints figures; not a test.

    .venv/bin/python benchmarks/networks.py [--nodes 1000000] [--edges 5000000] [--seed 0]
                                            [--sample 100000] [--no-networkx]

The graph: planted groups of 5-40 members (a quarter phones, vehicles, locations and accounts;
of the people about a third suspects and a third children) in noise. Each group is dense
(pairs linked with probability 0.5, weights 2-5, plus a ring so it is connected), and every
member has one stray link into the noise. Four in five groups meet the group-based CSE rule
(half associated directly, half only through one shared phone); the rest are decoys that must
not be flagged: one suspect only, or suspects and no child. Noise is people (1% suspects, 1%
children) and objects in neighbourhoods of 50-1,000 nodes with 90% of their links inside the
neighbourhood and 10% anywhere, like towns of a force area.

Figures: build, communities, flagging and key-player seconds; peak memory; planted groups
recovered (best community with Jaccard >= 0.8) and flagged correctly; then the same pipeline
on igraph and on networkx (Louvain, `louvain_communities` with a seed) on a --sample-node
graph from the same generator, and the speed ratio. Targets: under 60 s, at least 10x networkx.
"""

from __future__ import annotations

import argparse
import resource
import time
from dataclasses import dataclass

import numpy as np
import psutil

from vigil.core.networks import (
    NODE_KINDS,
    ROLES,
    Network,
    default_resolution,
    find_communities,
    flag_group_based_cse,
    rank_key_players,
    tight_communities,
)

PERSON, PHONE = NODE_KINDS.index("person"), NODE_KINDS.index("phone")
SUSPECT, VICTIM, AT_RISK = ROLES.index("suspect"), ROLES.index("victim"), ROLES.index("at_risk")
OBJECTS = np.array([NODE_KINDS.index(k) for k in ("phone", "vehicle", "location", "account")])


@dataclass
class Planted:
    members: np.ndarray
    should_flag: bool
    kind: str  # direct | phone | one_suspect | no_child


def generate(n: int, m: int, seed: int) -> tuple[Network, list[Planted]]:
    rng = np.random.default_rng(seed)
    kind = np.zeros(n, dtype=np.int8)
    role = np.zeros(n, dtype=np.int8)
    src_parts, dst_parts, weight_parts = [], [], []
    planted: list[Planted] = []

    # Planted groups take about 2% of the nodes, placed at the top of the id range.
    budget = max(5, n // 50)
    sizes = []
    while sum(sizes) < budget:
        sizes.append(int(rng.integers(5, 41)))
    noise_n = n - sum(sizes)
    start = noise_n
    for i, size in enumerate(sizes):
        members = np.arange(start, start + size)
        start += size
        style = ("direct", "phone", "direct", "phone", "one_suspect", "direct", "phone",
                 "no_child", "direct", "phone")[i % 10]  # fmt: skip
        n_objects = max(1, size // 4)
        objects, people = members[:n_objects], members[n_objects:]
        kind[objects] = rng.choice(OBJECTS, size=n_objects)
        kind[people] = PERSON
        n_suspects = 1 if style == "one_suspect" else max(2, len(people) // 3)
        n_children = 0 if style == "no_child" else max(1, len(people) // 3)
        suspects = people[:n_suspects]
        children = people[n_suspects : n_suspects + n_children]
        role[suspects] = SUSPECT
        role[children] = rng.choice([VICTIM, AT_RISK], size=len(children))
        kind[objects[0]] = PHONE

        a, b = np.triu_indices(size, k=1)
        keep = rng.random(len(a)) < 0.5
        a, b = members[a[keep]], members[b[keep]]
        ring_a, ring_b = members, np.roll(members, -1)
        a, b = np.concatenate([a, ring_a]), np.concatenate([b, ring_b])
        is_suspect = np.isin(a, suspects) & np.isin(b, suspects)
        if style == "phone":
            # associated only through the shared phone: no suspect-suspect link at all
            a, b = a[~is_suspect], b[~is_suspect]
            a = np.concatenate([a, suspects])
            b = np.concatenate([b, np.full(len(suspects), objects[0])])
        elif style == "direct":
            a = np.concatenate([a, suspects[:-1]])
            b = np.concatenate([b, suspects[1:]])
        # one stray link per member into the noise
        a = np.concatenate([a, members])
        b = np.concatenate([b, rng.integers(0, noise_n, size=size)])
        w = np.where(b >= noise_n, rng.integers(2, 6, size=len(b)), 1).astype(np.float64)
        src_parts.append(a)
        dst_parts.append(b)
        weight_parts.append(w)
        planted.append(Planted(members, style in ("direct", "phone"), style))

    # Noise: neighbourhoods of 50-1,000 nodes.
    noise_m = max(0, m - sum(len(p) for p in src_parts))
    kind[:noise_n] = rng.choice(
        [PERSON, PHONE, *OBJECTS[1:]], p=[0.6, 0.15, 0.1, 0.1, 0.05], size=noise_n
    ).astype(np.int8)
    people = kind[:noise_n] == PERSON
    draw = rng.random(noise_n)
    role[:noise_n] = np.where(
        people & (draw < 0.01), SUSPECT, np.where(people & (draw > 0.99), VICTIM, 0)
    )
    hood_sizes = rng.integers(50, 1001, size=noise_n // 50 + 1)
    hood_sizes = hood_sizes[: np.searchsorted(np.cumsum(hood_sizes), noise_n) + 1]
    hood_sizes[-1] -= hood_sizes.sum() - noise_n
    hood_sizes = hood_sizes[hood_sizes > 0]
    hood_start = np.repeat(np.cumsum(hood_sizes) - hood_sizes, hood_sizes)
    hood_size = np.repeat(hood_sizes, hood_sizes)
    s = rng.integers(0, noise_n, size=noise_m)
    local = rng.random(noise_m) < 0.9
    d = np.where(
        local,
        hood_start[s] + (rng.random(noise_m) * hood_size[s]).astype(np.int64),
        rng.integers(0, noise_n, size=noise_m),
    )
    d = np.where(d == s, (d + 1) % noise_n, d)
    src_parts.append(s)
    dst_parts.append(d)
    weight_parts.append(np.ones(noise_m))

    network = Network(
        node_ids=[f"n{i}" for i in range(n)],
        node_kind=kind,
        node_role=role,
        sources=np.concatenate(src_parts),
        targets=np.concatenate(dst_parts),
        link_kind=np.zeros(sum(len(p) for p in src_parts), dtype=np.int32),
        link_kind_names=["associate"],
        weight=np.concatenate(weight_parts),
    )
    return network, planted


def score(planted: list[Planted], membership: np.ndarray, flagged: set[int]) -> dict[str, int]:
    sizes = np.bincount(membership)
    recovered = flagged_right = should = decoys_clear = decoys = 0
    for group in planted:
        labels, counts = np.unique(membership[group.members], return_counts=True)
        jaccard = counts / (len(group.members) + sizes[labels] - counts)
        best = int(labels[np.argmax(jaccard)])
        ok = jaccard.max() >= 0.8
        recovered += ok
        if group.should_flag:
            should += 1
            flagged_right += ok and best in flagged
        else:
            decoys += 1
            decoys_clear += best not in flagged
    return {
        "groups": len(planted),
        "recovered": recovered,
        "should_flag": should,
        "flagged": flagged_right,
        "decoys": decoys,
        "decoys_clear": decoys_clear,
    }


def run_igraph(
    network: Network, seed: int, tight: bool = False
) -> tuple[dict[str, float], np.ndarray, set[int]]:
    times: dict[str, float] = {}
    t = time.perf_counter()
    view = network.view()
    times["build"] = time.perf_counter() - t
    t = time.perf_counter()
    search = tight_communities if tight else find_communities
    communities = search(view, seed=seed)
    times["communities"] = time.perf_counter() - t
    print(f"  (Leiden resolution {default_resolution(view):.1f}, {len(communities):,} communities)")
    t = time.perf_counter()
    flags = flag_group_based_cse(view, communities)
    times["flagging"] = time.perf_counter() - t
    t = time.perf_counter()
    rank_key_players(view, communities, betweenness_for=flags.keys())
    times["key players"] = time.perf_counter() - t
    return times, communities.membership, set(flags)


def run_networkx(network: Network, seed: int) -> tuple[dict[str, float], np.ndarray, set[int]]:
    """The same pipeline with networkx: Louvain, then the same flag rule and key players
    (pagerank and degree within communities, exact betweenness for communities up to 300
    members and for flagged ones, estimated from 100 sources above that)."""
    import networkx as nx

    times: dict[str, float] = {}
    t = time.perf_counter()
    graph = nx.Graph()
    graph.add_nodes_from(range(network.node_count))
    for u, v, w in zip(
        network.sources.tolist(), network.targets.tolist(), network.weight.tolist(), strict=True
    ):
        if graph.has_edge(u, v):
            graph[u][v]["weight"] += w  # parallel links add up, as they do in igraph
        else:
            graph.add_edge(u, v, weight=w)
    times["build"] = time.perf_counter() - t

    t = time.perf_counter()
    found = nx.community.louvain_communities(graph, weight="weight", seed=seed)
    membership = np.empty(network.node_count, dtype=np.int64)
    for c, members in enumerate(found):
        membership[list(members)] = c
    times["communities"] = time.perf_counter() - t

    t = time.perf_counter()
    kind, role = network.node_kind, network.node_role
    objects = set(OBJECTS.tolist())
    flagged = set()
    for c, members in enumerate(found):
        suspects = [v for v in members if kind[v] == PERSON and role[v] == SUSPECT]
        children = [v for v in members if kind[v] == PERSON and role[v] in (VICTIM, AT_RISK)]
        if len(suspects) < 2 or not children:
            continue
        suspect_set = set(suspects)
        associated = any(
            (kind[x] == PERSON and x in suspect_set and x != s)
            or (kind[x] in objects and any(y in suspect_set and y != s for y in graph[x]))
            for s in suspects
            for x in graph[s]
        )
        if associated:
            flagged.add(c)
    times["flagging"] = time.perf_counter() - t

    t = time.perf_counter()
    inner = nx.Graph()
    inner.add_nodes_from(graph)
    inner.add_edges_from(
        (u, v, d) for u, v, d in graph.edges(data=True) if membership[u] == membership[v]
    )
    nx.pagerank(inner, weight="weight")
    dict(inner.degree())
    for c, members in enumerate(found):
        if len(members) < 3:
            continue
        sub = inner.subgraph(members)
        if len(members) <= 300:
            nx.betweenness_centrality(sub)
        elif c in flagged:
            nx.betweenness_centrality(sub, k=100, seed=seed)
    times["key players"] = time.perf_counter() - t
    return times, membership, flagged


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def report(label: str, times: dict[str, float], figures: dict[str, int]) -> None:
    print(f"\n{label}")
    for step, seconds in times.items():
        print(f"  {step:<12} {seconds:7.2f} s")
    print(f"  {'total':<12} {sum(times.values()):7.2f} s")
    print(
        f"  planted groups recovered (Jaccard >= 0.8): {figures['recovered']}/{figures['groups']}"
        f"; flagged correctly: {figures['flagged']}/{figures['should_flag']}"
        f"; decoys left unflagged: {figures['decoys_clear']}/{figures['decoys']}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=1_000_000)
    parser.add_argument("--edges", type=int, default=5_000_000)
    parser.add_argument("--sample", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--no-networkx", action="store_true")
    parser.add_argument(
        "--tight", action="store_true", help="find communities as the app's search does"
    )
    args = parser.parse_args()

    t = time.perf_counter()
    network, planted = generate(args.nodes, args.edges, args.seed)
    print(
        f"generated {network.node_count:,} nodes, {network.link_count:,} links, "
        f"{len(planted)} planted groups in {time.perf_counter() - t:.1f} s "
        f"(not counted; {psutil.cpu_count()} CPUs)"
    )
    base = psutil.Process().memory_info().rss / 2**20
    times, membership, flagged = run_igraph(network, args.seed, args.tight)
    report(f"igraph, {args.nodes:,} nodes", times, score(planted, membership, flagged))
    print(f"  flagged communities: {len(flagged)} (planted or noise)")
    print(f"  peak memory: {peak_mb():,.0f} MB resident ({base:,.0f} MB after generating)")
    total = sum(times.values())
    print(f"  target under 60 s: {'met' if total < 60 else 'NOT met'}")
    del network

    if args.no_networkx:
        return
    sample_edges = args.edges * args.sample // args.nodes
    sample, sample_planted = generate(args.sample, sample_edges, args.seed)
    print(f"\nsample: {sample.node_count:,} nodes, {sample.link_count:,} links (same generator)")
    ig_times, ig_membership, ig_flagged = run_igraph(sample, args.seed)
    report("igraph on the sample", ig_times, score(sample_planted, ig_membership, ig_flagged))
    nx_times, nx_membership, nx_flagged = run_networkx(sample, args.seed)
    report("networkx on the sample", nx_times, score(sample_planted, nx_membership, nx_flagged))
    ratio = sum(nx_times.values()) / sum(ig_times.values())
    per_link = (sum(nx_times.values()) / sample.link_count) / (total / args.edges)
    print(f"\nspeed: igraph {ratio:.1f}x networkx on the same sample (target >= 10x)")
    print(f"       per link, igraph at full size is {per_link:.1f}x networkx on the sample")
    print(f"peak memory, whole run: {peak_mb():,.0f} MB")


if __name__ == "__main__":
    main()
