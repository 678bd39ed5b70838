import json

import igraph as ig
import pytest

from vigil.cli import main as vigil
from vigil.commands.networks import main

NODES = """id,kind,role
s1,person,suspect
s2,person,suspect
v1,person,victim
ph1,phone,
car1,vehicle,
a1,person,none
a2,person,none
a3,person,none
a4,person,none
a5,person,none
a6,person,none
"""

EDGES = """source,target,kind,weight
s1,ph1,uses,
s2,ph1,uses,2
s1,v1,seen_with,3
s2,v1,seen_with,3
s1,car1,travelled_in,1
v1,car1,travelled_in,1
a1,a2,associate,1
a2,a3,associate,1
a3,a4,associate,1
a4,a5,associate,1
a5,a6,associate,1
a6,a1,associate,1
"""


def write(tmp_path, nodes=NODES, edges=EDGES):
    (tmp_path / "nodes.csv").write_text(nodes)
    (tmp_path / "edges.csv").write_text(edges)
    return ["--nodes", str(tmp_path / "nodes.csv"), "--edges", str(tmp_path / "edges.csv")]


def run(capsys, argv):
    status = main(argv)
    out, err = capsys.readouterr()
    return status, out, err


def test_json_output_follows_the_contract(tmp_path, capsys):
    status, out, err = run(capsys, [*write(tmp_path), "--json"])
    assert status == 0, err
    result = json.loads(out)
    assert set(result) == {"communities", "stats"}
    assert set(result["stats"]) == {"nodes", "edges", "seconds"}
    assert result["stats"]["nodes"] == 11 and result["stats"]["edges"] == 12
    assert isinstance(result["stats"]["seconds"], float)
    members = []
    for community in result["communities"]:
        assert set(community) == {
            "id",
            "members",
            "suspects",
            "children",
            "group_based_cse",
            "key_players",
        }
        members += community["members"]
    assert sorted(members) == sorted(line.split(",")[0] for line in NODES.splitlines()[1:])
    (flagged,) = [c for c in result["communities"] if c["group_based_cse"]]
    assert set(flagged["members"]) == {"s1", "s2", "v1", "ph1", "car1"}
    assert flagged["suspects"] == ["s1", "s2"]
    assert flagged["children"] == ["v1"]
    assert set(flagged["key_players"]) <= {"s1", "s2", "v1"}
    assert flagged["key_players"]


def test_weight_column_is_optional(tmp_path, capsys):
    edges = "source,target,kind\n" + "\n".join(
        ",".join(line.split(",")[:3]) for line in EDGES.splitlines()[1:]
    )
    status, out, _ = run(capsys, [*write(tmp_path, edges=edges), "--json"])
    assert status == 0
    assert any(c["group_based_cse"] for c in json.loads(out)["communities"])


def test_output_is_deterministic(tmp_path, capsys):
    argv = [*write(tmp_path), "--json"]
    _, first, _ = run(capsys, argv)
    _, second, _ = run(capsys, argv)
    strip = lambda text: json.loads(text)["communities"]  # noqa: E731
    assert strip(first) == strip(second)


def test_dispatcher_routes_to_networks(tmp_path, capsys):
    assert vigil(["networks", *write(tmp_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["communities"]


def test_summary_without_json(tmp_path, capsys):
    status, out, _ = run(capsys, write(tmp_path))
    assert status == 0
    assert "1 flagged as group-based CSE" in out
    assert "suspects: s1, s2" in out


def test_graphml_export(tmp_path, capsys):
    out_file = tmp_path / "net.graphml"
    status, _, _ = run(capsys, [*write(tmp_path), "--graphml", str(out_file)])
    assert status == 0
    graph = ig.Graph.Read_GraphML(str(out_file))
    assert graph.vcount() == 11 and graph.ecount() == 12
    assert set(graph.vs["kind"]) == {"person", "phone", "vehicle"}


def test_restricted_links_are_left_out_unless_asked(tmp_path, capsys):
    edges = "source,target,kind,weight,grading\ns1,s2,associate,1,2B C\n"
    argv = [*write(tmp_path, edges=edges), "--json"]
    _, out, _ = run(capsys, argv)
    assert json.loads(out)["stats"]["edges"] == 0
    _, out, _ = run(capsys, [*argv, "--include-restricted"])
    assert json.loads(out)["stats"]["edges"] == 1


def test_date_and_grade_options(tmp_path, capsys):
    edges = (
        "source,target,kind,weight,first_seen,last_seen,grading\n"
        "s1,s2,associate,1,2024-01-01,2024-02-01,1A P\n"
        "s1,v1,seen_with,1,2023-01-01,,3C P\n"
    )
    argv = [*write(tmp_path, edges=edges), "--json"]
    _, out, _ = run(capsys, [*argv, "--from", "2024-01-15"])
    assert json.loads(out)["stats"]["edges"] == 1
    _, out, _ = run(capsys, [*argv, "--min-grade", "2B"])
    assert json.loads(out)["stats"]["edges"] == 1


BAD_NODES = [
    (NODES + "x1,car,\n", "nodes.csv row 12", "kind"),
    (NODES + "x1,person,offender\n", "nodes.csv row 12", "role"),
    (NODES + "x1,person,\n", "nodes.csv row 12", "role"),
    (NODES + "x1,phone,suspect\n", "nodes.csv row 12", "role"),
    (NODES + "s1,person,none\n", "nodes.csv row 12", "twice"),
    ("id,kind\ns1,person\n", "nodes.csv", "role"),
]


@pytest.mark.parametrize(("nodes", "where", "what"), BAD_NODES)
def test_bad_nodes_exit_2_naming_the_row(tmp_path, capsys, nodes, where, what):
    status, out, err = run(capsys, [*write(tmp_path, nodes=nodes), "--json"])
    assert status == 2
    assert out == ""
    assert where in err and what in err


BAD_EDGES = [
    (EDGES + "s1,ghost,called,1\n", "edges.csv row 13", "ghost"),
    ("source,target,kind,weight\nghost,s1,called,1\n", "edges.csv row 1 (line 2)", "ghost"),
    (EDGES + "s1,s2,called,heavy\n", "edges.csv row 13", "weight"),
    (EDGES + "s1,s2,called,-1\n", "edges.csv row 13", "weight"),
    (EDGES + "s1,s2,,1\n", "edges.csv row 13", "kind"),
    (EDGES + "s1,s1,called,1\n", "edges.csv row 13", "same"),
    ("source,target,kind,first_seen\ns1,s2,called,2024-13-01\n", "edges.csv row 1", "first_seen"),
    ("source,target,kind,grading\ns1,s2,called,9Z\n", "edges.csv row 1", "grading"),
    ("source,kind\ns1,called\n", "edges.csv", "target"),
]


@pytest.mark.parametrize(("edges", "where", "what"), BAD_EDGES)
def test_bad_edges_exit_2_naming_the_row(tmp_path, capsys, edges, where, what):
    status, out, err = run(capsys, [*write(tmp_path, edges=edges), "--json"])
    assert status == 2
    assert out == ""
    assert where in err and what in err


def test_missing_file_and_bad_arguments_exit_2(tmp_path, capsys):
    status, out, err = run(capsys, ["--nodes", str(tmp_path / "no.csv"), "--edges", "x", "--json"])
    assert (status, out) == (2, "")
    assert "no.csv" in err
    status, out, err = run(capsys, ["--json"])
    assert (status, out) == (2, "")
    assert "--nodes" in err
