"""Person-name search through the database's full-text index (people.name_index): kept in step
with every change to a person's names, safe for any text, and answered by the index."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PersonFactory
from vigil.people import selectors, services
from vigil.people.models import Person, PersonNameIndex
from vigil.people.name_index import NameQuery, document, term


def names(results: selectors.SearchResults) -> list[str]:
    return [hit.person.full_name for hit in results.people]


def test_terms_and_documents():
    assert term("x:kayleigh") == "xkayleigh"
    assert term("m:SM0") == "msm0"
    assert term("n:mary-ann") == "nmaryann"
    assert document({"x:smith", "m:SM0", "n:smith"}) == " msm0 nsmith xsmith "
    query = NameQuery.parse("Kay O'Neil")
    assert query is not None
    assert query.token_texts == ["kay", "oneil"]
    assert '"xkay"*' in query.fts5() and "xkay:*" in query.tsquery()
    assert NameQuery.parse("  --  ") is None


def test_a_new_name_is_searchable_and_an_old_one_is_not(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Amaka", family_name="Eze")
    assert names(selectors.search(investigator, text="Amaka Eze")) == ["Amaka Eze"]
    services.person_update(
        acting_user=investigator,
        person=person,
        expected_version=person.version,
        family_name="Okafor",
    )
    assert names(selectors.search(investigator, text="Amaka Eze")) == []
    assert names(selectors.search(investigator, text="Amaka Okafor")) == ["Amaka Okafor"]
    person.refresh_from_db()
    services.person_name_add(
        acting_user=investigator, person=person, name_type="nickname", given_names="Kiki"
    )
    assert names(selectors.search(investigator, text="Kiki Okafor")) == ["Amaka Okafor"]


def test_a_deleted_person_leaves_the_index(investigator):
    person = PersonFactory(acting_user=investigator, given_names="Zebedee", family_name="Quill")
    assert PersonNameIndex.objects.filter(person=person).exists()
    Person.objects.filter(pk=person.pk).delete()
    assert names(selectors.search(investigator, text="Zebedee")) == []


def test_a_prefix_finds_names_being_typed(investigator):
    PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    PersonFactory(acting_user=investigator, given_names="Kai", family_name="Brown")
    assert names(selectors.search(investigator, text="Kayl")) == ["Kayleigh Smith"]
    assert names(selectors.search(investigator, text="Kayleigh Sm")) == []  # 'sm' too short


def test_ranking_and_totals_come_from_the_database(investigator):
    for family in ("Smith", "Smyth", "Smith", "Smithe"):
        PersonFactory(acting_user=investigator, given_names="Jon", family_name=family)
    results = selectors.search(investigator, text="Jon Smith", page_size=2)
    assert results.people_total == 4
    assert [hit.score for hit in results.people] == [6, 6]
    second = selectors.search(investigator, text="Jon Smith", page=2, page_size=2)
    # Equal scores: the older record first.
    assert [hit.person.family_name for hit in second.people] == ["Smyth", "Smithe"]
    beyond = selectors.search(investigator, text="Jon Smith", page=9, page_size=2)
    assert beyond.people == [] and beyond.people_total == 4


def test_search_runs_a_bounded_number_of_queries(investigator, django_assert_max_num_queries):
    for n in range(30):
        PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name=f"Smith{n}")
    with django_assert_max_num_queries(12):
        results = selectors.search(investigator, text="Kayleigh")
    assert results.people_total == 30 and len(results.people) == 25


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plan")
def test_sqlite_answers_names_from_the_fts5_index(investigator):
    PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    query = NameQuery.parse("Kayleigh Smith")
    assert query is not None
    with connection.cursor() as cursor:
        cursor.execute(
            "EXPLAIN QUERY PLAN SELECT rowid FROM people_name_fts WHERE people_name_fts MATCH %s",
            [query.fts5()],
        )
        plan = " ".join(str(row) for row in cursor.fetchall())
    assert "VIRTUAL TABLE INDEX" in plan


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(max_size=30))
def test_any_text_is_safe(investigator: Any, text: str):
    """Quotes, FTS operators (NEAR, *, ^, OR) and tsquery syntax (&, |, !, :) are never
    passed through: only [a-z0-9] words reach either engine."""
    selectors.search(investigator, text=text, audit=False)


@pytest.mark.parametrize(
    "text", ['"', "NEAR(a b)", "kay*", "a OR b", "x & y | !z", "o'neil:*", "^kay", "(((", "-"]
)
def test_query_syntax_in_the_text_is_just_text(investigator, text):
    selectors.search(investigator, text=text, audit=False)
