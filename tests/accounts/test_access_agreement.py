"""The one permission layer says the same thing twice: as a queryset filter (lists, search,
counts, exports) and as an object predicate (pages). Hypothesis builds records with every mix
of owner, access level, sharing decisions and restrictions, and both must agree for every
user, directly and through a relation (an event's people)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import make_user
from tests.factories import EventFactory, LinkFactory, PersonFactory, PhoneFactory
from vigil.accounts import services
from vigil.accounts.access import can_see_record, visibility_q, visible_records
from vigil.accounts.models import Agency, AgencyKind, Role, Team
from vigil.people.models import EventPerson, Link, Person

AGENCIES = ["police", "other_police", "council", "health"]


@pytest.fixture
def cast(db: Any) -> dict[str, Any]:
    agencies = {
        "police": Agency.objects.create(name="P", kind=AgencyKind.POLICE),
        "other_police": Agency.objects.create(name="OP", kind=AgencyKind.POLICE),
        "council": Agency.objects.create(name="C", kind=AgencyKind.CHILDRENS_SERVICES),
        "health": Agency.objects.create(name="H", kind=AgencyKind.HEALTH),
    }
    team = Team.objects.create(agency=agencies["police"], name="CSE team")
    users = {
        "investigator": make_user("inv", agencies["police"], Role.CSE_INVESTIGATOR, team=team),
        "analyst": make_user("ana", agencies["police"], Role.INTELLIGENCE_ANALYST),
        "other_force": make_user("oth", agencies["other_police"], Role.CSE_INVESTIGATOR),
        "mash": make_user("mash", agencies["council"], Role.MASH_PRACTITIONER),
        "nurse": make_user("nurse", agencies["health"], Role.PARTNER_PRACTITIONER),
        "auditor": make_user("aud", agencies["police"], Role.AUDITOR),
    }
    owners = {
        "police": users["investigator"],
        "other_police": users["other_force"],
        "council": users["mash"],
        "health": users["nurse"],
    }
    return {"agencies": agencies, "users": users, "owners": owners, "team": team}


record_specs = st.fixed_dictionaries(
    {
        "owner": st.sampled_from(AGENCIES),
        "access_level": st.sampled_from(["standard", "restricted"]),
        "shared_with": st.sets(st.sampled_from(AGENCIES)),
        "withdraw": st.booleans(),
        "restrict_to": st.none() | st.sets(st.sampled_from(["analyst", "mash", "nurse"])),
        "to_team": st.booleans(),
    }
)


def build(cast: dict[str, Any], spec: dict[str, Any]) -> Person:
    owner = cast["owners"][spec["owner"]]
    person = PersonFactory(acting_user=owner, access_level=spec["access_level"])
    if spec["access_level"] == "standard":
        for name in spec["shared_with"] - {spec["owner"]}:
            decision = services.share_record(
                acting_user=owner,
                record=person,
                agency=cast["agencies"][name],
                lawful_basis="ca2004_s11",
                scope="Test",
            )
            if spec["withdraw"]:
                services.withdraw_sharing(acting_user=owner, decision=decision, reason="Done")
    if spec["restrict_to"] is not None:
        services.restrict_record(
            acting_user=owner,
            record=person,
            reason="Test",
            users=[cast["users"][name] for name in spec["restrict_to"]],
            teams=[cast["team"]] if spec["to_team"] else [],
        )
    EventFactory(acting_user=owner, people=[(person, "subject")])
    return person


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(spec=record_specs)
def test_querysets_and_predicates_agree(cast: dict[str, Any], spec: dict[str, Any]) -> None:
    person = build(cast, spec)
    for name, user in cast["users"].items():
        predicate = bool(can_see_record(user, person))
        direct = visible_records(user, Person.objects.filter(pk=person.pk)).exists()
        related = EventPerson.objects.filter(visibility_q(user, "person__"), person=person).exists()
        assert predicate == direct == related, (name, spec, predicate, direct, related)


def test_a_link_is_hidden_when_either_end_is(cast: dict[str, Any]) -> None:
    owner = cast["users"]["investigator"]
    child = PersonFactory(acting_user=owner)
    phone = PhoneFactory(acting_user=owner)
    link = LinkFactory(
        acting_user=owner, link_type="uses_phone", source_entity=child, target_entity=phone
    )
    other = cast["users"]["other_force"]
    assert can_see_record(other, link)
    services.restrict_record(acting_user=owner, record=child, reason="Staff relative")
    assert not can_see_record(other, link)
    assert not visible_records(other, Link.objects.all()).exists()
    assert visible_records(owner, Link.objects.all()).get() == link


def test_nobody_without_a_case_role_sees_anything(cast: dict[str, Any]) -> None:
    person = PersonFactory(acting_user=cast["users"]["investigator"])
    auditor = cast["users"]["auditor"]
    assert not can_see_record(auditor, person)
    assert not visible_records(auditor, Person.objects.all()).exists()
