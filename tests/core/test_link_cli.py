"""`vigil link` on small CSV files."""

from __future__ import annotations

import csv

import pytest

from vigil.cli import main as vigil
from vigil.commands.link import main

HEADER = "source,record_id,given_name,family_name,date_of_birth,postcode,address,phone\n"


def write(path, *rows, header=HEADER):
    path.write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def read_out(path):
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def kayleigh_and_her_brother(tmp_path):
    """A school's Kayleigh and her brother Jordan (same home and phone), and the missing
    team's "Kay Smyth": the same girl."""
    school = write(
        tmp_path / "school.csv",
        "school,1,Kayleigh,Smith,2010-03-04,M1 1AA,1 High St,07700900001",
        "school,2,Jordan,Smith,2012-07-19,M1 1AA,1 High St,07700900001",
    )
    missing = write(tmp_path / "missing.csv", "missing,9,Kay,Smyth,04/03/2010,m11aa,,")
    return school, missing


def test_links_across_sources(tmp_path):
    school, missing = kayleigh_and_her_brother(tmp_path)
    out = tmp_path / "clusters.csv"
    assert main([str(school), str(missing), "--out", str(out)]) == 0
    rows = read_out(out)
    assert [(r["source"], r["record_id"]) for r in rows] == [
        ("school", "1"), ("school", "2"), ("missing", "9"),
    ]  # fmt: skip
    cluster = {r["record_id"]: r["cluster_id"] for r in rows}
    assert cluster["1"] == cluster["9"] != cluster["2"]


def test_deduplicates_within_one_source_via_the_dispatcher(tmp_path):
    one = write(
        tmp_path / "one.csv",
        "police,a,Liam,Walsh,2007-01-20,LS6 3HT,,",
        "police,b,liam,WALSH,20/01/2007,LS11 8QW,,",
        "police,c,Daniel,Walsh,1980-05-05,LS6 3HT,,",
        "police,d,,,,,,",
    )
    out = tmp_path / "out.csv"
    assert vigil(["link", str(one), "--out", str(out), "--threshold", "0.8"]) == 0
    cluster = {r["record_id"]: r["cluster_id"] for r in read_out(out)}
    assert len(cluster) == 4
    assert cluster["a"] == cluster["b"]
    assert len({cluster["a"], cluster["c"], cluster["d"]}) == 3


