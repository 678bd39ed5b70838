"""people.name_index.NameQuery.matches: the name filter search uses, on either database."""

from __future__ import annotations

import pytest
from django.db import connection

from tests.factories import PersonFactory
from vigil.people import services
from vigil.people.models import Person
from vigil.people.name_index import NameQuery


@pytest.fixture
def people(investigator):
    made = [
        PersonFactory(acting_user=investigator, given_names=given, family_name=family)
        for given, family in (
            ("Kayleigh", "Smith"),
            ("Kayleigh", "Smyth"),
            ("Kaylee", "Smithson"),
            ("Katherine", "Doyle"),
            ("Jon", "Smith"),
            ("Tyler", "Brown"),
        )
    ]
    services.person_name_add(
        acting_user=investigator,
        person=made[-1],
        name_type="alias",
        given_names="Kate",
        family_name="Smith",
    )
    return made


@pytest.mark.parametrize(
    "text", ["Kayleigh Smith", "Kayliegh Smyth", "Kay Smi", "Kate Smith", "Jon", "Zebedee"]
)
def test_matches_selects_what_the_index_subquery_selects(people, text):
    query = NameQuery.parse(text)
    assert query is not None
    vendor = connection.vendor
    by_filter = set(Person.objects.filter(query.matches(vendor)).values_list("pk", flat=True))
    by_subquery = set(
        Person.objects.filter(pk__in=query.matching_ids(vendor)).values_list("pk", flat=True)
    )
    assert by_filter == by_subquery
    if text == "Kate Smith":
        assert by_filter == {people[-1].pk}  # through the alias


def test_on_postgresql_the_matches_are_fetched_by_id_from_an_array(people):
    """Not 'id IN (subquery)': the planner misjudges how many people a name matches and
    scans every person at a million records (benchmarks/search.py)."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's planner")
    query = NameQuery.parse("Kayleigh Smith")
    assert query is not None
    sql = str(Person.objects.filter(query.matches("postgresql")).query)
    assert '"people_person"."id" = ANY(ARRAY(SELECT person_id FROM people_personnameindex' in sql
