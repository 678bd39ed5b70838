"""selectors.search with many matches: a common name is counted only so far and paged a score
at a time from the full-text index (NameQuery.levels), in the same order a single ranked query
gives; and a phone's users found without the link's own check of its ends, for every role."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.db.models import Q

from tests.factories import LinkFactory, PersonFactory, PhoneFactory
from vigil.accounts.access import visibility_q, visible_records
from vigil.accounts.services import restrict_record, share_record
from vigil.audit.models import Action, AuditEntry
from vigil.people import selectors, services
from vigil.people.models import Link, Person
from vigil.people.name_index import NameQuery

NAMES = (
    ("William", "Williams"),
    ("William", "Williams"),
    ("Bill", "Williams"),
    ("Wiliam", "Williams"),
    ("Anne", "Williams"),
    ("William", "Williamson"),
    ("Will", "Wiliams"),
    ("William", "Williams"),
    ("Billy", "Wilson"),
    ("Liam", "Williams"),
    ("William", "Williams"),
    ("Kayleigh", "Smith"),
    ("Kaylee", "Smyth"),
    ("Katherine", "Doyle"),
)


@pytest.fixture
def crowd(investigator: Any) -> list[Person]:
    made = [
        PersonFactory(acting_user=investigator, given_names=given, family_name=family)
        for given, family in NAMES
    ]
    services.person_name_add(
        acting_user=investigator,
        person=made[-1],
        name_type="alias",
        given_names="William",
        family_name="Williams",
    )
    return made


def ranked_in_one_query(user: Any, text: str) -> list[tuple[int, int]]:
    """(id, score) of every match, best first then oldest: the order search has always had."""
    query = NameQuery.parse(text)
    assert query is not None
    people = visible_records(user, Person.objects.filter(query.matches(connection.vendor)))
    return list(
        people.annotate(search_score=query.score())
        .order_by("-search_score", "pk")
        .values_list("pk", "search_score")
    )


@pytest.mark.parametrize(
    "text",
    ["William Williams", "Wiliam Wiliams", "Bill Williams", "Will", "Kay Smi", "Kate Doyle", "Zed"],
)
def test_each_score_level_selects_exactly_the_people_with_that_score(crowd, investigator, text):
    query = NameQuery.parse(text)
    assert query is not None
    levels = query.levels()
    assert levels is not None
    assert [level.score for level in levels] == sorted({lv.score for lv in levels}, reverse=True)
    by_level: dict[int, int] = {}
    for level in levels:
        for pk in Person.objects.filter(query.matches(connection.vendor, level=level)).values_list(
            "pk", flat=True
        ):
            assert pk not in by_level, "a person in two levels"
            by_level[pk] = level.score
    assert by_level == dict(ranked_in_one_query(investigator, text))


@pytest.mark.parametrize("text", ["William Williams", "Bill Williams", "Kate Doyle", "Wiliam"])
def test_close_matches_are_the_matches_with_each_token_itself_or_a_nickname(
    crowd, investigator, text
):
    query = NameQuery.parse(text)
    assert query is not None
    close = set(
        Person.objects.filter(
            query.matches(connection.vendor, level=query.close_matches())
        ).values_list("pk", flat=True)
    )
    scores = dict(ranked_in_one_query(investigator, text))
    assert close <= set(scores)
    assert all(scores[pk] >= 2 * len(query.tokens) for pk in close)
    assert {pk for pk, score in scores.items() if score == 3 * len(query.tokens)} <= close


def test_a_long_name_is_ranked_in_one_query():
    query = NameQuery.parse("Mary Ann Louise Jane Smith")
    assert query is not None and query.levels() is None


@pytest.fixture
def small_limits(monkeypatch: pytest.MonkeyPatch) -> None:
    """The limits of a million records, scaled to a test's handful of people."""
    monkeypatch.setattr(selectors, "PEOPLE_COUNT_LIMIT", 7)


def test_a_common_name_pages_best_first_as_one_ranked_query_would(
    crowd, investigator, small_limits
):
    expected = ranked_in_one_query(investigator, "William Williams")
    assert len(expected) > 7
    shown = []
    for page in (1, 2, 3):
        results = selectors.search(investigator, text="William Williams", page=page, page_size=3)
        shown += [(hit.person.pk, hit.score) for hit in results.people]
        assert results.people_total == 7 and results.people_total_is_lower_bound
        assert results.people_found == "more than 7 found"
    assert shown == expected[:9]
    # The exact full-name matches (and the alias) first, oldest record first.
    exact = [p.pk for p in crowd if p.full_name == "William Williams"] + [crowd[-1].pk]
    assert [pk for pk, _ in shown[: len(exact)]] == exact
    assert {score for _, score in shown[: len(exact)]} == {6}


