"""The list pages aggregate in the database (issue 7, round 2): these pin that they give what
the pure rules give over every episode, at the edges the range joins must get right."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from tests.factories import LocationFactory, PersonFactory, VehicleFactory
from tests.missing.conftest import at, record_return, report
from vigil.core.missing import EpisodeSpan, missing_policy, missing_together, peer_groups
from vigil.missing import selectors
from vigil.missing.models import MissingEpisode

pytestmark = pytest.mark.django_db

NOW = at(2026, 3, 20)


def _child(user: Any, name: str) -> Any:
    return PersonFactory(
        acting_user=user, given_names=name, family_name="Test", date_of_birth=date(2011, 1, 1)
    )


def _episode(user: Any, child: Any, start: Any, hours: int | None, **found: Any) -> Any:
    episode = report(user, child, start)
    if hours is not None:
        episode = record_return(user, episode, start + timedelta(hours=hours), **found)
    return episode


def _reference_pairs(now: Any) -> set[tuple[tuple[str, str], tuple[tuple[str, str], ...]]]:
    """The pure rule over every episode in the look-back, as the page did before."""
    since = now - timedelta(days=missing_policy().together_lookback_days)
    spans = []
    for episode in MissingEpisode.objects.all():
        if episode.returned_at is not None and episode.returned_at < since:
            continue
        place = episode.found_at
        spans.append(
            EpisodeSpan(
                ref=episode.ref,
                child=str(episode.child_id),
                start=episode.reported_missing_at,
                end=episode.returned_at,
                places=frozenset({f"{place.pk}:{place}"} if place else set()),
                companions=frozenset(str(p.pk) for p in episode.found_with.all()),
                vehicles=frozenset(f"{v.pk}:{v}" for v in episode.vehicles.all()),
            )
        )
    return {(pair.children, tuple(sorted(pair.episodes))) for pair in missing_together(spans, now)}


@pytest.fixture
def crowd(investigator: Any) -> dict[str, Any]:
    user = investigator
    names = ["Amy", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus"]
    kids = {name: _child(user, name) for name in names}
    adult = _child(user, "Adult")
    hotel = LocationFactory(acting_user=user, name="Hotel", premises_type="hotel", town="N")
    park = LocationFactory(acting_user=user, name="Park", premises_type="park", town="N")
    car = VehicleFactory(acting_user=user, vrm="AB12 CDE")
    day = at(2026, 3, 1)
    # Amy and Ben: overlapping, same hotel (twice, so a repeat peer group).
    _episode(user, kids["Amy"], day, 10, found_at=hotel)
    _episode(user, kids["Ben"], day + timedelta(hours=2), 10, found_at=hotel)
    _episode(user, kids["Amy"], day + timedelta(days=3), 5, found_at=hotel)
    _episode(user, kids["Ben"], day + timedelta(days=3, hours=4), 5, found_at=hotel)
    # Cal and Dee: overlapping, same adult, different places.
    _episode(user, kids["Cal"], day + timedelta(days=5), 6, found_at=hotel, found_with=[adult])
    _episode(user, kids["Dee"], day + timedelta(days=5, hours=1), 6, found_at=park,
             found_with=[adult])  # fmt: skip
    # Eve found with Fay ("each other"), no place in common.
    _episode(user, kids["Eve"], day + timedelta(days=8), 6, found_with=[kids["Fay"]])
    _episode(user, kids["Fay"], day + timedelta(days=8, hours=1), 3)
    # Gus: same car as Cal, but touching end to start only (no overlap).
    _episode(user, kids["Cal"], day + timedelta(days=10), 4, vehicles=[car])
    _episode(user, kids["Gus"], day + timedelta(days=10, hours=4), 4, vehicles=[car])
    # Gus found with Amy while she is still missing (her open episode runs to now).
    _episode(user, kids["Gus"], day + timedelta(days=12), 2, found_with=[kids["Amy"]])
    _episode(user, kids["Amy"], day + timedelta(days=11), None)
    # Dee and Eve overlap but share nothing.
    _episode(user, kids["Dee"], day + timedelta(days=14), 5, found_at=hotel)
    _episode(user, kids["Eve"], day + timedelta(days=14, hours=1), 5, found_at=park)
    return {**kids, "adult": adult, "hotel": hotel, "park": park}


def test_missing_together_in_the_database_matches_the_rule_over_every_episode(
    investigator: Any, crowd: dict[str, Any]
) -> None:
    groups, _ = selectors.missing_together_groups(investigator, now=NOW)
    pairs = selectors._together_pairs(investigator, NOW)
    found = {(pair.children, tuple(sorted(pair.episodes))) for pair in pairs}
    assert found == _reference_pairs(NOW)
    linked = {frozenset(int(c) for c in children) for children, _ in found}
    pk = {name: crowd[name].pk for name in ("Amy", "Ben", "Cal", "Dee", "Eve", "Fay", "Gus")}
    assert linked == {
        frozenset({pk["Amy"], pk["Ben"]}),
        frozenset({pk["Cal"], pk["Dee"]}),
        frozenset({pk["Eve"], pk["Fay"]}),
        frozenset({pk["Amy"], pk["Gus"]}),
    }
    # Peer groups join children linked at least `min_shared_episodes` times (policy).
    assert [[p.pk for p in group.children] for group in groups] == [
        [int(c) for c in group]
        for group in peer_groups(pairs, missing_policy().together_min_shared)
    ]
    assert sorted(len(group.children) for group in groups) == (
        [2, 2, 3] if missing_policy().together_min_shared == 1 else [2]
    )


def test_a_childs_missing_with_reads_only_what_overlaps_their_episodes(
    investigator: Any, crowd: dict[str, Any]
) -> None:
    _, mine = selectors.missing_together_groups(investigator, now=NOW, child=crowd["Amy"])
    assert sorted(view.other.given_names for view in mine) == ["Ben", "Gus"]
    assert all(view.child.pk == crowd["Amy"].pk for view in mine)
    ben = next(view for view in mine if view.other.given_names == "Ben")
    assert len(ben.episodes) == 2 and ben.shared == [f"found at {crowd['hotel']}"]
    _, mine = selectors.missing_together_groups(investigator, now=NOW, child=crowd["Fay"])
    assert [(v.other.given_names, v.shared) for v in mine] == [("Eve", ["found with each other"])]
    _, mine = selectors.missing_together_groups(investigator, now=NOW, child=crowd["Gus"])
    assert [v.other.given_names for v in mine] == ["Amy"]  # the car alone: no overlap


def test_where_found_ranks_places_by_children_then_episodes_in_the_database(
    investigator: Any, crowd: dict[str, Any]
) -> None:
    rows = selectors.where_found(investigator)
    assert [(row.location.name, len(row.children), row.episodes) for row in rows] == [
        ("Hotel", 4, 6),
        ("Park", 2, 2),
    ]
    hotel = rows[0]
    assert [c.given_names for c in hotel.children] == ["Amy", "Ben", "Cal", "Dee"]
    assert hotel.children_count == 4 and hotel.more_children == 0
    assert [(p.given_names, n) for p, n in hotel.found_with] == [("Adult", 1)]
    assert hotel.last_found == at(2026, 3, 15, 17)
    assert [row.location.name for row in selectors.where_found(investigator, limit=1)] == ["Hotel"]
    since = at(2026, 3, 13)
    assert [
        (row.location.name, row.episodes)
        for row in selectors.where_found(investigator, since=since)
    ] == [("Hotel", 1), ("Park", 1)]


def test_someone_who_sees_no_case_records_gets_empty_lists(
    crowd: dict[str, Any], django_user_model: Any
) -> None:
    outsider = django_user_model.objects.create_user(username="outsider", password="x")
    assert selectors.missing_together_groups(outsider, now=NOW) == ([], [])
    assert selectors.where_found(outsider) == []


def test_where_found_names_the_first_children_and_counts_them_all(
    investigator: Any, crowd: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "WHERE_FOUND_NAMES", 2)
    hotel = selectors.where_found(investigator)[0]
    assert [c.given_names for c in hotel.children] == ["Amy", "Ben"]
    assert (hotel.children_count, hotel.more_children, hotel.episodes) == (4, 2, 6)
