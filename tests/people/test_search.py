"""selectors.search, parse_date_of_birth_query and age_range_query."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.factories import LinkFactory, LocationFactory, PersonFactory, PhoneFactory
from vigil.audit.models import Action, AuditEntry
from vigil.people import selectors, services
from vigil.people.selectors import DateOfBirthQuery, age_range_query, parse_date_of_birth_query


def names(results: selectors.SearchResults) -> list[str]:
    return [hit.person.full_name for hit in results.people]


@pytest.fixture
def kayleigh(investigator):
    person = PersonFactory(
        acting_user=investigator,
        given_names="Kayleigh",
        family_name="Smith",
        date_of_birth=date(2010, 3, 14),
    )
    services.person_name_add(
        acting_user=investigator,
        person=person,
        name_type="alias",
        given_names="Chantelle",
        family_name="Jones",
    )
    return person


# --- Names ------------------------------------------------------------------------------------


def test_exact_name(investigator, kayleigh):
    PersonFactory(acting_user=investigator, given_names="Tyler", family_name="Smith")
    assert names(selectors.search(investigator, text="Kayleigh Smith")) == ["Kayleigh Smith"]


def test_typo_in_name(investigator, kayleigh):
    assert names(selectors.search(investigator, text="Kayliegh")) == ["Kayleigh Smith"]
    assert names(selectors.search(investigator, text="Kayleigh Smyth")) == ["Kayleigh Smith"]


def test_nickname_finds_the_full_name(investigator):
    PersonFactory(acting_user=investigator, given_names="Katherine", family_name="Doyle")
    assert names(selectors.search(investigator, text="Kate Doyle")) == ["Katherine Doyle"]


def test_alias_finds_the_person(investigator, kayleigh):
    results = selectors.search(investigator, text="Chantelle Jones")
    assert names(results) == ["Kayleigh Smith"]


def test_exact_match_ranks_above_sound_alike(investigator):
    PersonFactory(acting_user=investigator, given_names="Jon", family_name="Smyth")
    PersonFactory(acting_user=investigator, given_names="Jon", family_name="Smith")
    assert names(selectors.search(investigator, text="Jon Smith")) == ["Jon Smith", "Jon Smyth"]


def test_no_match(investigator, kayleigh):
    results = selectors.search(investigator, text="Zebedee")
    assert results.people == [] and results.people_total == 0


# --- Dates of birth ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "earliest", "latest"),
    [
        ("14/03/2010", date(2010, 3, 14), date(2010, 3, 14)),
        ("14-3-2010", date(2010, 3, 14), date(2010, 3, 14)),
        ("2010-03-14", date(2010, 3, 14), date(2010, 3, 14)),
        ("03/2010", date(2010, 3, 1), date(2010, 3, 31)),
        ("2/2012", date(2012, 2, 1), date(2012, 2, 29)),
        ("2010", date(2010, 1, 1), date(2010, 12, 31)),
    ],
)
def test_date_of_birth_query_parsing(text, earliest, latest):
    assert parse_date_of_birth_query(text) == DateOfBirthQuery(earliest, latest)


@pytest.mark.parametrize("text", ["Kayleigh", "", "1850", "14/03"])
def test_text_that_is_not_a_date(text):
    assert parse_date_of_birth_query(text) is None


def test_an_impossible_date_raises_value_error():
    with pytest.raises(ValueError):
        parse_date_of_birth_query("31/02/2010")


@given(st.text(max_size=20))
def test_date_of_birth_parser_never_fails_unexpectedly(text):
    try:
        result = parse_date_of_birth_query(text)
    except ValueError:
        return
    if result is not None:
        assert result.earliest <= result.latest


@pytest.mark.parametrize(
    ("dob", "found"),
    [("14/03/2010", True), ("15/03/2010", False), ("03/2010", True), ("2010", True)],
)
def test_search_by_date_of_birth(investigator, kayleigh, dob, found):
    PersonFactory(acting_user=investigator, date_of_birth=date(2011, 3, 14))
    query = parse_date_of_birth_query(dob)
    results = selectors.search(investigator, date_of_birth=query)
    assert ("Kayleigh Smith" in names(results)) is found
    assert len(results.people) == (1 if found else 0)


def test_name_and_date_of_birth_together(investigator, kayleigh):
    PersonFactory(
        acting_user=investigator,
        given_names="Kayleigh",
        family_name="Smith",
        date_of_birth=date(1990, 1, 1),
    )
    query = parse_date_of_birth_query("2010")
    results = selectors.search(investigator, text="Kayleigh Smith", date_of_birth=query)
    assert [hit.person for hit in results.people] == [kayleigh]


def test_age_range(investigator):
    on = date(2024, 6, 1)
    ages = {12: date(2012, 6, 1), 13: date(2011, 6, 1), 15: date(2008, 6, 2), 16: date(2008, 6, 1)}
    people = {
        age: PersonFactory(acting_user=investigator, given_names=f"Age{age}", date_of_birth=dob)
        for age, dob in ages.items()
    }
    results = selectors.search(investigator, date_of_birth=age_range_query(13, 15, on))
    assert {hit.person.pk for hit in results.people} == {people[13].pk, people[15].pk}


def test_age_range_open_ended():
    query = age_range_query(None, 17, date(2024, 6, 1))
    assert query.latest == date(2024, 6, 1)
    assert query.earliest == date(2006, 6, 2)


# --- Objects and locations --------------------------------------------------------------------


def test_each_name_hit_says_why_it_matched(investigator, kayleigh):
    """A hit on the person's own name, on another name recorded for them (an alias), or on a
    name that only resembles theirs says which: an alias hit with a different name is no
    longer a puzzle on the results page."""
    smyth = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smyth")
    why = {
        hit.person.pk: hit.matched_on
        for hit in selectors.search(investigator, text="Kayleigh Smith").people
    }
    assert why[kayleigh.pk] == ["name"]
    assert why[smyth.pk] == ["a similar name (nickname, spelling or sound)"]
    alias = selectors.search(investigator, text="Chantelle Jones").people
    assert [(hit.person, hit.matched_on) for hit in alias] == [
        (kayleigh, ["another recorded name"])
    ]


def test_phone_in_international_form_finds_the_phone_and_its_user(investigator, kayleigh):
    phone = PhoneFactory(acting_user=investigator, phone_number="07700 900123")
    LinkFactory(
        acting_user=investigator,
        link_type="uses_phone",
        source_entity=kayleigh,
        target_entity=phone,
    )
    results = selectors.search(investigator, text="+44 7700 900123")
    assert results.objects == [phone]
    assert [hit.person for hit in results.people] == [kayleigh]
    assert results.people[0].matched_on == ["phone"]


def test_registration_in_any_format_finds_the_vehicle(investigator):
    car = services.object_create(acting_user=investigator, kind="vehicle", vrm="AB12CDE")
    for text in ("ab12 cde", "AB12CDE", "ab12cde"):
        assert selectors.search(investigator, text=text).objects == [car]


def test_postcode_finds_the_location(investigator):
    hotel = LocationFactory(acting_user=investigator, postcode="LS1 1AA")
    LocationFactory(acting_user=investigator, postcode="LS2 7EX")
    assert selectors.search(investigator, text="ls11aa").locations == [hotel]
    assert selectors.search(investigator, text="LS1 1AA").locations == [hotel]


def test_handle_finds_the_online_account(investigator):
    account = services.object_create(
        acting_user=investigator, kind="online_account", platform="Snapchat", handle="marshy_29"
    )
    assert selectors.search(investigator, text="@Marshy_29").objects == [account]
    assert selectors.search(investigator, text="Marshy_29").objects == [account]


# --- Need-to-know and audit -------------------------------------------------------------------


def test_restricted_people_are_found_only_by_their_own_agency(
    investigator, colleague, other_force_officer
):
    PersonFactory(
        acting_user=investigator,
        given_names="Kayleigh",
        family_name="Smith",
        access_level="restricted",
    )
    assert names(selectors.search(colleague, text="Kayleigh")) == ["Kayleigh Smith"]
    assert names(selectors.search(other_force_officer, text="Kayleigh")) == []


def test_standard_police_records_are_found_by_other_forces(investigator, other_force_officer):
    PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    assert names(selectors.search(other_force_officer, text="Kayleigh")) == ["Kayleigh Smith"]


def test_partner_finds_only_their_own_agencys_records(investigator, partner, outsider):
    PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Police")
    PersonFactory(acting_user=partner, given_names="Kayleigh", family_name="Council")
    PhoneFactory(acting_user=investigator, phone_number="07700 900123")
    assert names(selectors.search(partner, text="Kayleigh")) == ["Kayleigh Council"]
    assert selectors.search(partner, text="07700900123").objects == []
    assert names(selectors.search(outsider, text="Kayleigh")) == []


def test_a_hidden_phone_user_is_not_revealed(investigator, other_force_officer):
    child = PersonFactory(acting_user=investigator, access_level="restricted")
    phone = PhoneFactory(acting_user=investigator, phone_number="07700 900123")
    LinkFactory(
        acting_user=investigator, link_type="uses_phone", source_entity=child, target_entity=phone
    )
    results = selectors.search(other_force_officer, text="07700900123")
    assert results.objects == [phone]
    assert results.people == []


def test_each_record_shown_is_audited_as_consulted(investigator, colleague, kayleigh):
    other = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Brown")
    hotel = LocationFactory(acting_user=investigator)
    selectors.search(colleague, text="Kayleigh")
    selectors.search(colleague, text="LS1 1AA")
    consulted = set(
        AuditEntry.objects.filter(
            action=Action.CONSULTATION, username="analyst", detail__via="search"
        ).values_list("object_type", "object_id")
    )
    assert consulted == {
        ("person", str(kayleigh.pk)),
        ("person", str(other.pk)),
        ("location", str(hotel.pk)),
    }


def test_people_not_on_the_page_are_not_audited(investigator):
    for n in range(3):
        PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name=f"S{n}")
    results = selectors.search(investigator, text="Kayleigh", page=2, page_size=2)
    assert results.people_total == 3 and len(results.people) == 1
    assert AuditEntry.objects.filter(action=Action.CONSULTATION, detail__via="search").count() == 1


def test_search_with_audit_off_writes_nothing(investigator, kayleigh):
    before = AuditEntry.objects.count()
    selectors.search(investigator, text="Kayleigh", audit=False)
    assert AuditEntry.objects.count() == before