def test_a_name_with_more_close_matches_than_the_limit_is_more_than_the_limit(
    crowd, investigator, small_limits, monkeypatch
):
    monkeypatch.setattr(selectors, "PEOPLE_COUNT_LIMIT", 3)
    expected = ranked_in_one_query(investigator, "William Williams")
    results = selectors.search(investigator, text="William Williams", page_size=4)
    assert [(hit.person.pk, hit.score) for hit in results.people] == expected[:4]
    assert results.people_total == 3 and results.people_total_is_lower_bound
    assert results.people_found == "more than 3 found"


def test_fewer_matches_than_the_limit_are_counted_exactly(crowd, investigator, small_limits):
    results = selectors.search(investigator, text="Kay Smith")
    assert [hit.person.full_name for hit in results.people] == ["Kayleigh Smith", "Kaylee Smyth"]
    assert results.people_total == 2 and not results.people_total_is_lower_bound
    assert results.people_found == "2 found"


def test_the_levels_give_the_whole_order_of_one_ranked_query(crowd, investigator, monkeypatch):
    monkeypatch.setattr(selectors, "PEOPLE_COUNT_LIMIT", 2)
    for text in ("William Williams", "Wiliam Wiliams", "Bill Williams", "Will"):
        expected = ranked_in_one_query(investigator, text)
        results = selectors.search(investigator, text=text, page_size=100, audit=False)
        assert [(hit.person.pk, hit.score) for hit in results.people] == expected


def test_every_match_is_counted_when_under_the_limit(crowd, investigator):
    expected = ranked_in_one_query(investigator, "William Williams")
    results = selectors.search(investigator, text="William Williams", page_size=100)
    assert [(hit.person.pk, hit.score) for hit in results.people] == expected
    assert results.people_total == len(expected) and not results.people_total_is_lower_bound
    assert results.people_found == f"{len(expected)} found"


def test_a_long_common_name_is_ranked_in_one_query(investigator, monkeypatch):
    monkeypatch.setattr(selectors, "PEOPLE_COUNT_LIMIT", 1)
    for family in ("Smith", "Smyth", "Smithers"):
        PersonFactory(acting_user=investigator, given_names="Mary Ann Jo Lee", family_name=family)
    expected = ranked_in_one_query(investigator, "Mary Ann Jo Lee Smith")
    results = selectors.search(investigator, text="Mary Ann Jo Lee Smith", audit=False)
    assert [(hit.person.pk, hit.score) for hit in results.people] == expected
    assert results.people_found == "more than 1 found"


def test_hidden_people_are_neither_counted_nor_shown(
    crowd, investigator, partner, other_force_officer, small_limits
):
    hidden = PersonFactory(
        acting_user=investigator,
        given_names="William",
        family_name="Williams",
        access_level="restricted",
    )
    results = selectors.search(other_force_officer, text="William Williams", page_size=50)
    assert hidden.pk not in {hit.person.pk for hit in results.people}
    for_investigator = selectors.search(investigator, text="William Williams", page_size=50)
    assert hidden.pk in {hit.person.pk for hit in for_investigator.people}
    # A partner sees none of the police records, so counts none of them.
    results = selectors.search(partner, text="William Williams")
    assert results.people == [] and results.people_total == 0
    assert not results.people_total_is_lower_bound


def test_only_the_page_shown_is_audited(crowd, investigator, small_limits):
    results = selectors.search(investigator, text="William Williams", page=2, page_size=3)
    consulted = list(
        AuditEntry.objects.filter(action=Action.CONSULTATION, detail__via="search").values_list(
            "object_id", flat=True
        )
    )
    assert sorted(consulted) == sorted(str(hit.person.pk) for hit in results.people)
    assert len(consulted) == 3


def test_name_and_date_of_birth_together_on_the_levels(crowd, investigator, small_limits):
    from datetime import date

    from vigil.people.selectors import DateOfBirthQuery

    older = PersonFactory(
        acting_user=investigator,
        given_names="William",
        family_name="Williams",
        date_of_birth=date(1970, 1, 1),
    )
    results = selectors.search(
        investigator,
        text="William Williams",
        date_of_birth=DateOfBirthQuery(date(1970, 1, 1), date(1970, 12, 31)),
    )
    assert [hit.person for hit in results.people] == [older]
    assert results.people_total == 1


