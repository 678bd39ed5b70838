"""Write the synthetic area to files, batch by batch, without a database (`vigil generate`).

DIR/people.jsonl, names.jsonl, identifiers.jsonl, objects.jsonl, locations.jsonl,
    links.jsonl, events.jsonl   one record a line, the fields of vigil.synthetic.records
DIR/people.csv                  every person record in the `vigil link` input format
DIR/truth.json                  the ground truth (docs/synthetic-area.md)
"""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import IO, Any

from vigil.synthetic.generator import AreaGenerator
from vigil.synthetic.records import Batch, EventRecord

KINDS = ("people", "names", "identifiers", "objects", "locations", "links", "events")
LINKAGE_COLUMNS = (
    "source",
    "record_id",
    "given_name",
    "family_name",
    "date_of_birth",
    "postcode",
    "address",
    "phone",
)


@dataclass
class WriteReport:
    people: int
    counts: dict[str, int]
    seconds: float

    @property
    def rate(self) -> float:
        return self.people / self.seconds if self.seconds else 0.0


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__}")


def _row(record: Any, names: tuple[str, ...]) -> dict[str, Any]:
    row = {name: getattr(record, name) for name in names}
    if isinstance(record, EventRecord) and record.intelligence is not None:
        intel = record.intelligence
        row["intelligence"] = {f.name: getattr(intel, f.name) for f in fields(intel)}
    return row


def write_area(
    out: Path,
    *,
    people: int,
    seed: int,
    as_of: date | None = None,
    batch_size: int = 10_000,
    progress: Callable[[int, float], None] | None = None,
) -> WriteReport:
    """Stream the area into `out` (created if missing). Memory stays flat: each batch is
    written and dropped before the next is generated."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    area = AreaGenerator(people, seed, as_of, batch_size=batch_size)
    counts = dict.fromkeys(KINDS, 0)
    handles: dict[str, IO[str]] = {
        kind: (out / f"{kind}.jsonl").open("w", encoding="utf-8") for kind in KINDS
    }
    field_names: dict[type, tuple[str, ...]] = {}
    try:
        with (out / "people.csv").open("w", newline="", encoding="utf-8") as linkage:
            writer = csv.writer(linkage)
            writer.writerow(LINKAGE_COLUMNS)
            for batch in area.batches():
                for kind in KINDS:
                    records = getattr(batch, kind)
                    if not records:
                        continue
                    names = field_names.setdefault(
                        type(records[0]),
                        tuple(f.name for f in fields(records[0]) if f.name != "intelligence"),
                    )
                    handles[kind].write(
                        "".join(
                            json.dumps(_row(r, names), default=_plain, ensure_ascii=False) + "\n"
                            for r in records
                        )
                    )
                    counts[kind] += len(records)
                _write_linkage(writer, batch)
                if progress:
                    progress(counts["people"], time.perf_counter() - started)
    finally:
        for handle in handles.values():
            handle.close()
    (out / "truth.json").write_text(json.dumps(area.truth.to_json(), indent=1), encoding="utf-8")
    return WriteReport(counts["people"], counts, time.perf_counter() - started)


def _write_linkage(writer: Any, batch: Batch) -> None:
    """Each agency's record of each person as `vigil link` reads it. Homes are written in the
    same batch as the people who live there."""
    homes = {loc.id: loc for loc in batch.locations}
    for person in batch.people:
        home = homes.get(person.home_location or 0)
        writer.writerow(
            (
                person.agency,
                person.id,
                person.given_names,
                person.family_name,
                person.date_of_birth.isoformat() if person.date_of_birth else "",
                home.postcode if home else "",
                f"{home.address_line_1}, {home.town}" if home else "",
                person.phone,
            )
        )
