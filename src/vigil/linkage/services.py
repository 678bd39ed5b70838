"""Every write of the linkage area: runs of the model over the person records, reviewers'
decisions on candidate matches, and the "already known?" index.

Person records are never altered here. Accepting a match groups two records into one
PersonIdentity (a combination, DPA 2018 s62, audited as such); unmerging removes the grouping.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from typing import Any, NamedTuple

import rules
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Max, Q
from django.utils import timezone

from vigil.accounts.access import can_change_record, can_see_record, works_with_cases
from vigil.accounts.models import Role
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.linkage import link_records, term_frequencies
from vigil.core.linkage.explain import PairExplanation
from vigil.core.linkage.index import index_entries
from vigil.core.linkage.standardise import standardise_record
from vigil.errors import ApplicationError
from vigil.linkage.models import (
    CandidateMatch,
    LinkageRun,
    MatchStatus,
    PersonBlockingKey,
    PersonIdentity,
    PersonIdentityMember,
    PersonLinkageRecord,
)
from vigil.people.models import DateOfBirthPrecision, Link, Person

log = logging.getLogger(__name__)

# Pairs at or above this match probability go to the review queue. Below the model's own
# linking threshold (0.9) on purpose: a reviewer should see the near misses too.
REVIEW_THRESHOLD = 0.5
# Where a person lives (the location linked most recently by one of these link types).
HOME_LINK_TYPES = ("lives_at", "placed_at")
# Roles that may start a run over every person record (it reads all of them, so not everyone).
LINKAGE_RUN_ROLES = frozenset({Role.INTELLIGENCE_ANALYST, Role.SUPERVISOR})
SOURCE = "person"  # the core's `source` for person records; record_id is the person's id


@rules.predicate
def is_linkage_analyst(user: Any) -> bool:
    return getattr(user, "role", None) in LINKAGE_RUN_ROLES


can_run_linkage = works_with_cases & is_linkage_analyst
rules.add_perm("linkage.run", can_run_linkage)


# --- What the model sees of a person -----------------------------------------------------------


class Home(NamedTuple):
    """What the model reads of the place a person lives (a Location's address fields)."""

    address_line_1: str
    address_line_2: str
    town: str
    postcode: str

    def address(self, separator: str = " ") -> str:
        """The address lines and town that are filled in, joined."""
        return separator.join(p for p in (self.address_line_1, self.address_line_2, self.town) if p)


def homes_and_phones(people: Q) -> tuple[dict[int, Home], dict[int, str]]:
    """Each person's latest home location and phone number, from their links. `people` filters
    the links' from_person (an id list, or an id range for the bulk build). Plain rows, not
    model instances: the bulk build reads every person's links."""
    homes: dict[int, Home] = {}
    phones: dict[int, str] = {}
    links = (
        Link.objects.filter(people)
        .filter(
            Q(link_type__in=HOME_LINK_TYPES, to_location__isnull=False)
            | Q(link_type="uses_phone", to_object__isnull=False)
        )
        .order_by("from_person_id", "last_seen", "id")  # the latest wins below
        .values_list(
            "from_person_id",
            "to_location_id",
            "to_location__address_line_1",
            "to_location__address_line_2",
            "to_location__town",
            "to_location__postcode",
            "to_object__phone_number",
        )
    )
    for person_id, location_id, line_1, line_2, town, postcode, phone in links:
        if person_id is None:  # the filter above names a person; the column is nullable
            continue
        if location_id:
            homes[person_id] = Home(line_1, line_2, town, postcode)
        elif phone:
            phones[person_id] = phone
    return homes, phones


# What linkage_input reads of a person (and the version the index records).
LINKAGE_FIELDS = (
    "id", "given_names", "family_name", "date_of_birth", "date_of_birth_precision", "version",
)  # fmt: skip


def linkage_input(person: Person, home: Home | None = None, phone: str = "") -> dict[str, Any]:
    """A person in the core's input columns. Only an exact DOB is evidence: an estimated one
    ("about 15") would make two different children look like one, or one child like two."""
    exact = person.date_of_birth_precision == DateOfBirthPrecision.EXACT
    address = home.address() if home is not None else ""
    return {
        "source": SOURCE,
        "record_id": str(person.pk),
        "given_name": person.given_names,
        "family_name": person.family_name,
        "date_of_birth": person.date_of_birth.isoformat() if exact and person.date_of_birth else "",
        "postcode": home.postcode if home is not None else "",
        "address": address,
        "phone": phone,
    }


def _inputs(people: list[Person]) -> list[dict[str, Any]]:
    """The people (in pk order, as read in batches) in the core's input columns."""
    if not people:
        return []
    ids = [p.pk for p in people]
    # An id range for a big batch (no parameter per person), the ids themselves for a few.
    which = (
        Q(from_person_id__gte=ids[0], from_person_id__lte=ids[-1])
        if len(ids) > 100 and ids == sorted(ids)
        else Q(from_person_id__in=ids)
    )
    homes, phones = homes_and_phones(which)
    return [linkage_input(p, homes.get(p.pk), phones.get(p.pk, "")) for p in people]


# --- The "already known?" index ----------------------------------------------------------------

# One person's index entry: (person id, person version, stored record as JSON, blocking keys).
IndexEntry = tuple[int, int, str, list[str]]
# People read, standardised and written per transaction by the bulk build.
INDEX_BATCH = 20_000
KEY_LENGTH = PersonBlockingKey._meta.get_field("key").max_length or 160


def _entries(people: list[Person], records: list[tuple[str, list[str]]]) -> list[IndexEntry]:
    return [
        (p.pk, p.version, record, keys) for p, (record, keys) in zip(people, records, strict=True)
    ]


def _insert_index(entries: list[IndexEntry]) -> None:
    """Insert index rows for people who have none. The bulk build writes millions of rows, so
    not through model instances: COPY on PostgreSQL, one executemany per table on SQLite
    (bulk_create spent most of its time building model instances)."""
    if not entries:
        return
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    tables: list[tuple[str, tuple[str, ...], Iterable[tuple[Any, ...]]]] = [
        (
            PersonLinkageRecord._meta.db_table,
            ("person_id", "record", "person_version", "refreshed_at"),
            ((pk, record, version, stamp) for pk, version, record, _ in entries),
        ),
        (
            PersonBlockingKey._meta.db_table,
            ("person_id", "key"),
            ((pk, key[:KEY_LENGTH]) for pk, _, _, keys in entries for key in keys),
        ),
    ]
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, columns, rows in tables:
            # Names from the models' own metadata, values as parameters: nothing from input.
            names = f"{quote(table)} ({', '.join(quote(c) for c in columns)})"
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {names} FROM STDIN") as copy:  # psycopg 3
                    for row in rows:
                        copy.write_row(row)
            else:
                marks = ", ".join(["%s"] * len(columns))
                cursor.executemany(f"INSERT INTO {names} VALUES ({marks})", list(rows))  # noqa: S608


def _write_index(people: list[Person], inputs: list[dict[str, Any]], chunk: int = 2000) -> None:
    """Replace these people's index rows (in chunks: SQLite limits query parameters)."""
    for start in range(0, len(people), chunk):
        part = people[start : start + chunk]
        ids = [p.pk for p in part]
        PersonBlockingKey.objects.filter(person_id__in=ids).delete()
        PersonLinkageRecord.objects.filter(person_id__in=ids).delete()
        _insert_index(_entries(part, index_entries(inputs[start : start + chunk])))


@transaction.atomic
def refresh_person_linkage(person: Person | int) -> None:
    """Re-index one person for "already known?" (blocking keys and standardised record).

    THE hook for the people services: call it after a person, their names, or their home or
    phone link change (it reads no request, writes no audit: it derives an index, like
    people.services.reindex_person_names)."""
    pk = person.pk if isinstance(person, Person) else person
    fresh = Person.objects.filter(pk=pk).first()
    if fresh is None:
        return
    _write_index([fresh], _inputs([fresh]))


def refresh_people_linkage(people: Sequence[Person]) -> None:
    """`refresh_person_linkage` for many people at once (the people services' bulk writes,
    e.g. a missing-persons import): a few queries per 2,000 people, not five per person."""
    ids = sorted({p.pk for p in people})
    for start in range(0, len(ids), 2000):
        fresh = list(Person.objects.filter(pk__in=ids[start : start + 2000]).order_by("pk"))
        _write_index(fresh, _inputs(fresh))


def index_new_people(limit: int = 500) -> int:
    """Index people created since the index was last written (ids above the highest indexed),
    so "already known?" finds them even before the people services call the hook. Cheap: one
    indexed max() and one primary-key range query. Returns the highest person id indexed (a
    cheap stand-in for how many people there are)."""
    highest = PersonLinkageRecord.objects.aggregate(m=Max("person_id"))["m"] or 0
    people = list(Person.objects.filter(pk__gt=highest).order_by("pk")[:limit])
    if people:
        with transaction.atomic():
            _write_index(people, _inputs(people))
        highest = people[-1].pk
    return highest


def index_all_people(
    *,
    after: int = 0,
    batch_size: int = INDEX_BATCH,
    workers: int = 1,
    on_progress: Callable[[int], None] | None = None,
) -> int:
    """(Re)build the "already known?" index of every person with an id above `after`, fast:
    people read in id order, `batch_size` at a time; standardised in `workers` processes
    (the core's index_entries: pure, no database) while the previous batch is written; each
    batch replaced in one transaction (so a lookup meanwhile sees a person either fully
    indexed or as before). For a first build, a new area, or after the blocking keys change.
    Returns how many people were indexed; `on_progress` gets the running count."""
    done = 0
    pool = (
        ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        if workers > 1
        else None
    )
    pending: list[tuple[list[Person], list[Future[list[tuple[str, list[str]]]]]]] = []

    def write(people: list[Person], parts: list[Future[list[tuple[str, list[str]]]]]) -> int:
        records = [entry for part in parts for entry in part.result()]
        with transaction.atomic():
            # The batch is every person with an id in [first, last]: one range replaces them.
            first, last = people[0].pk, people[-1].pk
            PersonBlockingKey.objects.filter(person_id__gte=first, person_id__lte=last).delete()
            PersonLinkageRecord.objects.filter(person_id__gte=first, person_id__lte=last).delete()
            _insert_index(_entries(people, records))
        return len(people)

    try:
        last = after
        while True:
            people = list(
                Person.objects.filter(pk__gt=last).order_by("pk").only(*LINKAGE_FIELDS)[:batch_size]
            )
            if not people:
                break
            last = people[-1].pk
            inputs = _inputs(people)
            step = -(-len(inputs) // max(workers, 1))
            chunks = [inputs[i : i + step] for i in range(0, len(inputs), step)]
            parts: list[Future[list[tuple[str, list[str]]]]] = []
            for chunk in chunks:
                if pool is None:
                    done_now: Future[list[tuple[str, list[str]]]] = Future()
                    done_now.set_result(index_entries(chunk))
                    parts.append(done_now)
                else:
                    parts.append(pool.submit(index_entries, chunk))
            pending.append((people, parts))
            if len(pending) > 1:  # write the previous batch while this one is standardised
                done += write(*pending.pop(0))
                if on_progress:
                    on_progress(done)
        while pending:
            done += write(*pending.pop(0))
            if on_progress:
                on_progress(done)
    finally:
        if pool is not None:
            pool.shutdown(cancel_futures=True)
    if done and connection.vendor == "postgresql":
        # Fresh statistics, so the planner keeps using the (key, person) index for lookups
        # straight after a bulk load, before autovacuum gets round to it.
        with connection.cursor() as cursor:
            for model in (PersonBlockingKey, PersonLinkageRecord):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    return done


# --- Runs -------------------------------------------------------------------------------------


def _require(predicate: Any, user: Any, *args: Any, message: str) -> None:
    if not predicate(user, *args):
        raise PermissionDenied(message)


@transaction.atomic
def linkage_run_request(*, acting_user: Any) -> LinkageRun:
    """Queue a run over every person record and start it (see `launch`). One at a time."""
    _require(can_run_linkage, acting_user, message="You cannot start a linkage run.")
    busy = LinkageRun.objects.select_for_update().filter(
        status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING]
    )
    if busy.exists():
        raise ApplicationError("A linkage run is already in progress.")
    run = LinkageRun.objects.create(requested_by=acting_user, review_threshold=REVIEW_THRESHOLD)
    audit_log(
        acting_user=acting_user,
        action=Action.CONSULTATION,
        object_type="linkagerun",
        object_id=run.pk,
        detail={"operation": "linkage run requested over all person records"},
    )
    transaction.on_commit(lambda: launch(run.pk))
    return run


def launch(run_id: int) -> None:
    """Start a queued run. Settings VIGIL_LINKAGE_LAUNCHER: "subprocess" (default: a detached
    `vigil linkage-run --run N`, so the web request returns at once and the page shows
    progress) or "inline" (tests, and deployments that start runs from a scheduler)."""
    how = getattr(settings, "VIGIL_LINKAGE_LAUNCHER", "subprocess")
    if how == "inline":
        linkage_run_execute(run_id)
        return
    subprocess.Popen(
        [sys.executable, "-m", "vigil.cli", "linkage-run", "--run", str(run_id)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        env=os.environ.copy(),
    )


def _progress(run: LinkageRun, **fields: Any) -> None:
    for name, value in fields.items():
        setattr(run, name, value)
    run.save(update_fields=list(fields))


def linkage_run_execute(
    run_id: int, *, chunk_size: int = 2000, on_progress: Callable[[LinkageRun], None] | None = None
) -> LinkageRun:
    """Do a queued run: read every person, score pairs, fill the review queue, re-index.

    Not one transaction (a long run must not hold locks); each step saves its progress, and the
    queue is written in one transaction at the end. A failure is recorded on the run."""
    run = LinkageRun.objects.get(pk=run_id)
    if run.status != LinkageRun.Status.QUEUED:
        raise ApplicationError(f"Linkage run {run.pk} is {run.get_status_display().lower()}.")

    def step(**fields: Any) -> None:
        _progress(run, **fields)
        if on_progress:
            on_progress(run)

    step(
        status=LinkageRun.Status.RUNNING,
        started_at=timezone.now(),
        stage="Reading person records",
        people_total=Person.objects.count(),
    )
    try:
        people: list[Person] = []
        inputs: list[dict[str, Any]] = []
        batch: list[Person] = []
        for person in Person.objects.order_by("pk").iterator(chunk_size=chunk_size):
            batch.append(person)
            if len(batch) == chunk_size:
                inputs.extend(_inputs(batch))
                people.extend(batch)
                batch = []
                step(people_read=len(people))
        inputs.extend(_inputs(batch))
        people.extend(batch)
        step(people_read=len(people), stage="Scoring pairs with the linkage model")

        result = link_records(
            inputs, threshold=0.9, min_pair_probability=run.review_threshold, household_safe=True
        )
        step(pairs_scored=len(result.pairs), stage="Writing the review queue")
        counts = _write_queue(run, result.pairs)

        step(**counts, stage="Indexing people for “already known?”")
        rows = [standardise_record(r) for r in inputs]
        with transaction.atomic():
            _write_index(people, inputs)
        tf = term_frequencies(rows) if result.trained else {}
        step(
            status=LinkageRun.Status.FINISHED,
            stage="",
            finished_at=timezone.now(),
            trained=result.trained,
            model=result.model if result.trained else {},
            term_frequencies=tf,
        )
        audit_log(
            acting_user=run.requested_by,
            action=Action.CONSULTATION,
            object_type="linkagerun",
            object_id=run.pk,
            detail={
                "operation": "linkage run finished",
                "people": run.people_read,
                "matches_new": run.matches_new,
            },
        )
    except Exception as error:
        log.exception("linkage run %s failed", run.pk)
        step(
            status=LinkageRun.Status.FAILED,
            stage="",
            finished_at=timezone.now(),
            error=f"{type(error).__name__}: {error}"[:2000],
        )
    return run


def _pair_key(left: tuple[str, str], right: tuple[str, str]) -> tuple[int, int]:
    a, b = int(left[1]), int(right[1])
    return (a, b) if a < b else (b, a)


def explanation_json(explanation: PairExplanation | None) -> dict[str, Any]:
    if explanation is None:
        return {}
    return {
        "prior_match_weight": explanation.prior_match_weight,
        "fields": [
            {
                "comparison": f.comparison,
                "level": f.level,
                "kind": f.kind,
                "match_weight": f.match_weight,
            }
            for f in explanation.fields
        ],
    }


@transaction.atomic
def _write_queue(run: LinkageRun, pairs: list[Any]) -> dict[str, int]:
    """Upsert candidate matches. A decided pair (accepted or rejected) is never touched or
    re-suggested; a pair already in one identity is not suggested."""
    now = timezone.now()
    identity_of = dict(PersonIdentityMember.objects.values_list("person_id", "identity_id"))
    existing = {(m.person_a_id, m.person_b_id): m for m in CandidateMatch.objects.all()}
    new, rescored, decided = [], [], 0
    for pair in pairs:
        a, b = _pair_key(pair.left, pair.right)
        if identity_of.get(a) is not None and identity_of.get(a) == identity_of.get(b):
            decided += 1
            continue
        fields = {
            "match_probability": pair.match_probability,
            "match_weight": pair.match_weight,
            "explanation": explanation_json(pair.explanation),
            "scored_at": now,
        }
        match = existing.get((a, b))
        if match is None:
            new.append(CandidateMatch(person_a_id=a, person_b_id=b, found_by=run, **fields))
        elif match.status in (MatchStatus.ACCEPTED, MatchStatus.REJECTED):
            decided += 1
        else:
            for name, value in fields.items():
                setattr(match, name, value)
            rescored.append(match)
    CandidateMatch.objects.bulk_create(new, batch_size=1000)
    CandidateMatch.objects.bulk_update(
        rescored, ["match_probability", "match_weight", "explanation", "scored_at"], 1000
    )
    return {
        "matches_new": len(new),
        "matches_rescored": len(rescored),
        "matches_already_decided": decided,
    }


# --- Decisions --------------------------------------------------------------------------------


def _require_can_decide(acting_user: Any, match: CandidateMatch) -> None:
    for person in (match.person_a, match.person_b):
        if not (can_see_record(acting_user, person) and can_change_record(acting_user, person)):
            raise PermissionDenied("You cannot decide on this match.")


def _locked(match: CandidateMatch) -> CandidateMatch:
    return (
        CandidateMatch.objects.select_for_update()
        .select_related("person_a", "person_b")
        .get(pk=match.pk)
    )


def _decide(match: CandidateMatch, acting_user: Any, status: str, reason: str) -> None:
    match.status = status
    match.decided_by = acting_user
    match.decided_at = timezone.now()
    match.decision_reason = reason.strip()
    match.full_clean()
    match.save()


def _regroup(person_ids: Iterable[int]) -> dict[int, PersonIdentity]:
    """Rebuild the identities around `person_ids` from the accepted matches: each connected
    group of two or more records is one identity. Returns person id -> identity."""
    seeds = set(person_ids)
    old = set(
        PersonIdentityMember.objects.filter(person_id__in=seeds).values_list(
            "identity_id", flat=True
        )
    )
    seeds |= set(
        PersonIdentityMember.objects.filter(identity_id__in=old).values_list("person_id", flat=True)
    )
    neighbours: dict[int, set[int]] = defaultdict(set)
    frontier, seen = set(seeds), set(seeds)
    while frontier:
        accepted = CandidateMatch.objects.filter(status=MatchStatus.ACCEPTED).filter(
            Q(person_a_id__in=frontier) | Q(person_b_id__in=frontier)
        )
        frontier = set()
        for a, b in accepted.values_list("person_a_id", "person_b_id"):
            neighbours[a].add(b)
            neighbours[b].add(a)
            frontier |= {a, b} - seen
            seen |= {a, b}
    PersonIdentityMember.objects.filter(person_id__in=seen).delete()
    PersonIdentity.objects.filter(pk__in=old).delete()
    out: dict[int, PersonIdentity] = {}
    placed: set[int] = set()
    for start in sorted(seen):
        if start in placed or not neighbours[start]:
            continue
        group, stack = set(), [start]
        while stack:
            pk = stack.pop()
            if pk not in group:
                group.add(pk)
                stack.extend(neighbours[pk] - group)
        placed |= group
        identity = PersonIdentity.objects.create()
        PersonIdentityMember.objects.bulk_create(
            PersonIdentityMember(identity=identity, person_id=pk) for pk in sorted(group)
        )
        out.update(dict.fromkeys(group, identity))
    return out


@transaction.atomic
def match_accept(*, acting_user: Any, match: CandidateMatch, reason: str = "") -> PersonIdentity:
    """The two records are the same person: group them into one identity. Combination."""
    match = _locked(match)
    _require_can_decide(acting_user, match)
    if match.status == MatchStatus.ACCEPTED:
        raise ApplicationError("This match has already been accepted.")
    _decide(match, acting_user, MatchStatus.ACCEPTED, reason)
    identity = _regroup(match.people)[match.person_a_id]
    audit_log_many(
        acting_user=acting_user,
        action=Action.COMBINATION,
        objects=[("person", match.person_a_id), ("person", match.person_b_id)],
        justification=reason.strip(),
        detail={
            "operation": "linked as the same person",
            "candidate_match": match.pk,
            "identity": identity.pk,
            "match_probability": round(match.match_probability, 6),
        },
    )
    return identity


@transaction.atomic
def match_reject(*, acting_user: Any, match: CandidateMatch, reason: str) -> CandidateMatch:
    """Not the same person: never suggested again."""
    if not reason.strip():
        raise ValidationError({"reason": "Say why these are not the same person"})
    match = _locked(match)
    _require_can_decide(acting_user, match)
    if match.status == MatchStatus.ACCEPTED:
        raise ApplicationError("This match was accepted: unmerge the records instead.")
    _decide(match, acting_user, MatchStatus.REJECTED, reason)
    _audit_decision(acting_user, match, "rejected: not the same person")
    return match


@transaction.atomic
def match_defer(*, acting_user: Any, match: CandidateMatch, reason: str = "") -> CandidateMatch:
    """Not decided yet (e.g. waiting for another agency): stays in the queue, under Deferred."""
    match = _locked(match)
    _require_can_decide(acting_user, match)
    if match.status in (MatchStatus.ACCEPTED, MatchStatus.REJECTED):
        raise ApplicationError("This match has already been decided.")
    _decide(match, acting_user, MatchStatus.DEFERRED, reason)
    _audit_decision(acting_user, match, "deferred")
    return match


def _audit_decision(acting_user: Any, match: CandidateMatch, operation: str) -> None:
    audit_log(
        acting_user=acting_user,
        action=Action.ALTERATION,
        object_type="candidatematch",
        object_id=match.pk,
        justification=match.decision_reason,
        detail={"operation": operation, "people": list(match.people)},
    )


@transaction.atomic
def identity_unmerge(*, acting_user: Any, person: Person, reason: str) -> list[CandidateMatch]:
    """Take `person` out of the identity it was merged into: every accepted match joining it
    becomes rejected (so it is not suggested again) and the identities are rebuilt. The person
    records themselves were never changed, so they are exactly as they were."""
    if not (can_see_record(acting_user, person) and can_change_record(acting_user, person)):
        raise PermissionDenied("You cannot change this record.")
    if not reason.strip():
        raise ValidationError({"reason": "Say why these records are not the same person"})
    matches = list(
        CandidateMatch.objects.select_for_update()
        .filter(status=MatchStatus.ACCEPTED)
        .filter(Q(person_a=person) | Q(person_b=person))
    )
    if not matches:
        raise ApplicationError("This record is not merged with another.")
    touched = {pk for m in matches for pk in m.people}
    for match in matches:
        _decide(match, acting_user, MatchStatus.REJECTED, f"Unmerged: {reason.strip()}")
    _regroup(touched)
    audit_log_many(
        acting_user=acting_user,
        action=Action.ALTERATION,
        objects=[("person", pk) for pk in sorted(touched)],
        justification=reason.strip(),
        detail={
            "operation": "unmerged: no longer linked as the same person",
            "unmerged_person": person.pk,
            "candidate_matches": [m.pk for m in matches],
        },
    )
    return matches
