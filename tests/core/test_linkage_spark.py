"""Spark as the scale-out engine (issue 11): the same small linkage on Spark local[1] and on
DuckDB gives the same people. Needs Java; Splink's UDF jar ships in the splink package and is
put on the classpath by path, so nothing is downloaded."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from vigil.core.linkage import link_records
from vigil.core.linkage.model import configured_backend

pytestmark = [
    pytest.mark.skipif(
        shutil.which("java") is None and not os.environ.get("JAVA_HOME"),
        reason="Spark needs Java (17+) on PATH or JAVA_HOME; not installed here",
    ),
    # No database is involved: the suite's SQLite pass runs it, the PostgreSQL pass need not
    # start a JVM again.
    pytest.mark.skipif(
        os.environ.get("DATABASE_URL", "").startswith("postgres"),
        reason="database-independent; runs in the SQLite pass of ./dev test",
    ),
]


def person(record_id: str, given: str, family: str, dob: str, source: str = "school",
           **where: str) -> dict[str, str]:  # fmt: skip
    return {"source": source, "record_id": record_id, "given_name": given,
            "family_name": family, "date_of_birth": dob, "postcode": where.get("postcode", ""),
            "address": where.get("address", ""), "phone": where.get("phone", "")}  # fmt: skip


HOME = {"postcode": "M14 5RT", "address": "22 Clyde Road", "phone": "07700 900123"}
RECORDS = [
    person("h1", "Jordan", "Okafor", "2009-02-14", **HOME),
    person("h3", "Amara", "Okafor", "2013-06-01", **HOME),  # twin of h4
    person("h4", "Chidi", "Okafor", "2013-06-01", **HOME),
    person("h5", "Daniel", "Okafor", "1982-11-05", **HOME),  # father
    person("h6", "Daniel", "Okafor", "2015-04-22", **HOME),  # son
    person("s1", "Kayleigh", "Smith", "2010-03-04", postcode="M1 1AA", address="1 High St"),
    person("m1", "Kay", "Smyth", "04/03/2010", "missing", postcode="m1 1aa"),  # nickname
    person("p1", "Mohammed", "Khan", "2008-07-12", "police", postcode="B8 1AA"),
    person("e1", "Muhammad", "Khan", "2008-12-07", "education", postcode="B8 1AA"),
]


@pytest.fixture(scope="module")
def spark() -> Iterator[Any]:
    from vigil.core.linkage.model import spark_session

    session = spark_session("local[1]")
    yield session
    session.stop()


def _people(clusters: dict[tuple[str, str], int]) -> set[frozenset[tuple[str, str]]]:
    members: dict[int, set[tuple[str, str]]] = {}
    for key, cluster in clusters.items():
        members.setdefault(cluster, set()).add(key)
    return {frozenset(m) for m in members.values()}


def test_spark_and_duckdb_find_the_same_people(spark: Any) -> None:
    duckdb = link_records(RECORDS, backend="duckdb")
    on_spark = link_records(RECORDS, backend="spark", db_api_options={"spark_session": spark})
    assert on_spark.clusters == duckdb.clusters
    # The household kept apart and the child and the Khan boy linked, on both engines.
    assert len(_people(duckdb.clusters)) == 7
    assert duckdb.clusters[("school", "s1")] == duckdb.clusters[("missing", "m1")]
    assert [round(p.match_probability, 6) for p in on_spark.pairs] == [
        round(p.match_probability, 6) for p in duckdb.pairs
    ]


def test_engine_is_chosen_by_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VIGIL_LINKAGE_ENGINE", "Spark")
    assert configured_backend() == "spark"
    monkeypatch.delenv("VIGIL_LINKAGE_ENGINE")
    assert configured_backend() == "duckdb"
