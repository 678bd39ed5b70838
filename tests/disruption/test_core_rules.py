"""The disruption rules (vigil.core.disruption), without Django: every boundary of the law's
periods, ages and ranks, and hypothesis over the date arithmetic."""

from __future__ import annotations

import itertools
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.dates import age_on
from vigil.core.disruption import (
    ProhibitionTerm,
    add_months,
    appeal_deadline,
    cawn_ends_on,
    cawn_problems,
    cawn_review_on,
    date_reaching_age,
    due_soon,
    hotel_latest_end,
    hotel_notice_problems,
    police_protection_deadline,
    prohibition_problems,
    rank_at_least,
    return_periods,
    return_state,
    time_left,
    warning_problems,
)

dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))


# --- Ranks ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rank", "allowed"),
    [
        ("", False),
        ("constable", False),
        ("sergeant", False),
        ("inspector", True),
        ("chief_inspector", True),
        ("chief_superintendent", True),
        ("commander", True),
        ("commissioner", True),
        ("chief_constable", True),
        ("special_constable", False),
    ],
)
def test_inspector_or_above(rank: str, allowed: bool) -> None:
    assert rank_at_least(rank, "inspector") is allowed


# --- CAWN eligibility -------------------------------------------------------------------------


def test_cawn_child_at_home_must_be_under_16() -> None:
    dob = date(2010, 5, 20)
    assert not cawn_problems(
        child_date_of_birth=dob, child_in_care=False, issued_on=date(2026, 5, 19)
    )
    problems = cawn_problems(
        child_date_of_birth=dob, child_in_care=False, issued_on=date(2026, 5, 20)
    )
    assert [p.field for p in problems] == ["child_date_of_birth"]
    assert "under 16" in problems[0].message and "in local-authority care" in problems[0].message


def test_cawn_child_in_care_may_be_16_or_17_but_not_18() -> None:
    dob = date(2008, 5, 20)
    assert not cawn_problems(
        child_date_of_birth=dob, child_in_care=True, issued_on=date(2026, 5, 19)
    )
    assert cawn_problems(child_date_of_birth=dob, child_in_care=True, issued_on=date(2026, 5, 20))


def test_cawn_needs_a_date_of_birth_before_the_issue_date() -> None:
    assert cawn_problems(child_date_of_birth=None, child_in_care=False, issued_on=date(2026, 1, 1))
    assert cawn_problems(
        child_date_of_birth=date(2026, 1, 2), child_in_care=False, issued_on=date(2026, 1, 1)
    )


@given(dob=dates, issued=dates, in_care=st.booleans())
def test_cawn_eligibility_is_the_age_rule(dob: date, issued: date, in_care: bool) -> None:
    problems = cawn_problems(child_date_of_birth=dob, child_in_care=in_care, issued_on=issued)
    if dob > issued:
        assert problems
    else:
        assert (not problems) == (age_on(dob, issued) < (18 if in_care else 16))


@given(dob=dates, in_care=st.booleans())
def test_cawn_ends_the_day_the_child_reaches_the_age_limit(dob: date, in_care: bool) -> None:
    ends = cawn_ends_on(dob, in_care)
    limit = 18 if in_care else 16
    assert age_on(dob, ends) == limit
    assert age_on(dob, ends - timedelta(days=1)) == limit - 1
    # Eligible the day before the end, not on it.
    assert not cawn_problems(
        child_date_of_birth=dob, child_in_care=in_care, issued_on=ends - timedelta(days=1)
    )
    assert cawn_problems(child_date_of_birth=dob, child_in_care=in_care, issued_on=ends)


def test_29_february_child_reaches_16_on_1_march() -> None:
    assert date_reaching_age(date(2012, 2, 29), 16) == date(2028, 2, 29)
    assert date_reaching_age(date(2012, 2, 29), 17) == date(2029, 3, 1)


def test_cawn_review_is_six_months_on_but_never_after_the_end() -> None:
    assert cawn_review_on(date(2026, 1, 31), date(2030, 1, 1)) == date(2026, 7, 31)
    assert cawn_review_on(date(2026, 1, 31), date(2026, 3, 1)) == date(2026, 3, 1)


# --- SHPO and SRO prohibitions ----------------------------------------------------------------


MADE = date(2026, 3, 10)


