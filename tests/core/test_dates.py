from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vigil.core.dates import age_on, parse_iso_date


@pytest.mark.parametrize(
    ("dob", "on", "expected"),
    [
        (date(2010, 5, 10), date(2023, 5, 9), 12),
        (date(2010, 5, 10), date(2023, 5, 10), 13),
        (date(2008, 2, 29), date(2026, 2, 28), 17),
        (date(2008, 2, 29), date(2026, 3, 1), 18),
        (date(2008, 2, 29), date(2024, 2, 29), 16),
    ],
)
def test_age_on_birthday_boundaries(dob, on, expected):
    assert age_on(dob, on) == expected


def test_age_on_refuses_date_before_birth():
    with pytest.raises(ValueError):
        age_on(date(2010, 1, 2), date(2010, 1, 1))


@given(st.dates(max_value=date(2100, 1, 1)), st.integers(min_value=0, max_value=30000))
def test_age_never_decreases(dob, days):
    from datetime import timedelta

    later = dob + timedelta(days=days)
    assert age_on(dob, later) <= age_on(dob, later + timedelta(days=1))


@pytest.mark.parametrize("bad", ["2020-13-01", "2020-1-1", "yesterday", 20200101, None])
def test_parse_iso_date_names_field(bad):
    with pytest.raises(ValueError, match="incident_date"):
        parse_iso_date(bad, "incident_date")
