"""Re-screen automatically when a fact a derived observation depends on changes, whoever writes
it (issue 6: "re-screen automatically whenever an observation, derived fact or override
changes").

`vigil.people.services` tells us which POLE records each write touched (a person, an event
and its participants, a link, a location). We note them, and when the transaction commits we
work out which children's derived observations could read them and re-screen those children
only, once each however many records the transaction wrote (a missing episode's return writes
an event, links and a place in one transaction: one re-screen). A screening that comes out as
before is not stored again.

Why on commit: the write that triggers us may not be finished (a missing episode is saved after
its event), and a re-screen must never make the user's write fail or wait on a lock: the write
is already safe when we run. If a re-screen fails it is logged and the nightly `vigil rescreen`
and the next opening of the child's record catch up (both compare with the stored screening).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.db.models import Q

from vigil.accounts.access import can_see_record
from vigil.core import screening as core
from vigil.people.models import (
    Event,
    EventLocation,
    EventObject,
    EventPerson,
    Link,
    Location,
    Person,
    PoleObject,
)
from vigil.safeguarding.services import (
    ScreeningRefused,
    compute_screening,
    store_if_changed,
    today,
)


@dataclass
class _Batch:
    """The records one transaction wrote, by the user who wrote them."""

    acting_user: Any = None
    people: set[int] = field(default_factory=set)
    events: set[int] = field(default_factory=set)
    links: set[int] = field(default_factory=set)
    locations: set[int] = field(default_factory=set)
    objects: set[int] = field(default_factory=set)
    done: bool = False
    slot: int = -1  # where its callback sits in the connection's on-commit list

    def add(self, records: Iterable[Any]) -> None:
        for record in records:
            if isinstance(record, Person):
                self.people.add(record.pk)
            elif isinstance(record, Event):
                self.events.add(record.pk)
            elif isinstance(record, Link):
                self.links.add(record.pk)
            elif isinstance(record, Location):
                self.locations.add(record.pk)
            elif isinstance(record, PoleObject):
                self.objects.add(record.pk)

    def flush(self) -> None:
        if self.done:
            return
        self.done = True
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        rescreen_children(
            affected_children(self), acting_user=self.acting_user, reason="Records changed"
        )


_local = threading.local()


def _pending(batch: _Batch) -> bool:
    """The batch still waits for this connection's commit: not run, and its callback still
    registered where it was put (a rollback removes those registered inside it). O(1), so an
    import of thousands of records in one transaction does not slow down."""
    callbacks = transaction.get_connection().run_on_commit
    return (
        not batch.done
        and 0 <= batch.slot < len(callbacks)
        and getattr(callbacks[batch.slot][1], "__self__", None) is batch
    )


def records_changed(acting_user: Any, records: Sequence[Any]) -> None:
    """The hook `vigil.people.services` calls after each write. Cheap: it notes ids; the
    first write of a transaction asks to be called on commit. The writes of one transaction
    share one batch; a write rolled back with a savepoint may leave its ids in it, which costs
    at most a re-screen that stores nothing."""
    batch: _Batch | None = getattr(_local, "batch", None)
    connection = transaction.get_connection()
    if batch is not None and connection.in_atomic_block and _pending(batch):
        if batch.acting_user is None:
            batch.acting_user = acting_user
        batch.add(records)
        return
    # A new transaction (the last one committed, or rolled back and took its callback with
    # it): a new batch, so nothing of a rolled-back write or its user carries over.
    batch = _Batch(acting_user=acting_user)
    batch.add(records)
    if connection.in_atomic_block:
        _local.batch = batch
        batch.slot = len(connection.run_on_commit)
    # robust: the user's write has committed; a failed re-screen is logged, not raised at them.
    transaction.on_commit(batch.flush, robust=True)


def _child_ids(ids: Iterable[int]) -> set[int]:
    """Those of `ids` who are children today (screening is for under-18s only)."""
    wanted = set(ids)
    if not wanted:
        return set()
    oldest = today() - relativedelta(years=core.ADULT_AGE) - timedelta(days=1)
    return set(
        Person.objects.filter(pk__in=wanted, date_of_birth__gte=oldest).values_list("pk", flat=True)
    )


def _linked_people(people: set[int]) -> set[int]:
    """Everyone with a person link to, or an event shared with, one of `people` (a suspect
    flag, a victim flag or a date of birth changes what their contacts' screenings read)."""
    found: set[int] = set()
    for source, target in Link.objects.filter(
        Q(from_person_id__in=people, to_person__isnull=False)
        | Q(to_person_id__in=people, from_person__isnull=False)
    ).values_list("from_person_id", "to_person_id"):
        found.update(pk for pk in (source, target) if pk is not None)
    events = EventPerson.objects.filter(person_id__in=people).values("event_id")
    found.update(
        EventPerson.objects.filter(event_id__in=events).values_list("person_id", flat=True)
    )
    return found


def affected_children(batch: _Batch) -> set[int]:
    """The children whose derived observations could read a record in `batch` (see
    `derived.py` and `sources.py` for what each reads)."""
    people: set[int] = set(batch.people)
    if batch.people:
        people |= _linked_people(batch.people)
    if batch.events:
        people.update(
            EventPerson.objects.filter(event_id__in=batch.events).values_list(
                "person_id", flat=True
            )
        )
    objects = set(batch.objects)
    if batch.links:
        for source, target, vehicle in Link.objects.filter(pk__in=batch.links).values_list(
            "from_person_id", "to_person_id", "to_object_id"
        ):
            people.update(pk for pk in (source, target) if pk is not None)
            if vehicle is not None:
                objects.add(vehicle)
    if objects:
        # A vehicle's driver or owner changed: the children seen in it.
        people.update(
            EventPerson.objects.filter(
                event_id__in=EventObject.objects.filter(pole_object_id__in=objects).values(
                    "event_id"
                )
            ).values_list("person_id", flat=True)
        )
    if batch.locations:
        # A place's type changed (now a location of concern): the children found there.
        people.update(
            EventPerson.objects.filter(
                event_id__in=EventLocation.objects.filter(location_id__in=batch.locations).values(
                    "event_id"
                )
            ).values_list("person_id", flat=True)
        )
        people.update(
            Link.objects.filter(
                to_location_id__in=batch.locations, from_person__isnull=False
            ).values_list("from_person_id", flat=True)
        )
    return _child_ids(people)


def rescreen_children(ids: Iterable[int], *, acting_user: Any, reason: str) -> int:
    """Re-screen these children, each in its own transaction, storing only real changes.
    The user who wrote is named on the screenings of the children they may see; the others
    are re-screened by the system (the user learns nothing of them). Returns how many
    screenings were stored."""
    stored = 0
    for child in Person.objects.filter(pk__in=sorted(set(ids))).order_by("pk"):
        try:
            computed = compute_screening(child)
        except ScreeningRefused:
            continue
        user = acting_user if acting_user and can_see_record(acting_user, child) else None
        with transaction.atomic():
            stored += store_if_changed(child, computed, acting_user=user, trigger=reason)
    return stored


def rescreen_group_members(candidates: Iterable[dict[str, Any]], *, acting_user: Any = None) -> int:
    """After a network analysis run (`vigil networks-analyse`): re-screen the children in the
    candidate groups of the new run and of the one before it, so a group newly flagged, or no
    longer flagged, changes its children's screening at once. `candidates` are the runs'
    `CommunityAnalysis.candidates` entries ({"members": ["person:12", ...], ...}). Returns how
    many screenings were stored."""
    people = {
        int(member.partition(":")[2])
        for group in candidates
        for member in group.get("members", ())
        if member.startswith("person:") and member.partition(":")[2].isdigit()
    }
    return rescreen_children(
        _child_ids(people), acting_user=acting_user, reason="Network analysis run"
    )
