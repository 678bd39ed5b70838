"""Rules of the disruption tools (DOMAIN.md "Disruption tools"), as pure functions over policy
data in policy/disruption.json: who may issue a hotel information notice and for how long, who
a child abduction warning notice can protect, how long SHPO and SRO prohibitions must (or may)
last, the 72-hour police protection limit, and the dates that follow from them.

Periods use the corresponding-date rule (Dodds v Walker [1981] 1 WLR 1027, HL): a period of
N months from the 31st ends on the last day of a shorter month. The date a child reaches an age
follows `vigil.core.dates.age_on`, the one age function.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

from dateutil.relativedelta import relativedelta

from vigil.core.dates import age_on, parse_iso_date
from vigil.core.policy import load_policy

OrderKind = Literal["shpo", "sro"]
ReturnState = Literal["upcoming", "due", "on_time", "late", "missing"]


@dataclass(frozen=True)
class Problem:
    """A rule the proposed notice or order breaks, named by the field it concerns."""

    field: str
    message: str

    def to_json(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message}


def policy() -> dict[str, Any]:
    return load_policy("disruption")


# --- Dates ------------------------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """The corresponding date `months` calendar months on (31 Aug + 6 months = 28/29 Feb)."""
    result: date = day + relativedelta(months=months)
    return result


def add_years(day: date, years: int) -> date:
    """The corresponding date `years` years on (29 Feb + 1 year = 28 Feb)."""
    result: date = day + relativedelta(years=years)
    return result


def date_reaching_age(date_of_birth: date, years: int) -> date:
    """The first day on which `age_on(date_of_birth, day) == years` (a 29 February birthday
    is reached on 1 March in a common year, as `age_on` reads it)."""
    try:
        return date_of_birth.replace(year=date_of_birth.year + years)
    except ValueError:
        return date(date_of_birth.year + years, 3, 1)


def due_soon(ends_on: date | None, today: date, days: int | None = None) -> bool:
    """Ends (or falls due) from today up to `days` ahead (policy: alerts.due_soon_days)."""
    if ends_on is None:
        return False
    window = policy()["alerts"]["due_soon_days"] if days is None else days
    return today <= ends_on <= today + timedelta(days=window)


# --- Ranks ------------------------------------------------------------------------------------


def known_ranks() -> list[str]:
    levels: dict[str, int] = policy()["ranks"]["levels"]
    return sorted(levels, key=lambda rank: (levels[rank], rank))


def rank_level(rank: str) -> int | None:
    """The rank's place in the order (constable 1), or None for no or an unknown rank."""
    level = policy()["ranks"]["levels"].get(rank)
    return None if level is None else int(level)


def rank_at_least(rank: str, minimum: str) -> bool:
    level, needed = rank_level(rank), rank_level(minimum)
    if needed is None:
        raise ValueError(f"unknown rank {minimum!r} in policy")
    return level is not None and level >= needed


def rank_label(rank: str) -> str:
    return rank.replace("_", " ").capitalize() if rank else "no police rank"


# --- Child abduction warning notices ----------------------------------------------------------


def cawn_age_limit(child_in_care: bool) -> int:
    rules = policy()["cawn"]
    return int(rules["max_age_in_care"] if child_in_care else rules["max_age_at_home"])


def cawn_problems(
    *, child_date_of_birth: date | None, child_in_care: bool, issued_on: date
) -> list[Problem]:
    """A CAWN protects a child under 16 living at home (Child Abduction Act 1984 s2) or under
    18 in local-authority care (Children Act 1989 s49), on the day it is issued."""
    if child_date_of_birth is None:
        return [
            Problem(
                "child_date_of_birth",
                "Record the child's date of birth: a warning notice can only protect a child "
                "under 16, or under 18 in local-authority care",
            )
        ]
    if child_date_of_birth > issued_on:
        return [Problem("child_date_of_birth", "The child's date of birth is after the issue date")]
    age = age_on(child_date_of_birth, issued_on)
    limit = cawn_age_limit(child_in_care)
    if age < limit:
        return []
    if child_in_care:
        message = (
            f"The child is {age} on the issue date: a warning notice can only protect a child "
            "in local-authority care who is under 18 (Children Act 1989 s49)"
        )
    elif age < cawn_age_limit(True):
        message = (
            f"The child is {age} on the issue date: for a child living at home the child must "
            "be under 16 (Child Abduction Act 1984 s2); a child of 16 or 17 qualifies only if "
            "in local-authority care"
        )
    else:
        message = f"The child is {age} on the issue date: a warning notice cannot be issued"
    return [Problem("child_date_of_birth", message)]


