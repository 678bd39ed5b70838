"""A small synthetic area, generated once per session (pure, no database), and the same area
loaded into the test database for the tests that need the store."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest

from vigil.synthetic.generator import AreaGenerator
from vigil.synthetic.records import Batch, EventRecord, PersonRecord

AS_OF = date(2026, 3, 1)
# Large enough for every type at every size (FULL_SET_MIN_PEOPLE), small enough to be quick.
PEOPLE = 3_000
SEED = 11


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class Area:
    """Everything one generator run produced, indexed for the tests."""

    generator: AreaGenerator
    batches: list[Batch]
    people: dict[int, PersonRecord] = field(default_factory=dict)
    events_of: dict[int, list[EventRecord]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for batch in self.batches:
            for person in batch.people:
                self.people[person.id] = person
            for event in batch.events:
                for person_id, _ in event.people:
                    self.events_of.setdefault(person_id, []).append(event)

    def all(self, kind: str) -> list[Any]:
        return [record for batch in self.batches for record in getattr(batch, kind)]

    @property
    def truth(self) -> Any:
        return self.generator.truth


def generate(people: int = PEOPLE, seed: int = SEED, **options: Any) -> Area:
    generator = AreaGenerator(people, seed, AS_OF, **options)
    return Area(generator, list(generator.batches()))


@pytest.fixture(scope="session")
def area() -> Area:
    return generate()