@pytest.mark.parametrize(
    ("kind", "until", "ok"),
    [
        ("shpo", date(2031, 3, 10), True),
        ("shpo", date(2031, 3, 9), False),
        ("shpo", None, True),
        ("sro", date(2028, 3, 10), True),
        ("sro", date(2028, 3, 9), False),
        ("sro", None, True),
    ],
)
def test_general_prohibition_minimum(kind: str, until: date | None, ok: bool) -> None:
    problems = prohibition_problems(kind, MADE, [ProhibitionTerm("general", until)])
    assert (problems == []) is ok
    if not ok:
        assert problems[0].field == "prohibitions[0].until"
        assert "until further order" in problems[0].message


@pytest.mark.parametrize("kind", ["shpo", "sro"])
@pytest.mark.parametrize(
    ("until", "ok"),
    [
        (date(2031, 3, 10), True),
        (date(2031, 3, 11), False),
        (date(2026, 3, 11), True),
        (date(2026, 3, 10), False),
        (None, False),
    ],
)
def test_foreign_travel_at_most_five_years_and_fixed(
    kind: str, until: date | None, ok: bool
) -> None:
    problems = prohibition_problems(kind, MADE, [ProhibitionTerm("foreign_travel", until)])
    assert (problems == []) is ok


def test_each_prohibition_is_checked_on_its_own() -> None:
    problems = prohibition_problems(
        "shpo",
        MADE,
        [
            ProhibitionTerm("general", None),
            ProhibitionTerm("general", date(2027, 1, 1)),
            ProhibitionTerm("foreign_travel", date(2035, 1, 1)),
        ],
    )
    assert [p.field for p in problems] == ["prohibitions[1].until", "prohibitions[2].until"]


def test_unknown_order_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown order kind"):
        prohibition_problems("asbo", MADE, [])


# --- Hotel information notices ----------------------------------------------------------------


def hotel(**overrides: object) -> list[str]:
    fields: dict[str, object] = {
        "issuing_officer_rank": "inspector",
        "issued_on": date(2026, 1, 15),
        "period_end": date(2026, 7, 15),
        "premises_type": "hotel",
        "information_required": ["guest_names", "guest_addresses", "room"],
        "frequency": "weekly",
    }
    fields.update(overrides)
    return [p.field for p in hotel_notice_problems(**fields)]  # type: ignore[arg-type]


def test_hotel_notice_valid_at_the_limits() -> None:
    assert hotel() == []
    assert hotel(premises_type="bed_and_breakfast", issuing_officer_rank="chief_constable") == []


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"issuing_officer_rank": "sergeant"}, "issuing_officer_rank"),
        ({"issuing_officer_rank": ""}, "issuing_officer_rank"),
        ({"period_end": date(2026, 7, 16)}, "period_end"),
        ({"period_end": date(2026, 1, 15)}, "period_end"),
        ({"premises_type": "takeaway"}, "premises_type"),
        ({"information_required": ["guest_names"]}, "information_required"),
        ({"frequency": "hourly"}, "frequency"),
    ],
)
def test_hotel_notice_rules(overrides: dict[str, object], field: str) -> None:
    assert hotel(**overrides) == [field]


def test_six_months_from_31_august_ends_in_february() -> None:
    assert hotel_latest_end(date(2025, 8, 31)) == date(2026, 2, 28)
    assert hotel_latest_end(date(2027, 8, 31)) == date(2028, 2, 29)


@given(issued=dates)
def test_latest_end_is_valid_and_one_day_later_is_not(issued: date) -> None:
    latest = hotel_latest_end(issued)
    assert hotel(issued_on=issued, period_end=latest) == []
    assert hotel(issued_on=issued, period_end=latest + timedelta(days=1)) == ["period_end"]


def test_appeal_window_is_21_days_from_service() -> None:
    assert appeal_deadline(date(2026, 1, 15)) == date(2026, 2, 5)


def test_weekly_return_periods_cover_the_notice_exactly() -> None:
    periods = return_periods(date(2026, 1, 15), date(2026, 2, 3), "weekly")
    assert [(p.start, p.end, p.due_on) for p in periods] == [
        (date(2026, 1, 15), date(2026, 1, 21), date(2026, 1, 23)),
        (date(2026, 1, 22), date(2026, 1, 28), date(2026, 1, 30)),
        (date(2026, 1, 29), date(2026, 2, 3), date(2026, 2, 5)),
    ]