def cawn_ends_on(child_date_of_birth: date, child_in_care: bool) -> date:
    """The day the notice stops protecting the child: their 16th (18th in care) birthday."""
    return date_reaching_age(child_date_of_birth, cawn_age_limit(child_in_care))


def cawn_review_on(issued_on: date, ends_on: date) -> date:
    """The first review (local practice: policy cawn.review_months), not after the end."""
    return min(add_months(issued_on, policy()["cawn"]["review_months"]), ends_on)


# --- Sexual harm prevention orders and sexual risk orders ------------------------------------


@dataclass(frozen=True)
class ProhibitionTerm:
    """One prohibition's type and end: `until=None` means until further order."""

    type: Literal["general", "foreign_travel"]
    until: date | None


def order_rules(kind: str) -> dict[str, Any]:
    rules: dict[str, Any] | None = policy()["orders"].get(kind)
    if rules is None:
        raise ValueError(f"unknown order kind {kind!r}")
    return rules


def prohibition_problems(
    kind: str, runs_from: date, prohibitions: Sequence[ProhibitionTerm]
) -> list[Problem]:
    """Each prohibition's period from `runs_from` (the date the order was made, varied or
    renewed): SHPO at least 5 years or until further order (Sentencing Act 2020 s347), SRO at
    least 2 years (SOA 2003 s122A(7)); a foreign-travel prohibition is a fixed period of at
    most 5 years (SA 2020 s348, SOA 2003 s122C)."""
    rules = order_rules(kind)
    problems: list[Problem] = []
    for index, term in enumerate(prohibitions):
        name = f"prohibitions[{index}].until"
        if term.type == "foreign_travel":
            latest = add_years(runs_from, rules["foreign_travel_max_years"])
            if term.until is None:
                problems.append(
                    Problem(
                        name,
                        "A foreign-travel prohibition must be for a fixed period, not until "
                        f"further order (at most {rules['foreign_travel_max_years']} years; "
                        "it can be renewed)",
                    )
                )
            elif term.until <= runs_from:
                problems.append(Problem(name, "The prohibition must end after it starts"))
            elif term.until > latest:
                problems.append(
                    Problem(
                        name,
                        "A foreign-travel prohibition may last at most "
                        f"{rules['foreign_travel_max_years']} years: end it on or before "
                        f"{latest:%d %B %Y} (it can be renewed)",
                    )
                )
        else:
            earliest = add_years(runs_from, rules["min_years"])
            if term.until is not None and term.until < earliest:
                problems.append(
                    Problem(
                        name,
                        f"A {rules['label'].lower()} prohibition must last at least "
                        f"{rules['min_years']} years (until {earliest:%d %B %Y} or later) or "
                        "until further order",
                    )
                )
    return problems


# --- Hotel information notices ----------------------------------------------------------------


def hotel_rules() -> dict[str, Any]:
    rules: dict[str, Any] = policy()["hotel_notice"]
    return rules


def hotel_latest_end(issued_on: date) -> date:
    """The latest day a notice issued on `issued_on` may run to (ASBCPA 2014 s116: at most
    6 months; a further notice may follow)."""
    return add_months(issued_on, hotel_rules()["max_period_months"])


def appeal_deadline(served_on: date) -> date:
    """The last day to appeal to a magistrates' court (ASBCPA 2014 s117: 21 days)."""
    return served_on + timedelta(days=hotel_rules()["appeal_days"])


