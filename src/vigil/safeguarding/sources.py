"""Derived observations other apps' records give, registered from those apps' `ready()`
(`register_derived_source`): what a child's missing episodes show (issue 7: repeat missing, found
at a location of concern, found with an adult, found out of area, returning late regularly) and
membership of a network community flagged as group-based CSE (issue 10).

Like `derived.py`, these are the system's own reads to screen a child: not filtered for a user
and not audited per record here (the screening is audited as a combination when stored); what
a user is shown of the named records is filtered for them at display time.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.utils import timezone

from vigil.core.missing import (
    Companion,
    DerivedIndicator,
    EpisodeFacts,
    derive_indicators,
)
from vigil.people.models import Event, EventLocation, EventPerson, Location, Person
from vigil.safeguarding.derived import DerivedObservation, RecordRef, derived_policy

# A flag may rest on many records; the screening names the first ones (the Groups view has all).
MAX_EVIDENCE_RECORDS = 25


def _point(place: Location | None) -> tuple[float, float] | None:
    if place is None or place.latitude is None or place.longitude is None:
        return None
    return (float(place.latitude), float(place.longitude))


def _known_on(moment: datetime | None, on: date) -> datetime | None:
    """A time after the assessment day is not known on it (a return recorded tomorrow)."""
    if moment is None or timezone.localtime(moment).date() > on:
        return None
    return moment


def missing_episode_observations(child: Person, on: date) -> list[DerivedObservation]:
    """The derived observations the child's missing episodes give as known on `on`.

    An episode is a `missing_episode` event with the child as its subject or victim: one the
    missing app recorded (its MissingEpisode adds how the child returned and where from) or one
    recorded on the timeline only (a force export, older records). Thresholds are the missing
    policy's (`missing.json`), the same the missing app's Repeat missing list uses."""
    section = derived_policy()["repeat_missing"]
    rows = (
        EventPerson.objects.filter(
            person=child,
            role__in=section["child_event_roles"],
            event__event_type=section["event_type"],
        )
        .select_related("event")
        .order_by("event__occurred_at", "event_id")
    )
    events: dict[int, Event] = {}
    for row in rows:
        if timezone.localtime(row.event.occurred_at).date() <= on:
            events[row.event_id] = row.event
    if not events:
        return []

    from vigil.missing.models import MissingEpisode

    recorded = {
        episode.event_id: episode
        for episode in MissingEpisode.objects.filter(event_id__in=list(events)).select_related(
            "found_at", "missing_from"
        )
    }
    places: dict[int, dict[str, Location]] = defaultdict(dict)
    for place_row in EventLocation.objects.filter(
        event_id__in=list(events), role__in=["found_at", "reported_from"]
    ).select_related("location"):
        places[place_row.event_id].setdefault(place_row.role, place_row.location)
    companions: dict[int, list[Person]] = defaultdict(list)
    for person_row in (
        EventPerson.objects.filter(event_id__in=list(events), role="found_with")
        .exclude(person=child)
        .select_related("person")
    ):
        companions[person_row.event_id].append(person_row.person)

    facts: list[EpisodeFacts] = []
    refs: dict[str, RecordRef] = {}
    for event_id, event in events.items():
        episode = recorded.get(event_id)
        found_at = (episode.found_at if episode else None) or places[event_id].get("found_at")
        missing_from = (episode.missing_from if episode else None) or places[event_id].get(
            "reported_from"
        )
        returned_at = _known_on(episode.returned_at if episode else event.ended_at, on)
        if returned_at is None:
            found_at = None  # not found yet, as known on the day
        key = f"event-{event_id}"
        if episode is not None:
            refs[key] = RecordRef(
                "missingepisode",
                episode.pk,
                f"Missing episode {episode.ref}, reported "
                f"{timezone.localtime(episode.reported_missing_at):%d/%m/%Y}",
            )
        else:
            refs[key] = RecordRef(
                "event",
                event.pk,
                f"{event.get_event_type_display()}: {event.summary}",
            )
        facts.append(
            EpisodeFacts(
                ref=key,
                reported_at=episode.reported_missing_at if episode else event.occurred_at,
                returned_at=returned_at,
                how_returned=episode.how_returned if episode else "",
                found_at_of_concern=bool(found_at and found_at.is_location_of_concern),
                found_at_label=str(found_at) if found_at else "",
                found_at_town=found_at.town if found_at else "",
                found_at_point=_point(found_at),
                missing_from_town=missing_from.town if missing_from else "",
                missing_from_point=_point(missing_from),
                found_with=tuple(
                    Companion(person.full_name, person.date_of_birth)
                    for person in (companions[event_id] if returned_at else [])
                ),
            )
        )
    return [_observation(indicator, refs) for indicator in derive_indicators(facts)]


def _observation(indicator: DerivedIndicator, refs: dict[str, RecordRef]) -> DerivedObservation:
    records = tuple(refs[ref] for ref in indicator.refs)
    named = ", ".join(record.label.split(",")[0] for record in records)
    return DerivedObservation(
        indicator.code, indicator.observed_on, f"{indicator.explanation} ({named}).", records
    )


def network_group_observations(child: Person, on: date) -> list[DerivedObservation]:
    """A child in a network community flagged as group-based CSE (issue 10: two or more
    associated suspects and a child at risk), naming the suspects. Read from the networks app's
    whole-force analysis over every record but no handling-code C links; the evidence on each
    association is shown in the Groups view, for those who may see it."""
    code = derived_policy()["network_group"]["code"]
    from vigil.networks.selectors import group_flags_for_person

    out: list[DerivedObservation] = []
    for flag in group_flags_for_person(child.pk):
        if flag.role != "child":
            continue
        suspects = {
            person.pk: person for person in Person.objects.filter(pk__in=list(flag.suspect_ids))
        }
        named = tuple(
            RecordRef("person", pk, suspects[pk].full_name)
            for pk in sorted(flag.suspect_ids)
            if pk in suspects
        )
        if not named:
            continue
        # The links and events that associate the suspects and tie the child to them.
        evidence = tuple(
            RecordRef(kind, int(pk), item.label)
            for item in flag.evidence_records[:MAX_EVIDENCE_RECORDS]
            for kind, _, pk in [item.record.partition(":")]
            if kind in ("event", "link") and pk.isdigit()
        )
        out.append(
            DerivedObservation(
                code,
                min(flag.newest_activity or on, on),
                f"In a network community flagged as group-based exploitation: "
                f"{len(named)} associated suspects "
                f"({', '.join(record.label for record in named)}).",
                named + evidence,
            )
        )
    return out
