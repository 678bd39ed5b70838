"""Guest rows of a hotel return (ASBCPA 2014 s116): the one place a row from the web form, a
CSV file or the API is checked. A file is all-or-nothing: every row is checked and every
problem reported with its row number before anything is saved."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from vigil.core.disruption import ReturnPeriod
from vigil.core.identifiers import format_postcode, format_vrm, is_valid_postcode, normalise_vrm

CSV_COLUMNS = [
    "guest_name",
    "address",
    "town",
    "postcode",
    "arrived_on",
    "departed_on",
    "room",
    "booked_by",
    "vehicle_registration",
    "notes",
]
REQUIRED_COLUMNS = ["guest_name", "address", "town", "arrived_on"]
MAX_ROWS = 2000
MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class GuestRow:
    guest_name: str
    address: str
    town: str
    postcode: str
    arrived_on: date
    departed_on: date | None
    room: str
    booked_by: str
    vehicle_registration: str
    notes: str


@dataclass
class RowProblems:
    """Problems by field for one row (row 1 is the first guest)."""

    row: int
    errors: dict[str, str] = field(default_factory=dict)

    def messages(self) -> list[str]:
        return [f"Row {self.row}: {message}" for message in self.errors.values()]


def _date(value: str) -> date | None:
    text = value.strip()
    for parse in (date.fromisoformat, _uk_date):
        try:
            return parse(text)
        except ValueError:
            continue
    raise ValueError(text)


def _uk_date(text: str) -> date:
    day, month, year = (int(part) for part in text.replace("-", "/").split("/"))
    if year < 1000:
        raise ValueError(text)
    return date(year, month, day)


def clean_guest(raw: dict[str, Any], period: ReturnPeriod, row: int) -> GuestRow | RowProblems:
    """One guest's details, checked against the return's period."""
    text = {name: str(raw.get(name) or "").strip() for name in CSV_COLUMNS}
    problems = RowProblems(row=row)
    name = " ".join(text["guest_name"].split())
    if len(name.split(" ")) < 2:
        problems.errors["guest_name"] = "Enter the guest's full name, like Jane Smith"
    elif len(name) > 200:
        problems.errors["guest_name"] = "The guest's name must be 200 characters or fewer"
    if not text["address"]:
        problems.errors["address"] = "Enter the guest's address"
    if not text["town"]:
        problems.errors["town"] = "Enter the guest's town or city"
    postcode = text["postcode"]
    if postcode and not is_valid_postcode(postcode):
        problems.errors["postcode"] = (
            "Enter a real UK postcode, like NE1 1AA, or leave it blank for an address abroad"
        )
    arrived = departed = None
    try:
        arrived = _date(text["arrived_on"]) if text["arrived_on"] else None
        if arrived is None:
            problems.errors["arrived_on"] = "Enter the date the guest arrived"
    except ValueError:
        problems.errors["arrived_on"] = "Arrival date must be a real date, like 2026-03-14"
    try:
        departed = _date(text["departed_on"]) if text["departed_on"] else None
    except ValueError:
        problems.errors["departed_on"] = "Departure date must be a real date, like 2026-03-15"
    if arrived and departed and departed < arrived:
        problems.errors["departed_on"] = "Departure must be on or after arrival"
    if arrived and (arrived > period.end or (departed and departed < period.start)):
        problems.errors["arrived_on"] = (
            f"The stay must fall in the return's period, {period.start:%d %B %Y} to "
            f"{period.end:%d %B %Y}"
        )
    vrm = text["vehicle_registration"]
    if vrm and not 2 <= len(normalise_vrm(vrm)) <= 10:  # foreign marks too
        problems.errors["vehicle_registration"] = "Enter a vehicle registration like AB12 CDE"
    for name_, limit in (("room", 20), ("booked_by", 200), ("address", 300), ("town", 100)):
        if len(text[name_]) > limit:
            problems.errors[name_] = f"{name_.replace('_', ' ').capitalize()} is too long"
    if problems.errors:
        return problems
    assert arrived is not None
    return GuestRow(
        guest_name=name,
        address=text["address"],
        town=text["town"],
        postcode=format_postcode(postcode) if postcode else "",
        arrived_on=arrived,
        departed_on=departed,
        room=text["room"],
        booked_by=text["booked_by"],
        vehicle_registration=format_vrm(normalise_vrm(vrm)) if vrm else "",
        notes=text["notes"],
    )


def read_csv(data: bytes) -> list[dict[str, str]]:
    """The file's rows as dicts keyed by column. Raises ValueError saying what is wrong with
    the file as a whole (encoding, header, size)."""
    if len(data) > MAX_BYTES:
        raise ValueError("The file must be smaller than 1 MB: split it into several returns")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError("The file must be a CSV file saved as UTF-8") from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValueError(
            "The first row must name the columns; missing: "
            + ", ".join(missing)
            + f" (columns: {', '.join(CSV_COLUMNS)})"
        )
    unknown = [name for name in header if name and name not in CSV_COLUMNS]
    if unknown:
        raise ValueError(f"Unknown column: {', '.join(unknown)}")
    rows: list[dict[str, str]] = []
    for raw in reader:
        if None in raw:
            raise ValueError(f"Row {len(rows) + 1} has more values than there are columns")
        row = {(key or "").strip().lower(): (value or "") for key, value in raw.items()}
        if any(value.strip() for value in row.values()):
            rows.append(row)
        if len(rows) > MAX_ROWS:
            raise ValueError(f"A file may hold at most {MAX_ROWS} guests")
    return rows


def template_csv() -> str:
    """An example file for operators to fill in."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    writer.writerow(
        [
            "Jane Example",
            "1 Example Street",
            "Northam",
            "NE1 1AA",
            "2026-03-14",
            "2026-03-15",
            "12",
            "Jane Example",
            "AB12 CDE",
            "",
        ]
    )
    return buffer.getvalue()
