"""The synthetic area's missing episodes, recorded through the missing app's own services.

The generator writes each missing episode as an event (who went missing, from where, when they
were found, where and with whom). Loaded as a plain event it would reach the timeline but not
the missing app's screens, so the loader holds these events back and, once every person, place
and vehicle is in the store, records each as a police officer would: `episode_report` (the
episode, its event and the first risk grading), `episode_record_return` (found at, found with,
vehicles, the child's account, the links, the return home interview due 72 hours later) and,
for returns more than a fortnight old, `rhi_set_status` (offered, then completed or declined).
A few hundred episodes per 50,000 people, so the services' own checks cost little and the rows
are the services' rows by construction.

An episode whose return would be after now stays open: the child is still missing. The area is
dated months ago, so none would be; the latest episode of a few planted children
(`MISSING_NOW`, the ones whose last episode is most recent, chosen from the seed's events) is
therefore recorded as reported within the last day or two and not yet returned, so that
"Missing now" shows what a force sees on any morning.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.utils import timezone

from vigil.accounts.access import can_see_record
from vigil.accounts.models import Agency, User
from vigil.missing.models import MissingEpisode
from vigil.missing.services import episode_record_return, episode_report, rhi_set_status
from vigil.people.models import Location, Person, PoleObject
from vigil.synthetic.records import EventRecord

# Grading officers of Northshire Police (invented), taken in turn.
GRADING_OFFICERS = ("PS 2291 Walsh", "PS 1874 Okoye", "Insp 0412 Brennan", "PS 3306 Kaur")
RHI_INTERVIEWERS = ("Jo Pryce (Northshire Youth Support)", "Sam Idowu (Children's Services)")
# Returns older than this have had their return home interview offered and done or declined...
RHI_SETTLED_AFTER = timedelta(days=14)
# ...except a planted child's latest return within this window, whose interview is still
# outstanding (overdue): the gap the RHIs-due list exists to show.
RHI_OUTSTANDING_WITHIN = timedelta(days=120)
# How many planted children are missing now, reported this many hours ago at most.
MISSING_NOW = 3
MISSING_NOW_WITHIN_HOURS = 40


@dataclass(frozen=True)
class PendingEpisode:
    """A missing-episode event of the area, with database ids."""

    event: EventRecord
    child: int
    missing_from: int | None
    found_at: int | None
    found_with: tuple[int, ...]
    vehicles: tuple[int, ...]


def pending_episode(event: EventRecord, person: int, obj: int, loc: int) -> PendingEpisode:
    """The event's episode, its ids moved by the loader's offsets (person, object, location)."""
    people = [pid for pid, role in event.people if role in ("victim", "subject", "child")]
    return PendingEpisode(
        event=event,
        child=person + (people[0] if people else event.people[0][0]),
        missing_from=next(
            (loc + lid for lid, role in event.locations if role == "reported_from"), None
        ),
        found_at=next((loc + lid for lid, role in event.locations if role == "found_at"), None),
        found_with=tuple(person + pid for pid, role in event.people if role == "found_with"),
        vehicles=tuple(obj + oid for oid, role in event.objects if role == "travelled_in"),
    )


def _reported_by(place: Location | None) -> str:
    if place is None or place.premises_type == "home":
        return "parent"
    if place.premises_type == "childrens_home":
        return "childrens_home"
    return "carer"


def load_missing_episodes(
    pending: list[PendingEpisode], *, police: list[User], social_care: Agency
) -> int:
    """Record every pending episode through the missing services, oldest first (a child cannot
    go missing again while an earlier episode is open). Returns how many were recorded; an
    episode about a record no police officer may see (a restricted one) is left as its event."""
    if not pending:
        return 0
    people = Person.objects.in_bulk(
        {p.child for p in pending} | {pid for p in pending for pid in p.found_with}
    )
    places = Location.objects.in_bulk(
        {pk for p in pending for pk in (p.missing_from, p.found_at) if pk is not None}
    )
    vehicles = PoleObject.objects.in_bulk({pk for p in pending for pk in p.vehicles})
    now = timezone.now()
    latest = {p.child: p.event.id for p in sorted(pending, key=lambda p: p.event.occurred_at)}
    missing_now = _missing_now(pending, latest, people, police, now)
    seen: dict[int, int] = {}
    recorded = 0
    for n, item in enumerate(sorted(pending, key=lambda p: (p.event.occurred_at, p.event.id))):
        event = item.event
        child = people[item.child]
        officer = police[event.id % len(police)]
        if not can_see_record(officer, child):
            continue
        seen[child.pk] = seen.get(child.pk, 0) + 1
        planted = item.found_at is not None
        repeat = seen[child.pk] >= 2
        missing_from = places.get(item.missing_from) if item.missing_from else None
        if missing_from is not None and not can_see_record(officer, missing_from):
            missing_from = None
        reported_at = missing_now.get(event.id, event.occurred_at)
        episode = episode_report(
            acting_user=officer,
            child=child,
            reported_missing_at=reported_at,
            reported_by_kind=_reported_by(missing_from),
            risk_level="high" if planted and repeat else "medium" if planted else "low",
            risk_reason=(
                "Repeat missing; known child sexual exploitation concerns; believed to be with "
                "adults who pose a risk"
                if planted and repeat
                else "Known concerns about older associates; out late without explanation"
                if planted
                else "First known episode; no known risks; likely with friends"
            ),
            grading_officer=GRADING_OFFICERS[n % len(GRADING_OFFICERS)],
            missing_from=missing_from,
            external_reference=event.reference,
        )
        returned_at = event.ended_at or event.occurred_at + timedelta(hours=12)
        if event.id in missing_now or returned_at > now:
            recorded += 1
            continue  # still missing
        # What the officer may see of what the return found (every standard record).
        found_with = [people[pk] for pk in item.found_with if pk in people]
        found_with = [person for person in found_with if can_see_record(officer, person)]
        cars = [vehicles[pk] for pk in item.vehicles if pk in vehicles]
        found_at = places.get(item.found_at) if item.found_at else None
        if found_at is not None and not can_see_record(officer, found_at):
            found_at = None
        episode = episode_record_return(
            acting_user=officer,
            episode=episode,
            expected_version=episode.version,
            returned_at=returned_at,
            how_returned="found_by_police" if planted else "returned_self",
            found_at=found_at,
            found_with=found_with,
            vehicles=[car for car in cars if can_see_record(officer, car)],
            intoxicated=planted and event.id % 3 == 0,
            intoxication_details=(
                "Smelled of alcohol; unsteady" if planted and event.id % 3 == 0 else ""
            ),
            account=(
                "Would not say where they had been or who with; said they were 'with friends'."
                if planted
                else "Stayed at a friend's house; did not tell anyone."
            ),
            rhi_offered_by=social_care,
        )
        outstanding = (
            planted and latest[child.pk] == event.id and now - returned_at < RHI_OUTSTANDING_WITHIN
        )
        if not outstanding:
            _settle_interview(episode, officer, returned_at, now, declined=event.id % 4 == 0)
        recorded += 1
    return recorded


def _missing_now(
    pending: list[PendingEpisode],
    latest: dict[int, int],
    people: dict[int, Person],
    police: list[User],
    now: datetime,
) -> dict[int, datetime]:
    """The events recorded as still missing now, with when each was reported: the latest
    episode of the `MISSING_NOW` planted children (found at a network's place) whose latest
    episode is most recent, reported between 2 and `MISSING_NOW_WITHIN_HOURS` hours ago (the
    hour from the event id, so the same seed plants the same children the same way)."""
    planted = [
        item
        for item in pending
        if item.found_at is not None
        and latest[item.child] == item.event.id
        and can_see_record(police[item.event.id % len(police)], people[item.child])
    ]
    planted.sort(key=lambda p: (p.event.occurred_at, p.event.id), reverse=True)
    span = MISSING_NOW_WITHIN_HOURS - 2
    return {
        item.event.id: (now - timedelta(hours=2 + item.event.id % span)).replace(
            second=0, microsecond=0
        )
        for item in planted[:MISSING_NOW]
    }


def _settle_interview(
    episode: MissingEpisode, officer: User, returned_at: datetime, now: datetime, *, declined: bool
) -> None:
    """An older episode's interview has been offered and then done or declined; a recent one
    is still due (or overdue), as on any Monday morning."""
    if now - returned_at < RHI_SETTLED_AFTER:
        return
    interview = episode.return_interview
    interview = rhi_set_status(
        acting_user=officer,
        interview=interview,
        expected_version=interview.version,
        status="offered",
        at=returned_at + timedelta(days=1),
        interviewer=RHI_INTERVIEWERS[episode.pk % len(RHI_INTERVIEWERS)],
    )
    rhi_set_status(
        acting_user=officer,
        interview=interview,
        expected_version=interview.version,
        status="declined" if declined else "completed",
        at=returned_at + timedelta(days=3),
        note="Declined to talk to the interviewer." if declined else "",
    )
