"""Derived observations other apps contribute (the registry in derived.py): what a child's
missing episodes show, with the missing app's one repeat-missing threshold tested at the edges
of its window, and a network group-based CSE flag."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.factories import EventFactory, LinkFactory, LocationFactory, PersonFactory
from tests.missing.conftest import record_return, report
from tests.safeguarding.conftest import today, years_ago
from vigil.core import missing as core_missing
from vigil.core.policy import load_policy
from vigil.missing import selectors as missing_selectors
from vigil.people import services as people_services
from vigil.safeguarding import services
from vigil.safeguarding.derived import (
    DerivedObservation,
    RecordRef,
    derive_observations,
    derived_sources,
    register_derived_source,
)

pytestmark = pytest.mark.django_db

REPEAT = "WS-FAM-REPEAT-MISSING"


def codes(child: Any) -> dict[str, list[DerivedObservation]]:
    found: dict[str, list[DerivedObservation]] = {}
    for obs in derive_observations(child, today()):
        found.setdefault(obs.code, []).append(obs)
    return found


def names(obs: DerivedObservation) -> set[tuple[str, int]]:
    return {(record.type, record.id) for record in obs.records}


def _base() -> datetime:
    # Yesterday at noon UTC: every episode is known today, whatever the clocks do.
    day = today() - timedelta(days=1)
    return datetime(day.year, day.month, day.day, 12, tzinfo=UTC)


def _episode_event(user: Any, child: Any, when: datetime, role: str = "victim") -> Any:
    return EventFactory(
        acting_user=user, event_type="missing_episode", occurred_at=when, people=[(child, role)]
    )


def test_missing_and_networks_register_their_sources() -> None:
    assert {"missing", "networks"} <= set(derived_sources())


def test_one_repeat_missing_threshold_for_screening_and_the_missing_app() -> None:
    """The number of episodes and the window live in missing.json only."""
    section = load_policy("derived_observations")["repeat_missing"]
    assert "min_episodes" not in section and "window_days" not in section
    assert section["threshold"] == "missing.json repeat_missing"
    policy = core_missing.missing_policy()
    assert (policy.repeat_episodes, policy.repeat_window_days) == (3, 90)


def test_repeat_missing_window_edges(investigator: Any, family: dict[str, Any]) -> None:
    """3 episodes reported within 90 days: a report exactly 90 days before the latest is
    outside the window, one a minute later is inside."""
    child = family["kayleigh"]
    end = _base()
    _episode_event(investigator, child, end - timedelta(days=90))
    middle = _episode_event(investigator, child, end - timedelta(days=45))
    latest = _episode_event(investigator, child, end)
    assert REPEAT not in codes(child)
    # Someone else's episode in which the child was only found with them does not count.
    other = PersonFactory(acting_user=investigator, date_of_birth=years_ago(15))
    EventFactory(
        acting_user=investigator,
        event_type="missing_episode",
        occurred_at=end - timedelta(days=10),
        people=[(other, "victim"), (child, "found_with")],
    )
    assert REPEAT not in codes(child)
    inside = _episode_event(investigator, child, end - timedelta(days=90) + timedelta(minutes=1))
    [obs] = codes(child)[REPEAT]
    assert names(obs) == {("event", e.pk) for e in (inside, middle, latest)}
    assert obs.observed_on == latest.occurred_at.astimezone(core_missing.LONDON).date()
    assert "3 missing episodes in 90 days" in obs.explanation
    assert services.compute_screening(child).result.rank >= 2


def test_two_episodes_are_not_repeat_missing_until_the_policy_says_so(
    investigator: Any, family: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    child = family["kayleigh"]
    end = _base()
    _episode_event(investigator, child, end - timedelta(days=89, hours=23))
    _episode_event(investigator, child, end)
    assert REPEAT not in codes(child)
    two = replace(core_missing.missing_policy(), repeat_episodes=2)
    monkeypatch.setattr(core_missing, "missing_policy", lambda: two)
    assert REPEAT in codes(child)


def test_the_missing_apps_repeat_list_and_screening_agree(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["kayleigh"]
    now = datetime.now(UTC) - timedelta(minutes=5)
    for days in (80, 40):
        episode = report(investigator, child, now - timedelta(days=days))
        record_return(investigator, episode, now - timedelta(days=days) + timedelta(hours=20))
    listed = {row.child.pk for row in missing_selectors.repeat_missing(investigator, now=now)}
    assert child.pk not in listed and REPEAT not in codes(child)
    report(investigator, child, now - timedelta(days=1))
    listed = {row.child.pk for row in missing_selectors.repeat_missing(investigator, now=now)}
    assert child.pk in listed
    [obs] = codes(child)[REPEAT]
    assert {record.type for record in obs.records} == {"missingepisode"}


def test_a_return_gives_found_at_found_with_an_adult_and_out_of_area(
    investigator: Any, family: dict[str, Any]
) -> None:
    child, adult = family["kayleigh"], family["mother"]
    hotel = LocationFactory(
        acting_user=investigator, name="Sea View Hotel", premises_type="hotel", town="Southport"
    )
    when = _base() - timedelta(days=3)
    episode = report(investigator, child, when, missing_from=family["home"])
    episode = record_return(
        investigator, episode, when + timedelta(hours=30), found_at=hotel, found_with=[adult]
    )
    found = codes(child)
    [with_adult] = found["WS-FAM-RISKY-ADULTS"]
    assert names(with_adult) == {("missingepisode", episode.pk)}
    assert "Found with an adult" in with_adult.explanation and episode.ref in with_adult.explanation
    [away] = found["WS-FAM-FOUND-AWAY-FROM-AREA"]
    assert names(away) == {("missingepisode", episode.pk)}
    # Found at the hotel: explained from the return's event and link on that day; the missing
    # source does not add the same fact a second time.
    at_hotel = found["WS-FAM-FOUND-AT-LOCATION-OF-CONCERN"]
    assert at_hotel and all(("location", hotel.pk) in names(obs) for obs in at_hotel)


def test_returning_late_regularly(investigator: Any, family: dict[str, Any]) -> None:
    child = family["kayleigh"]
    end = _base() - timedelta(days=1)
    episodes = []
    for days in (60, 30, 0):
        start = end - timedelta(days=days)
        episode = report(investigator, child, start)
        episodes.append(
            record_return(
                investigator, episode, start + timedelta(hours=4), how_returned="returned_self"
            )
        )
    [late] = codes(child)["WS-FAM-MISSING-OR-LATE-HOME"]
    assert names(late) == {("missingepisode", e.pk) for e in episodes}


def test_a_return_recorded_after_the_assessment_day_is_not_known_on_it(
    investigator: Any, family: dict[str, Any]
) -> None:
    child = family["kayleigh"]
    hotel = LocationFactory(acting_user=investigator, premises_type="hotel", town="Southport")
    when = _base() - timedelta(days=10)
    episode = report(investigator, child, when, missing_from=family["home"])
    record_return(investigator, episode, when + timedelta(days=2), found_at=hotel)
    before_return = (when + timedelta(days=1)).date()
    assert "WS-FAM-FOUND-AWAY-FROM-AREA" not in {
        obs.code for obs in derive_observations(child, before_return)
    }
    assert "WS-FAM-FOUND-AWAY-FROM-AREA" in codes(child)


def test_a_source_must_name_its_records(
    investigator: Any, family: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    from vigil.safeguarding import derived

    monkeypatch.setattr(derived, "_SOURCES", dict(derived._SOURCES))

    def unexplained(child: Any, on: Any) -> list[DerivedObservation]:
        return [DerivedObservation("WS-FAM-RISKY-ADULTS", on, "Because.", ())]

    register_derived_source("test", unexplained)
    with pytest.raises(ValueError, match="names no records"):
        derive_observations(family["kayleigh"], today())

    def future(child: Any, on: Any) -> list[DerivedObservation]:
        ref = RecordRef("person", child.pk, "x")
        return [DerivedObservation("WS-FAM-RISKY-ADULTS", on + timedelta(days=1), "Later.", (ref,))]

    register_derived_source("test", future)
    assert derive_observations(family["kayleigh"], today()) == []


def test_a_child_in_a_flagged_network_group(investigator: Any, family: dict[str, Any]) -> None:
    """Two suspects associated with each other and with a child: group-based CSE (NPCC). The
    child's screening counts it, naming both suspects."""
    from vigil.networks import selectors as network_selectors

    child, lee = family["kayleigh"], family["suspect"]
    child = people_services.person_update(
        acting_user=investigator, person=child, expected_version=child.version, flags=["victim"]
    )
    sam = PersonFactory(
        acting_user=investigator,
        given_names="Sam",
        family_name="Hart",
        date_of_birth=years_ago(31),
        flags=["suspect"],
    )
    for source, target, link_type in (
        (lee, sam, "associate_of"),
        (lee, child, "associate_of"),
        (sam, child, "associate_of"),
    ):
        LinkFactory(
            acting_user=investigator,
            link_type=link_type,
            source_entity=source,
            target_entity=target,
            last_seen=today() - timedelta(days=2),
        )
    network_selectors.clear_caches()
    flags = network_selectors.group_flags_for_person(child.pk)
    if not any(flag.role == "child" for flag in flags):
        pytest.skip("the networks analysis does not flag this small group")
    [obs] = codes(child)["WS-FAM-IN-FLAGGED-NETWORK-GROUP"]
    assert {("person", lee.pk), ("person", sam.pk)} <= names(obs)
    assert {kind for kind, _ in names(obs)} <= {"person", "link", "event"}
    assert "Lee Marsh" in obs.explanation and "Sam Hart" in obs.explanation
    result = services.compute_screening(child).result
    assert result.rank >= 2


def test_the_panel_names_the_missing_episodes_behind_a_sign(
    investigator: Any, family: dict[str, Any]
) -> None:
    from django.test import Client
    from django.urls import reverse

    child = family["kayleigh"]
    when = _base() - timedelta(days=3)
    episode = report(investigator, child, when, missing_from=family["home"])
    record_return(investigator, episode, when + timedelta(hours=30), found_with=[family["mother"]])
    client = Client()
    client.force_login(investigator)
    body = client.get(reverse("person_detail", args=[child.pk])).content.decode()
    assert f'href="{reverse("missing_episode", args=[episode.pk])}"' in body
    assert f"MP-{episode.pk}" in body