def hotel_notice_problems(
    *,
    issuing_officer_rank: str,
    issued_on: date,
    period_end: date,
    premises_type: str,
    information_required: Iterable[str],
    frequency: str,
) -> list[Problem]:
    rules = hotel_rules()
    problems: list[Problem] = []
    minimum = rules["minimum_rank"]
    if not rank_at_least(issuing_officer_rank, minimum):
        problems.append(
            Problem(
                "issuing_officer_rank",
                f"A hotel information notice must be issued by an officer of at least "
                f"{rank_label(minimum).lower()} rank (ASBCPA 2014 s116); "
                + (
                    f"the issuing officer's rank is {rank_label(issuing_officer_rank).lower()}"
                    if issuing_officer_rank
                    else "the issuing officer has no police rank recorded"
                ),
            )
        )
    latest = hotel_latest_end(issued_on)
    if period_end <= issued_on:
        problems.append(Problem("period_end", "The notice's period must end after it is issued"))
    elif period_end > latest:
        problems.append(
            Problem(
                "period_end",
                f"The notice may last at most {rules['max_period_months']} months: end it on or "
                f"before {latest:%d %B %Y} (a further notice may follow, ASBCPA 2014 s116)",
            )
        )
    if premises_type not in rules["premises_types"]:
        problems.append(
            Problem(
                "premises_type",
                "A hotel information notice is for a hotel, B&B, guest house or similar "
                "premises providing lodging",
            )
        )
    chosen = set(information_required)
    missing = [item for item in rules["required_information"] if item not in chosen]
    if missing:
        labels = [rules["information_items"][item].lower() for item in missing]
        problems.append(
            Problem(
                "information_required",
                f"The notice must require at least the {' and '.join(labels)} (ASBCPA 2014 s116)",
            )
        )
    if frequency not in rules["frequencies"]:
        problems.append(Problem("frequency", "Choose how often returns are due"))
    return problems


@dataclass(frozen=True)
class ReturnPeriod:
    """The guests of `start`..`end` (inclusive), to be returned by `due_on`."""

    start: date
    end: date
    due_on: date


def return_periods(starts_on: date, ends_on: date, frequency: str) -> list[ReturnPeriod]:
    """The notice's return periods: one per `frequency` from `starts_on`, the last cut short at
    `ends_on`; each due a fixed number of days after it ends (policy)."""
    spec = hotel_rules()["frequencies"][frequency]
    grace = timedelta(days=hotel_rules()["return_due_days_after_period"])
    periods: list[ReturnPeriod] = []
    start = starts_on
    step = 0
    while start <= ends_on:
        step += 1
        if "months" in spec:
            next_start = add_months(starts_on, spec["months"] * step)
        else:
            next_start = starts_on + timedelta(days=spec["days"] * step)
        end = min(next_start - timedelta(days=1), ends_on)
        periods.append(ReturnPeriod(start=start, end=end, due_on=end + grace))
        start = next_start
    return periods


def return_state(period: ReturnPeriod, submitted_on: date | None, today: date) -> ReturnState:
    """On time, late or missing (or not yet due) for one period's return."""
    if submitted_on is not None:
        return "on_time" if submitted_on <= period.due_on else "late"
    if today > period.due_on:
        return "missing"
    return "due" if today > period.end else "upcoming"


# --- Harassment warnings, civil injunctions and community protection notices ----------------


def warning_problems(
    *,
    kind: str,
    issued_on: date,
    expires_on: date | None,
    subject_date_of_birth: date | None,
    written_warning_on: date | None,
) -> list[Problem]:
    rules = policy()["warnings"].get(kind)
    if rules is None:
        raise ValueError(f"unknown warning kind {kind!r}")
    problems: list[Problem] = []
    if expires_on is not None and expires_on <= issued_on:
        problems.append(Problem("expires_on", "The end date must be after the issue date"))
    if (
        kind == "civil_injunction"
        and subject_date_of_birth is not None
        and subject_date_of_birth <= issued_on
        and age_on(subject_date_of_birth, issued_on) < 18
    ):
        # ASBCPA 2014 s1(6): for a respondent under 18, at most 12 months.
        latest = add_months(issued_on, rules["under_18_max_months"])
        if expires_on is None or expires_on > latest:
            problems.append(
                Problem(
                    "expires_on",
                    "The respondent is under 18: the injunction may last at most "
                    f"{rules['under_18_max_months']} months (end it on or before "
                    f"{latest:%d %B %Y}, ASBCPA 2014 s1(6))",
                )
            )
    if kind == "community_protection_notice" and rules.get("needs_prior_written_warning"):
        if written_warning_on is None:
            problems.append(
                Problem(
                    "written_warning_on",
                    "Enter the date of the written warning: a community protection notice can "
                    "only follow one (ASBCPA 2014 s43(5))",
                )
            )
        elif written_warning_on >= issued_on:
            problems.append(
                Problem(
                    "written_warning_on",
                    "The written warning must come before the notice, with time to comply "
                    "(ASBCPA 2014 s43(5))",
                )
            )
    return problems


# --- Police protection ------------------------------------------------------------------------