@given(
    start=dates,
    days=st.integers(min_value=0, max_value=190),
    frequency=st.sampled_from(["daily", "weekly", "fortnightly", "monthly"]),
)
def test_return_periods_tile_the_notice(start: date, days: int, frequency: str) -> None:
    end = start + timedelta(days=days)
    periods = return_periods(start, end, frequency)
    assert periods[0].start == start and periods[-1].end == end
    for before, after in itertools.pairwise(periods):
        assert after.start == before.end + timedelta(days=1)
    assert all(p.start <= p.end < p.due_on for p in periods)


def test_monthly_periods_follow_calendar_months() -> None:
    periods = return_periods(date(2026, 1, 31), date(2026, 4, 30), "monthly")
    assert [p.end for p in periods] == [
        date(2026, 2, 27),
        date(2026, 3, 30),
        date(2026, 4, 29),
        date(2026, 4, 30),  # a last period cut short at the notice's end
    ]
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)


def test_return_states() -> None:
    period = return_periods(date(2026, 1, 1), date(2026, 1, 7), "weekly")[0]
    assert period.due_on == date(2026, 1, 9)
    assert return_state(period, None, date(2026, 1, 5)) == "upcoming"
    assert return_state(period, None, date(2026, 1, 8)) == "due"
    assert return_state(period, None, date(2026, 1, 9)) == "due"
    assert return_state(period, None, date(2026, 1, 10)) == "missing"
    assert return_state(period, date(2026, 1, 9), date(2026, 2, 1)) == "on_time"
    assert return_state(period, date(2026, 1, 10), date(2026, 2, 1)) == "late"


# --- Warnings and injunctions -----------------------------------------------------------------


def test_community_protection_notice_needs_an_earlier_written_warning() -> None:
    def fields(warned: date | None) -> list[str]:
        return [
            p.field
            for p in warning_problems(
                kind="community_protection_notice",
                issued_on=date(2026, 2, 1),
                expires_on=None,
                subject_date_of_birth=None,
                written_warning_on=warned,
            )
        ]

    assert fields(None) == ["written_warning_on"]
    assert fields(date(2026, 2, 1)) == ["written_warning_on"]
    assert fields(date(2026, 1, 20)) == []


def test_civil_injunction_against_a_child_lasts_at_most_12_months() -> None:
    def fields(expires: date | None, dob: date) -> list[str]:
        return [
            p.field
            for p in warning_problems(
                kind="civil_injunction",
                issued_on=date(2026, 2, 1),
                expires_on=expires,
                subject_date_of_birth=dob,
                written_warning_on=None,
            )
        ]

    child, adult = date(2010, 1, 1), date(1990, 1, 1)
    assert fields(date(2027, 2, 1), child) == []
    assert fields(date(2027, 2, 2), child) == ["expires_on"]
    assert fields(None, child) == ["expires_on"]
    assert fields(None, adult) == []
    assert fields(date(2026, 1, 1), adult) == ["expires_on"]


# --- Police protection and alerts -------------------------------------------------------------


def test_police_protection_ends_72_hours_after_it_starts() -> None:
    taken = datetime(2026, 3, 1, 22, 15, tzinfo=UTC)
    deadline = police_protection_deadline(taken)
    assert deadline == datetime(2026, 3, 4, 22, 15, tzinfo=UTC)
    assert time_left(deadline, taken).text == "72 hours 0 minutes left"
    assert time_left(deadline, taken + timedelta(hours=70, seconds=59)).text == (
        "1 hour 59 minutes left"
    )
    assert time_left(deadline, deadline + timedelta(minutes=61)).text == (
        "Limit passed 1 hour 1 minute ago"
    )


@given(seconds=st.integers(min_value=-(10**7), max_value=10**7))
def test_time_left_adds_back_up(seconds: int) -> None:
    now = datetime(2026, 1, 1, tzinfo=UTC)
    left = time_left(now + timedelta(seconds=seconds), now)
    total = (left.hours * 60 + left.minutes) * 60
    assert left.passed == (seconds < 0)
    assert 0 <= abs(seconds) - total < 60


def test_due_soon_window_is_30_days() -> None:
    today = date(2026, 1, 1)
    assert due_soon(date(2026, 1, 31), today)
    assert not due_soon(date(2026, 2, 1), today)
    assert not due_soon(date(2025, 12, 31), today)
    assert not due_soon(None, today)