def test_missing_column_exits_2_and_writes_nothing(tmp_path, capsys):
    bad = write(tmp_path / "bad.csv", "s,1,A,B,2000-01-01", header="source,record_id,given_name,"
                "family_name,date_of_birth\n")  # fmt: skip
    out = tmp_path / "out.csv"
    assert main([str(bad), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "missing column(s): postcode, address, phone" in err and "bad.csv" in err
    assert not out.exists()


def test_duplicate_key_across_files_exits_2(tmp_path, capsys):
    a = write(tmp_path / "a.csv", "school,1,Kayleigh,Smith,2010-03-04,,,")
    b = write(tmp_path / "b.csv", "school,1,Kay,Smith,2010-03-04,,,")
    out = tmp_path / "out.csv"
    assert main([str(a), str(b), "--out", str(out)]) == 2
    assert "duplicate source,record_id school,1" in capsys.readouterr().err
    assert not out.exists()


def test_blank_record_id_exits_2(tmp_path, capsys):
    a = write(tmp_path / "a.csv", "school,,Kayleigh,Smith,2010-03-04,,,")
    assert main([str(a), "--out", str(tmp_path / "o.csv")]) == 2
    assert "must not be blank" in capsys.readouterr().err


def test_unreadable_input_exits_2(tmp_path, capsys):
    assert main([str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o.csv")]) == 2
    assert "cannot read" in capsys.readouterr().err


@pytest.mark.parametrize("threshold", ["1.5", "0", "abc"])
def test_bad_threshold_exits_2(tmp_path, threshold):
    a = write(tmp_path / "a.csv", "school,1,Kayleigh,Smith,2010-03-04,,,")
    with pytest.raises(SystemExit) as exit_:
        main([str(a), "--out", str(tmp_path / "o.csv"), "--threshold", threshold])
    assert exit_.value.code == 2


def test_spark_backend_without_pyspark_exits_2(tmp_path, capsys, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pyspark(name, *args, **kwargs):
        if name.startswith("pyspark"):
            raise ImportError("No module named 'pyspark'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pyspark)
    a = write(tmp_path / "a.csv", "s,1,A,B,2000-01-01,,,", "s,2,A,B,2000-01-01,,,")
    out = tmp_path / "o.csv"
    assert main([str(a), "--out", str(out), "--backend", "spark"]) == 2
    assert "needs pyspark" in capsys.readouterr().err
    assert not out.exists()


def test_no_households_links_a_replaced_given_name(tmp_path):
    rows = (
        "a,1,Michaela,Neumann,1975-11-11,4223,8 Stanley Street Miami Winston,",
        "b,1,Brooke,Neumann,1975-11-11,4223,8 Stanley St Winston Miami,",
    )
    inputs = write(tmp_path / "in.csv", *rows)
    out = tmp_path / "out.csv"
    assert main([str(inputs), "--out", str(out)]) == 0
    assert len({r["cluster_id"] for r in read_out(out)}) == 2  # household-safe: twins?
    assert main([str(inputs), "--out", str(out), "--no-households"]) == 0
    assert len({r["cluster_id"] for r in read_out(out)}) == 1


def test_says_whether_the_records_hold_households(tmp_path, capsys):
    school = write(
        tmp_path / "school.csv",
        "school,1,Amara,Okafor,2013-06-01,M14 5RT,22 Clyde Road,",
        "school,2,Jordan,Okafor,2009-02-14,M14 5RT,22 Clyde Road,",
    )
    out = tmp_path / "out.csv"
    assert main([str(school), "--out", str(out)]) == 0
    assert "household guard on" in capsys.readouterr().out
    assert main([str(school), "--out", str(out), "--no-households"]) == 0
    assert "households:" not in capsys.readouterr().out  # asked for: nothing to explain


def test_households_and_no_households_together_exit_2(tmp_path, capsys):
    school = write(tmp_path / "school.csv", "school,1,Amara,Okafor,2013-06-01,,,")
    with pytest.raises(SystemExit) as exit_:
        main([str(school), "--out", str(tmp_path / "o.csv"), "--households", "--no-households"])
    assert exit_.value.code == 2
    assert "not allowed with" in capsys.readouterr().err


def test_unknown_engine_exits_2(tmp_path, capsys):
    school = write(tmp_path / "school.csv", "school,1,Amara,Okafor,2013-06-01,,,")
    with pytest.raises(SystemExit) as exit_:
        main([str(school), "--out", str(tmp_path / "o.csv"), "--engine", "oracle"])
    assert exit_.value.code == 2
    assert not (tmp_path / "o.csv").exists()


def test_a_trained_run_keeps_splinks_training_advice_off_the_terminal(tmp_path, caplog):
    """Training warns of levels it could not observe; the CLI user has nothing to do with
    that (it printed "Level ... not observed in dataset" lines on stderr)."""
    from tests.core.linkage_people import people_recorded_twice

    records = people_recorded_twice(3)  # 1,100 records: enough to train
    path = tmp_path / "people.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=HEADER.strip().split(","))
        writer.writeheader()
        writer.writerows(records)
    caplog.set_level("WARNING")
    assert main([str(path), "--out", str(tmp_path / "out.csv")]) == 0
    assert [r.getMessage() for r in caplog.records if r.name.startswith("splink")] == []
    assert len(read_out(tmp_path / "out.csv")) == 1100


def test_pairs_says_why_each_pair_was_or_was_not_linked(tmp_path):
    school, missing = kayleigh_and_her_brother(tmp_path)
    out, pairs = tmp_path / "clusters.csv", tmp_path / "pairs.csv"
    assert main([str(school), str(missing), "--out", str(out), "--pairs", str(pairs)]) == 0
    rows = read_out(pairs)
    found = {(r["record_id_l"], r["record_id_r"]): r for r in rows}
    kay = found.get(("1", "9")) or found[("9", "1")]
    assert kay["linked"] == "yes" and float(kay["match_probability"]) >= 0.9
    assert "nickname" in kay["given_name"] and float(kay["given_name_weight"]) > 0
    assert kay["date_of_birth"] and kay["family_name"]
    assert ("1", "2") not in found and ("2", "1") not in found  # Jordan: not scored a match
    assert [float(r["match_probability"]) for r in rows] == sorted(
        (float(r["match_probability"]) for r in rows), reverse=True
    )