def police_protection_deadline(taken_at: datetime) -> datetime:
    """The moment police protection must end (Children Act 1989 s46(6): 72 hours)."""
    return taken_at + timedelta(hours=policy()["police_protection"]["max_hours"])


@dataclass(frozen=True)
class TimeLeft:
    hours: int
    minutes: int
    passed: bool

    @property
    def text(self) -> str:
        def unit(count: int, name: str) -> str:
            return f"{count} {name}{'' if count == 1 else 's'}"

        span = f"{unit(self.hours, 'hour')} {unit(self.minutes, 'minute')}"
        return f"Limit passed {span} ago" if self.passed else f"{span} left"


def time_left(deadline: datetime, now: datetime) -> TimeLeft:
    """Whole hours and minutes to (or since) the deadline, rounded down to the minute."""
    seconds = int((deadline - now).total_seconds())
    passed = seconds < 0
    minutes_total = abs(seconds) // 60
    return TimeLeft(hours=minutes_total // 60, minutes=minutes_total % 60, passed=passed)


# --- `vigil notice check --json` --------------------------------------------------------------


def _require(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], what: str) -> Any:
    if key not in obj:
        raise ValueError(f"{key}: missing")
    value = obj[key]
    if not isinstance(value, kind) or (kind is not bool and isinstance(value, bool)):
        raise ValueError(f"{key}: expected {what}")
    return value


def check_notice_request(obj: object) -> dict[str, Any]:
    """Check a proposed notice or order. Malformed input raises ValueError naming the field;
    rule failures are returned as problems: {"valid": bool, "problems": [{field, message}]}."""
    if not isinstance(obj, dict):
        raise ValueError("input: expected a JSON object")
    kind = _require(obj, "kind", str, "one of hotel, cawn, shpo, sro")
    if kind == "hotel":
        rank = _require(obj, "issuing_officer_rank", str, "a rank like 'inspector'")
        if rank not in policy()["ranks"]["levels"]:
            raise ValueError(
                f"issuing_officer_rank: {rank!r} is not a rank ({', '.join(known_ranks())})"
            )
        items = _require(obj, "information_required", list, "a list of information items")
        known_items = hotel_rules()["information_items"]
        for index, item in enumerate(items):
            if item not in known_items:
                raise ValueError(
                    f"information_required[{index}]: {item!r} is not one of "
                    f"{', '.join(known_items)}"
                )
        frequency = _require(obj, "frequency", str, "daily, weekly, fortnightly or monthly")
        if frequency not in hotel_rules()["frequencies"]:
            raise ValueError(
                f"frequency: {frequency!r} is not one of {', '.join(hotel_rules()['frequencies'])}"
            )
        problems = hotel_notice_problems(
            issuing_officer_rank=rank,
            issued_on=parse_iso_date(obj.get("issued_on"), "issued_on"),
            period_end=parse_iso_date(obj.get("period_end"), "period_end"),
            premises_type=_require(obj, "premises_type", str, "a premises type like 'hotel'"),
            information_required=items,
            frequency=frequency,
        )
    elif kind == "cawn":
        problems = cawn_problems(
            child_date_of_birth=parse_iso_date(
                obj.get("child_date_of_birth"), "child_date_of_birth"
            ),
            child_in_care=_require(obj, "child_in_care", bool, "true or false"),
            issued_on=parse_iso_date(obj.get("issued_on"), "issued_on"),
        )
    elif kind in ("shpo", "sro"):
        made_on = parse_iso_date(obj.get("made_on"), "made_on")
        raw = _require(obj, "prohibitions", list, "a list of prohibitions")
        terms = []
        for index, item in enumerate(raw):
            name = f"prohibitions[{index}]"
            if not isinstance(item, dict):
                raise ValueError(f"{name}: expected an object with type and until")
            kind_of = item.get("type")
            if kind_of not in ("general", "foreign_travel"):
                raise ValueError(f"{name}.type: expected 'general' or 'foreign_travel'")
            until = item.get("until")
            terms.append(
                ProhibitionTerm(
                    type=kind_of,
                    until=None
                    if until == "further_order"
                    else parse_iso_date(until, f"{name}.until"),
                )
            )
        problems = prohibition_problems(kind, made_on, terms)
    else:
        raise ValueError(f"kind: {kind!r} is not one of hotel, cawn, shpo, sro")
    return {"valid": not problems, "problems": [problem.to_json() for problem in problems]}
