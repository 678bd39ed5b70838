"""Dates and ages. The one place an age is computed (DOMAIN.md: ages on the date of the event)."""

from __future__ import annotations

from datetime import date


def age_on(date_of_birth: date, on: date) -> int:
    """Whole years of age on `on`. A person reaches an age on their birthday; someone born on
    29 February reaches it on 1 March in a common year (Family Law Reform Act 1969 s9 reckons a
    birthday at the start of the day; 28 Feb vs 1 Mar follows the common-law reading)."""
    if on < date_of_birth:
        raise ValueError("date of birth is after the date the age is wanted for")
    years = on.year - date_of_birth.year
    if (on.month, on.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def parse_iso_date(value: object, field: str) -> date:
    """Parse a YYYY-MM-DD string, raising ValueError that names `field`."""
    if not isinstance(value, str):
        raise ValueError(f"{field}: expected a date as YYYY-MM-DD")
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{field}: {value!r} is not a valid date (YYYY-MM-DD)") from None
    if len(value) != 10:
        raise ValueError(f"{field}: {value!r} is not a valid date (YYYY-MM-DD)")
    return parsed
