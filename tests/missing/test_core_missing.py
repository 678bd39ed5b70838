"""The pure rules of vigil.core.missing: no database, no Django."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.missing import (
    COLUMN_NAMES,
    Companion,
    EpisodeFacts,
    EpisodeSpan,
    check_rhi_transition,
    derive_indicators,
    describe_duration,
    distance_km,
    episodes_in_window,
    is_repeat_missing,
    missing_policy,
    missing_together,
    missing_trend,
    parse_export,
    parse_uk_local,
    peer_groups,
    rhi_due_at,
    rhi_state,
    uk_time,
)

LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
PREMISES = ["home", "childrens_home", "hotel", "park", "other"]


def london(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=LONDON)


# --- Policy -----------------------------------------------------------------------------------


def test_policy_has_the_app_levels_and_the_statutory_72_hours() -> None:
    policy = missing_policy()
    assert [level.code for level in policy.risk_levels] == [
        "no_apparent_risk",
        "low",
        "medium",
        "high",
    ]
    assert policy.risk_level("no_apparent_risk").label == "No apparent risk (absent)"
    assert policy.rhi_due_hours == 72
    assert (policy.repeat_episodes, policy.repeat_window_days) == (3, 90)


# --- RHI due times across clock changes -------------------------------------------------------


def test_due_time_spans_the_spring_clock_change_in_elapsed_hours() -> None:
    # Clocks go forward at 01:00 GMT on Sunday 29 March 2026.
    returned = london(2026, 3, 28, 12, 0)  # GMT
    due = rhi_due_at(returned)
    assert due - returned == timedelta(hours=72)
    assert uk_time(due) == london(2026, 3, 31, 13, 0)  # BST: the wall clock shows 13:00
    assert uk_time(due).tzname() == "BST"


def test_due_time_spans_the_autumn_clock_change_in_elapsed_hours() -> None:
    # Clocks go back at 02:00 BST on Sunday 25 October 2026.
    returned = london(2026, 10, 23, 12, 0)  # BST
    due = rhi_due_at(returned)
    assert uk_time(due) == london(2026, 10, 26, 11, 0)
    assert uk_time(due).tzname() == "GMT"


def test_due_time_refuses_a_time_without_a_zone() -> None:
    with pytest.raises(ValueError, match="time zone"):
        rhi_due_at(datetime(2026, 3, 28, 12, 0))


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2040, 12, 31),
        timezones=st.just(LONDON),
    )
)
def test_due_is_always_exactly_72_real_hours_later(returned: datetime) -> None:
    due = rhi_due_at(returned)
    assert due.astimezone(UTC) - returned.astimezone(UTC) == timedelta(hours=72)
    assert uk_time(due).tzinfo == LONDON
    # The wall-clock gap is 72 hours, give or take the one hour a clock change moves it.
    wall = uk_time(due).replace(tzinfo=None) - returned.replace(tzinfo=None)
    assert timedelta(hours=71) <= wall <= timedelta(hours=73)


@given(st.integers(min_value=-200, max_value=200))
def test_rhi_state_is_overdue_exactly_after_the_due_time(offset_hours: int) -> None:
    due = datetime(2026, 3, 31, 12, 0, tzinfo=UTC)
    state = rhi_state("offered", due, due + timedelta(hours=offset_hours))
    if offset_hours > 0:
        assert state.state == "overdue"
    elif offset_hours >= -24:
        assert state.state == "due_soon"
    else:
        assert state.state == "due"
    assert rhi_state("completed", due, due + timedelta(hours=offset_hours)).state == "completed"


def test_rhi_transitions() -> None:
    assert check_rhi_transition("due", "offered") is None
    assert check_rhi_transition("offered", "completed") is None
    assert check_rhi_transition("declined", "offered") is None  # a further offer
    assert "cannot become" in (check_rhi_transition("completed", "declined") or "")
    assert "already" in (check_rhi_transition("offered", "offered") or "")
    assert "not a return home interview status" in (check_rhi_transition("due", "lost") or "")


def test_describe_duration() -> None:
    assert describe_duration(0.5) == "under an hour"
    assert describe_duration(5.9) == "5 hours"
    assert describe_duration(49) == "2 days 1 hour"
    assert describe_duration(24) == "1 day"


# --- Repeat missing windows at their edges ----------------------------------------------------


def test_window_edges() -> None:
    end = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
    exactly_90_days = end - timedelta(days=90)
    assert episodes_in_window([exactly_90_days], end, 90) == 0  # outside
    assert episodes_in_window([exactly_90_days + timedelta(seconds=1)], end, 90) == 1
    assert episodes_in_window([end], end, 90) == 1  # the end itself is inside
    assert episodes_in_window([end + timedelta(seconds=1)], end, 90) == 0  # the future


def test_three_in_ninety_days_is_repeat_missing_and_two_is_not() -> None:
    end = datetime(2026, 6, 1, tzinfo=UTC)
    two = [end - timedelta(days=10), end - timedelta(days=50)]
    assert not is_repeat_missing(two, end)
    assert is_repeat_missing([*two, end - timedelta(days=89)], end)
    assert not is_repeat_missing([*two, end - timedelta(days=90)], end)


@given(
    st.lists(st.integers(min_value=0, max_value=400), max_size=12),
    st.integers(min_value=1, max_value=365),
)
def test_window_count_ignores_order_and_grows_with_the_window(days: list[int], window: int) -> None:
    end = datetime(2026, 6, 1, tzinfo=UTC)
    times = [end - timedelta(days=d, hours=1) for d in days]
    count = episodes_in_window(times, end, window)
    assert count == episodes_in_window(list(reversed(times)), end, window)
    assert count <= episodes_in_window(times, end, window + 1)
    assert count == sum(1 for d in days if d < window)


def test_trend_compares_with_the_window_before() -> None:
    now = datetime(2026, 6, 1, tzinfo=UTC)
    times = [now - timedelta(days=d) for d in (5, 20, 40, 100)]
    trend = missing_trend(times, now, 90)
    assert (trend.current, trend.previous, trend.direction) == (3, 1, "rising")
    assert missing_trend([now - timedelta(days=100)], now, 90).direction == "falling"


# --- Derived indicators -----------------------------------------------------------------------


def _episode(ref: str, day: int, **extra: object) -> EpisodeFacts:
    reported = datetime(2026, 5, day, 20, 0, tzinfo=UTC)
    fields: dict[str, object] = {"returned_at": reported + timedelta(hours=10)}
    fields.update(extra)
    return EpisodeFacts(ref=ref, reported_at=reported, **fields)  # type: ignore[arg-type]


def test_repeat_missing_indicator_names_its_episodes() -> None:
    found = derive_indicators([_episode("MP-1", 1), _episode("MP-2", 10), _episode("MP-3", 20)])
    repeat = [d for d in found if d.key == "repeat_missing"]
    assert len(repeat) == 1
    assert repeat[0].code == "WS-FAM-REPEAT-MISSING"
    assert repeat[0].refs == ("MP-1", "MP-2", "MP-3")
    assert repeat[0].observed_on == date(2026, 5, 20)
    assert repeat[0].as_observation().ref == "MP-1, MP-2, MP-3"


def test_found_with_an_adult_uses_age_on_the_day() -> None:
    day_found = date(2026, 5, 2)
    turns_18_after = Companion("P-7", date(2008, 5, 3))  # 17 on the day
    turned_18 = Companion("P-8", date(2008, 5, 1))
    only_minor = derive_indicators([_episode("MP-1", 1, found_with=(turns_18_after,))])
    assert not [d for d in only_minor if d.key == "found_with_adult"]
    with_adult = derive_indicators([_episode("MP-1", 1, found_with=(turned_18,))])
    adult = next(d for d in with_adult if d.key == "found_with_adult")
    assert adult.code == "WS-FAM-RISKY-ADULTS" and adult.observed_on == day_found


def test_location_of_concern_out_of_area_and_late_return() -> None:
    episodes = [
        _episode("MP-1", 1, found_at_of_concern=True, found_at_label="Station Hotel"),
        _episode(
            "MP-2",
            3,
            found_at_point=(53.4808, -2.2426),  # Manchester
            missing_from_point=(53.8008, -1.5491),  # Leeds, about 58 km away
        ),
        _episode("MP-3", 5, found_at_town="Northam", missing_from_town="northam "),
    ]
    keys = {d.key: d for d in derive_indicators(episodes)}
    assert keys["found_at_location_of_concern"].refs == ("MP-1",)
    assert "Station Hotel" in keys["found_at_location_of_concern"].explanation
    assert keys["found_out_of_area"].refs == ("MP-2",)  # the same town is not out of area
    assert 55 < distance_km((53.4808, -2.2426), (53.8008, -1.5491)) < 60

    late = [
        EpisodeFacts(
            ref=f"MP-{i}",
            reported_at=datetime(2026, 5, 1 + i, 21, 0, tzinfo=UTC),
            returned_at=datetime(2026, 5, 1 + i, 23, 30, tzinfo=UTC),
            how_returned="returned_self",
        )
        for i in range(3)
    ]
    assert "late_return" in {d.key for d in derive_indicators(late)}
    assert "late_return" not in {d.key for d in derive_indicators(late[:2])}


# --- Missing together -------------------------------------------------------------------------


def test_missing_together_needs_overlap_and_something_shared() -> None:
    t = datetime(2026, 5, 1, 20, 0, tzinfo=UTC)
    spans = [
        EpisodeSpan("MP-1", "a", t, t + timedelta(hours=10), places=frozenset({"hotel"})),
        EpisodeSpan(
            "MP-2", "b", t + timedelta(hours=1), t + timedelta(hours=9), places=frozenset({"hotel"})
        ),
        # Overlaps but shares nothing:
        EpisodeSpan("MP-3", "c", t, t + timedelta(hours=5), places=frozenset({"park"})),
        # Shares the hotel but a week later:
        EpisodeSpan("MP-4", "d", t + timedelta(days=7), None, places=frozenset({"hotel"})),
        # Found with child "a" herself, still missing:
        EpisodeSpan("MP-5", "e", t + timedelta(hours=2), None, companions=frozenset({"a"})),
    ]
    pairs = missing_together(spans, now=t + timedelta(days=10))
    assert {p.children for p in pairs} == {("a", "b"), ("a", "e")}
    ab = next(p for p in pairs if p.children == ("a", "b"))
    assert ab.episodes == [("MP-1", "MP-2")] and ab.shared == {"place:hotel"}
    assert peer_groups(pairs, 1) == [["a", "b", "e"]]
    assert peer_groups(pairs, 2) == []


def _all_pairs(spans: list[EpisodeSpan], now: datetime) -> list[tuple[Any, ...]]:
    """The rule by its definition: every pair of spans compared (the sweep's reference)."""
    ordered = sorted(spans, key=lambda s: s.start)
    out: dict[tuple[str, str], tuple[list[tuple[str, str]], set[str]]] = {}
    for i, a in enumerate(ordered):
        for b in ordered[i + 1 :]:
            if a.child == b.child or not (a.start < (b.end or now) and b.start < (a.end or now)):
                continue
            shared = {f"place:{p}" for p in a.places & b.places}
            shared |= {f"with:{c}" for c in a.companions & b.companions}
            shared |= {f"vehicle:{v}" for v in a.vehicles & b.vehicles}
            if b.child in a.companions or a.child in b.companions:
                shared.add("each other")
            if shared:
                key = (min(a.child, b.child), max(a.child, b.child))
                episodes, seen = out.setdefault(key, ([], set()))
                episodes.append((a.ref, b.ref) if a.child == key[0] else (b.ref, a.ref))
                seen |= shared
    return sorted((k, e, sorted(s)) for k, (e, s) in out.items())


_span = st.builds(
    lambda n, child, start, hours, places, companions, vehicles: EpisodeSpan(
        f"MP-{n}",
        child,
        datetime(2026, 5, 1, tzinfo=UTC) + timedelta(hours=start),
        None
        if hours is None
        else datetime(2026, 5, 1, tzinfo=UTC) + timedelta(hours=start + hours),
        places=frozenset(places),
        companions=frozenset(companions),
        vehicles=frozenset(vehicles),
    ),
    st.integers(0, 10_000),
    st.sampled_from("abcdef"),
    st.integers(0, 200),
    st.one_of(st.none(), st.integers(0, 48)),
    st.sets(st.sampled_from(["hotel", "park"]), max_size=1),
    st.sets(st.sampled_from(["a", "b", "x", "y"]), max_size=2),
    st.sets(st.sampled_from(["car", "van"]), max_size=1),
)


@given(st.lists(_span, max_size=30, unique_by=lambda s: s.ref))
def test_missing_together_compares_only_what_is_shared_yet_finds_every_pair(
    spans: list[EpisodeSpan],
) -> None:
    now = datetime(2026, 5, 12, tzinfo=UTC)
    found = sorted((p.children, p.episodes, sorted(p.shared)) for p in missing_together(spans, now))
    assert found == _all_pairs(spans, now)


# --- CSV export parsing -----------------------------------------------------------------------

HEADER = (
    "external_reference,child_given_names,child_family_name,child_date_of_birth,"
    "reported_missing_at,reported_by,risk_level,risk_reason,grading_officer,returned_at,"
    "how_returned,found_at_name,found_at_premises_type,found_at_address,found_at_town,"
    "found_with,vehicles,intoxicated"
)


def test_a_good_export_parses() -> None:
    text = (
        HEADER + "\nMIS/1,Kayleigh,Smith,2011-05-01,14/03/2026 21:30,childrens_home,absent,Usual "
        "pattern,PC 1 Lane,15/03/2026 02:10,found_by_police,Station Hotel,hotel,1 Station "
        "Approach,Northam,Lee Marsh 1996-02-02; Chloe Turner,AB12 CDE,yes\n\n"
    )
    parsed = parse_export(text, premises_types=PREMISES, now=NOW)
    assert parsed.errors == []
    (row,) = parsed.rows
    assert row.risk_level == "no_apparent_risk"  # 'absent' is the old name
    assert row.reported_missing_at == london(2026, 3, 14, 21, 30)
    assert [(c.given_names, c.family_name) for c in row.found_with] == [
        ("Lee", "Marsh"),
        ("Chloe", "Turner"),
    ]
    assert row.found_with[0].date_of_birth == date(1996, 2, 2)
    assert row.vehicles == ("AB12 CDE",) and row.intoxicated
    assert row.found_at is not None and row.found_at.premises_type == "hotel"


def test_every_bad_row_and_cell_is_reported() -> None:
    text = (
        HEADER
        + "\nMIS/1,Kay,Smith,2011-13-01,2026-03-29 01:30,aunt,severe,,PC 1,,,,,,,,,maybe"
        + "\nMIS/2,Kay,Smith,,2026-03-14 21:30,parent,low,r,PC 1,2026-03-13 10:00,found_by_police"
        + ",,,,,,,"
        + "\nMIS/2,Kay,Smith,,2026-03-14 21:30,parent,low,r,PC 1,,,,,,,,,"
    )
    parsed = parse_export(text, premises_types=PREMISES, now=NOW)
    assert parsed.rows == [] or all(r.line != 2 for r in parsed.rows)
    by_line: dict[int, set[str]] = {}
    for error in parsed.errors:
        by_line.setdefault(error.line, set()).add(error.column)
    assert by_line[2] == {
        "child_date_of_birth",
        "reported_missing_at",  # 01:30 on 29 March 2026 does not exist in UK time
        "reported_by",
        "risk_level",
        "risk_reason",
        "intoxicated",
    }
    assert by_line[3] == {"returned_at"}  # before the report
    assert by_line[4] == {"external_reference"}  # duplicate of line 3's reference
    assert parsed.row_count == 3


def test_missing_and_unknown_columns_are_reported_by_name() -> None:
    parsed = parse_export("external_reference,colour\nX,red\n", premises_types=PREMISES, now=NOW)
    messages = {(e.column.split(", ")[0], e.message) for e in parsed.errors}
    assert ("child_given_names", "Required column missing") in messages
    assert ("colour", "Unknown column (see the list of columns)") in messages
    assert parse_export("", premises_types=PREMISES, now=NOW).errors[0].line == 1


def test_the_documented_columns_cover_the_parser() -> None:
    assert len(COLUMN_NAMES) == len(set(COLUMN_NAMES))
    assert "external_reference" in COLUMN_NAMES


def test_an_ambiguous_autumn_time_reads_as_bst_and_a_skipped_one_is_refused() -> None:
    assert parse_uk_local("2026-10-25 01:30").utcoffset() == timedelta(hours=1)
    with pytest.raises(ValueError, match="clocks went forward"):
        parse_uk_local("2026-03-29 01:30")


@given(
    st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2040, 12, 31),
    )
)
def test_a_printed_uk_time_parses_back_to_the_same_wall_clock(moment: datetime) -> None:
    text = moment.strftime("%d/%m/%Y %H:%M")
    try:
        parsed = parse_uk_local(text)
    except ValueError:
        # Only the hour skipped in spring may be refused.
        local = moment.replace(second=0, microsecond=0, tzinfo=LONDON)
        assert local.astimezone(UTC).astimezone(LONDON).replace(tzinfo=None) != local.replace(
            tzinfo=None
        )
        return
    assert parsed.replace(tzinfo=None) == moment.replace(second=0, microsecond=0)
