"""The need-to-know filter's SQL is written once per database and reused (building it as a
queryset for every query cost milliseconds a search), but the grants themselves are read by
the database with every query: a restriction, a lift, a sharing decision or its withdrawal
applies to the very next query, through the same user object and the same queryset."""

from __future__ import annotations

from typing import Any

import pytest

from tests.accounts.test_access_agreement import cast  # noqa: F401 - the fixture
from tests.conftest import make_user
from tests.factories import EventFactory, PersonFactory
from vigil.accounts import services
from vigil.accounts.access import visibility_q, visible_records
from vigil.accounts.models import Role
from vigil.people.models import EventPerson, Person

pytestmark = pytest.mark.django_db


def _sees(user: Any, person: Person) -> bool:
    direct = visible_records(user, Person.objects.filter(pk=person.pk)).exists()
    related = EventPerson.objects.filter(visibility_q(user, "person__"), person=person).exists()
    assert direct == related
    return direct


def test_a_restriction_and_its_lift_apply_to_the_next_query(cast: dict[str, Any]) -> None:  # noqa: F811
    owner, analyst = cast["users"]["investigator"], cast["users"]["analyst"]
    other, mash = cast["users"]["other_force"], cast["users"]["mash"]
    person = PersonFactory(acting_user=owner)
    EventFactory(acting_user=owner, people=[(person, "subject")])
    people = visible_records(other, Person.objects.filter(pk=person.pk))
    assert _sees(other, person) and list(people) == [person]

    supervisor = make_user("sup", cast["agencies"]["police"], Role.SUPERVISOR)
    services.restrict_record(
        acting_user=owner, record=person, reason="Staff relative", users=[mash, supervisor]
    )
    assert not _sees(other, person)
    assert not _sees(analyst, person)  # same agency, not named
    assert _sees(mash, person)  # named, from another agency
    assert not people.all().exists()  # the same queryset, evaluated again

    services.lift_restriction(acting_user=supervisor, record=person, reason="No longer needed")
    assert _sees(other, person) and _sees(analyst, person)
    assert not _sees(mash, person)  # a council practitioner: not shared with the council


def test_a_team_named_on_a_restriction_sees_the_record(cast: dict[str, Any]) -> None:  # noqa: F811
    investigator, analyst = cast["users"]["investigator"], cast["users"]["analyst"]
    person = PersonFactory(acting_user=analyst)
    EventFactory(acting_user=analyst, people=[(person, "subject")])
    services.restrict_record(
        acting_user=analyst, record=person, reason="Operation", teams=[cast["team"]]
    )
    assert _sees(analyst, person)  # named: whoever restricts stays named
    assert _sees(investigator, person)  # in the team, not named
    assert not _sees(cast["users"]["other_force"], person)


def test_sharing_and_its_withdrawal_apply_to_the_next_query(cast: dict[str, Any]) -> None:  # noqa: F811
    owner, nurse = cast["users"]["investigator"], cast["users"]["nurse"]
    person = PersonFactory(acting_user=owner)
    EventFactory(acting_user=owner, people=[(person, "subject")])
    assert not _sees(nurse, person)
    decision = services.share_record(
        acting_user=owner,
        record=person,
        agency=cast["agencies"]["health"],
        lawful_basis="ca2004_s11",
        scope="Test",
    )
    assert _sees(nurse, person)
    assert not _sees(cast["users"]["mash"], person)  # shared with health, not the council
    services.withdraw_sharing(acting_user=owner, decision=decision, reason="Done")
    assert not _sees(nurse, person)


def test_every_user_gets_the_same_statement_with_their_own_parameters(
    cast: dict[str, Any],  # noqa: F811
) -> None:
    statements = {}
    for name in ("investigator", "analyst", "mash", "nurse"):
        user = cast["users"][name]
        sql, params = visible_records(user, Person.objects.all()).query.sql_with_params()
        statements[name] = sql
        assert user.agency_id in params
        assert sql.count('accounts_recordrestriction_users"') == 3  # one subquery
    # Police (with and without a team) and partners each have one statement.
    assert statements["mash"] == statements["nurse"]
    assert "accounts_sharingdecision" in statements["nurse"]
    assert "accounts_sharingdecision" not in statements["analyst"]
    assert "accounts_recordrestriction_teams" in statements["investigator"]
    assert "accounts_recordrestriction_teams" not in statements["analyst"]