# --- A phone's users, for every role ----------------------------------------------------------


@pytest.fixture
def phone_world(investigator, colleague, partner, council):
    """A police phone used by: a standard person, a restricted one, a person under a
    restriction naming the colleague, one through a link restricted to the investigator, and a
    council child (police see the council's standard records; the council not the phone); and
    a second phone, its user and the link between them shared with the council."""
    phone = PhoneFactory(acting_user=investigator, phone_number="07700 900123")
    users = {
        "standard": PersonFactory(acting_user=investigator),
        "restricted": PersonFactory(acting_user=investigator, access_level="restricted"),
        "named": PersonFactory(acting_user=investigator),
        "restricted link": PersonFactory(acting_user=investigator),
        "council child": PersonFactory(acting_user=partner),
    }
    restrict_record(
        acting_user=investigator, record=users["named"], reason="Live operation", users=[colleague]
    )
    links = {}
    for label, person in users.items():
        links[label] = LinkFactory(
            acting_user=investigator,
            link_type="uses_phone",
            source_entity=person,
            target_entity=phone,
        )
    restrict_record(acting_user=investigator, record=links["restricted link"], reason="Source")
    shared = PhoneFactory(acting_user=investigator, phone_number="07700 900456")
    child = PersonFactory(acting_user=investigator)
    link = LinkFactory(
        acting_user=investigator, link_type="uses_phone", source_entity=child, target_entity=shared
    )
    for record in (shared, child, link):
        share_record(
            acting_user=investigator,
            record=record,
            agency=council,
            lawful_basis="ca1989_s47",
            scope="For the strategy discussion",
        )
    return phone


def users_through_fully_checked_links(user: Any, text: str) -> set[int]:
    """The phone's users as search found them before: every link checked with its ends."""
    objects = selectors.search(user, text=text, audit=False).objects
    person_ids = Link.objects.filter(
        Q(visibility_q(user)), to_object__in=[obj.pk for obj in objects]
    ).values_list("from_person_id", flat=True)
    return set(
        visible_records(
            user, Person.objects.filter(pk__in=[pk for pk in person_ids if pk is not None])
        ).values_list("pk", flat=True)
    )


@pytest.mark.parametrize(
    "role", ["investigator", "colleague", "other_force_officer", "partner", "outsider"]
)
@pytest.mark.parametrize("text", ["+44 7700 900123", "07700900456"])
def test_a_phones_users_are_those_a_full_check_of_each_link_finds(phone_world, request, role, text):
    user = request.getfixturevalue(role)
    results = selectors.search(user, text=text, audit=False)
    found = {hit.person.pk for hit in results.people}
    assert found == users_through_fully_checked_links(user, text)
    if role == "investigator" and text.startswith("+44"):
        assert len(found) == 5
    if role == "colleague" and text.startswith("+44"):
        assert len(found) == 4  # not through the link restricted to the investigator
    if role == "partner":
        assert len(found) == (1 if text == "07700900456" else 0)


def test_the_search_page_says_more_than_and_pages_keep_the_query(
    investigator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A name with more matches than are counted reads "more than N found", suggests narrowing
    the search, and pages with the one pagination, every link keeping what was searched for."""
    from django.test import Client
    from django.urls import reverse

    from tests.conftest import verify_second_factor

    monkeypatch.setattr(selectors, "PEOPLE_COUNT_LIMIT", 25)
    for _ in range(30):
        PersonFactory(acting_user=investigator, given_names="William", family_name="Williams")
    client = Client()
    client.force_login(investigator)
    verify_second_factor(client, investigator)
    body = client.get(reverse("search"), {"q": "William Williams"}).content.decode()
    assert "more than 25 found" in body
    assert "Add a date of birth or an age range to narrow the search" in body
    assert "Showing <b>1</b> to <b>25</b> of <b>more than 25</b> people" in body

    monkeypatch.setattr(selectors, "PEOPLE_COUNT_LIMIT", 200)
    body = client.get(reverse("search"), {"q": "William Williams", "page": "2"}).content.decode()
    assert "30 found" in body and "more than" not in body
    assert "Showing <b>26</b> to <b>30</b> of <b>30</b> people" in body
    assert 'href="?q=William+Williams&amp;page=1"' in body
    assert 'aria-current="page"' in body
