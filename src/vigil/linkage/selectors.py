"""Every read of the linkage area. A candidate match is shown only to someone who may see both
of its records; every record shown is audited as a consultation, as in people.selectors."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import Case, Count, Q, QuerySet, Sum, Value, When
from django.http import Http404, HttpRequest

from vigil.accounts.access import can_see_record, visibility_q
from vigil.accounts.justification import justification_for
from vigil.audit.models import Action
from vigil.audit.services import audit_log, audit_log_many
from vigil.core.linkage import PairScorer, blocking_keys
from vigil.core.linkage.standardise import standardise_record
from vigil.linkage.models import (
    CandidateMatch,
    LinkageRun,
    MatchStatus,
    PersonBlockingKey,
    PersonIdentityMember,
    PersonLinkageRecord,
)
from vigil.linkage.services import Home, homes_and_phones, index_new_people
from vigil.people.models import Person

# "Already known?" shows people at or above this probability: lower than the review queue's,
# because here a person is looking and a wrong suggestion costs a glance, a missed one a
# duplicate record.
SUGGEST_THRESHOLD = 0.3
SUGGEST_LIMIT = 5
# Candidates scored per lookup: those sharing the most blocking-key weight with what was typed.
# Scoring 100 rows costs little more than 50 (planning the query is most of it).
CANDIDATE_LIMIT = 100
# Ranked people checked for need-to-know per candidate scored: room for the ones hidden from
# the user among the best-connected.
RANKED_PER_CANDIDATE = 2
# How much sharing a key says, by its kind (core.linkage.blocking_keys; others count 2). At 1M
# people an exact DOB (or a name variant with it) narrows to tens of people, both names as
# they sound with no DOB to thousands for a common name: counted equally, a near-duplicate
# whose typo changed the names' sound tied with thousands and fell out of the candidates
# (measured at 1M: found 75.5% of near-duplicates, 82% with these weights; 98.5% at 100k).
KEY_WEIGHTS = {"1d:": 4, "1vd:": 4, "1pn:": 1}


def _visible_matches(user: Any) -> QuerySet[CandidateMatch]:
    return CandidateMatch.objects.filter(visibility_q(user, "person_a__")).filter(
        visibility_q(user, "person_b__")
    )


@dataclass
class Queue:
    matches: list[CandidateMatch]
    counts: dict[str, int]
    status: str


def review_queue(user: Any, *, status: str = MatchStatus.PENDING, limit: int = 100) -> Queue:
    """Matches in one status whose records the user may both see, most likely first. Names
    are shown in the list, so each record listed is audited (one entry per record)."""
    visible = _visible_matches(user)
    counts = dict.fromkeys(MatchStatus.values, 0)
    for row in visible.values("status").annotate(n=Count("id")):
        counts[row["status"]] = row["n"]
    matches = list(
        visible.filter(status=status)
        .select_related("person_a", "person_b", "decided_by")
        .order_by("-match_probability", "id")[:limit]
    )
    people = sorted({pk for m in matches for pk in m.people})
    if people:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[("person", pk) for pk in people],
            justification="Possible duplicates review queue",
        )
    return Queue(matches=matches, counts=counts, status=status)


def get_match(user: Any, pk: int | str, *, request: HttpRequest | None = None) -> CandidateMatch:
    """One candidate match, or 404 (the same whether it does not exist or either record is
    hidden). Audits a consultation of both records: the page shows them side by side. Pages
    pass `request`: a sensitive record then needs the session's "why are you looking?"."""
    try:
        match = CandidateMatch.objects.select_related("person_a", "person_b", "decided_by").get(
            pk=pk
        )
    except (CandidateMatch.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if not (can_see_record(user, match.person_a) and can_see_record(user, match.person_b)):
        raise Http404
    for person in (match.person_a, match.person_b):
        reason = justification_for(request, person) if request is not None else ""
        audit_log(
            acting_user=user,
            action=Action.CONSULTATION,
            object_type="person",
            object_id=person.pk,
            justification=reason or f"Reviewing possible duplicate {match.pk}",
        )
    return match


@dataclass
class ComparedField:
    label: str
    left: str
    right: str
    agree: bool | str | None  # True, False, "similar" (the model's word), None: not compared


@dataclass
class Comparison:
    rows: list[ComparedField]
    evidence: list[dict[str, Any]] = field(default_factory=list)


def _show(value: Any) -> str:
    if value is None or value == "" or value == []:
        return ""
    if isinstance(value, date):
        return value.strftime("%-d %B %Y")
    return str(value)


def compare(match: CandidateMatch) -> Comparison:
    """The two records field by field, with which agree (after the core's standardising, so
    "St" and "Street" agree), and the model's evidence per comparison."""
    a, b = match.person_a, match.person_b
    std = {
        r.person_id: r.record
        for r in PersonLinkageRecord.objects.filter(person_id__in=match.people)
    }
    sa, sb = std.get(a.pk, {}), std.get(b.pk, {})
    model_says = {f["comparison"]: f["kind"] for f in match.explanation.get("fields", [])}
    rows = []
    for label, attr, key, comparison in (
        ("Given names", "given_names", "given_name", "given_name"),
        ("Family name", "family_name", "family_name", "family_name"),
        ("Date of birth", "date_of_birth", "dob", "date_of_birth"),
    ):
        left, right = getattr(a, attr), getattr(b, attr)
        both = left not in (None, "") and right not in (None, "")
        same: bool | str | None = (sa.get(key) or left) == (sb.get(key) or right) if both else None
        if same is False and model_says.get(comparison) == "similar":
            same = "similar"  # "Kay" and "Kayleigh": a nickname, not a disagreement
        rows.append(ComparedField(label, _show(left), _show(right), same))
    rows.append(
        ComparedField(
            "How sure is the date of birth?",
            a.get_date_of_birth_precision_display(),
            b.get_date_of_birth_precision_display(),
            a.date_of_birth_precision == b.date_of_birth_precision,
        )
    )
    # Shown as recorded, compared as the model compared them (standardised).
    homes, phones = homes_and_phones(Q(from_person_id__in=match.people))
    recorded = {pk: _recorded_contact(homes.get(pk), phones.get(pk, "")) for pk in match.people}
    for label, key in (("Postcode", "postcode"), ("Address", "address"), ("Phone", "phone")):
        std_left, std_right = sa.get(key) or "", sb.get(key) or ""
        rows.append(
            ComparedField(
                label,
                recorded[a.pk].get(key) or std_left,
                recorded[b.pk].get(key) or std_right,
                std_left == std_right if std_left and std_right else None,
            )
        )
    known = "unknown" not in (a.gender, b.gender)
    rows.append(
        ComparedField(
            "Gender",
            a.get_gender_display(),
            b.get_gender_display(),
            a.gender == b.gender if known else None,
        )
    )
    rows.append(ComparedField("Owning agency", str(a.owning_agency), str(b.owning_agency), None))
    return Comparison(rows=rows, evidence=list(match.explanation.get("fields", [])))


def _recorded_contact(home: Home | None, phone: str) -> dict[str, str]:
    if home is None:
        return {"phone": phone}
    return {"postcode": home.postcode, "address": home.address(", "), "phone": phone}


def latest_run() -> LinkageRun | None:
    return LinkageRun.objects.select_related("requested_by").first()


def same_person_as(user: Any, person: Person) -> list[Person] | None:
    """The other records accepted as the same person as `person`, that the user may see (the
    person page's "Same person as" panel), or None when there are none to show. Records the
    user may not see are left out without a trace (need-to-know)."""
    member = PersonIdentityMember.objects.filter(person=person).first()
    if member is None:
        return None
    others = (
        Person.objects.filter(linkage_identity__identity_id=member.identity_id)
        .exclude(pk=person.pk)
        .filter(visibility_q(user))
        .order_by("pk")
    )
    shown = list(others)
    if shown:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[("person", p.pk) for p in shown],
            justification=f"Shown as the same person as P-{person.pk}",
        )
    return shown or None


def pending_for(user: Any, person: Person) -> int:
    """How many undecided possible duplicates of `person` the user may review."""
    return (
        _visible_matches(user)
        .filter(status__in=[MatchStatus.PENDING, MatchStatus.DEFERRED])
        .filter(Q(person_a=person) | Q(person_b=person))
        .count()
    )


# --- "Already known?" -------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    person: Person
    match_probability: float
    evidence: list[dict[str, Any]]


class _Scorers:
    """One PairScorer per process for the latest finished run's model, rebuilt when a newer
    run finishes. Building one takes about 3 seconds (DuckDB, Splink's linker, planning the
    first query), so `warm` builds it in the background when the form opens. Scoring is
    serialised: one DuckDB connection."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple[int | None, int] = (-1, 0)
        self.scorer: PairScorer | None = None

    @staticmethod
    def _latest(n_people: int) -> tuple[tuple[int | None, int], LinkageRun | None]:
        run = (
            LinkageRun.objects.filter(status=LinkageRun.Status.FINISHED, trained=True)
            .only("pk")
            .first()
        )
        # The untrained model's prior odds follow the number of people, by order of magnitude
        # (one in n people is the one typed in); a trained model has its own.
        return ((run.pk, 0) if run else (None, len(str(max(n_people, 1))))), run

    def _built(self, key: tuple[int | None, int]) -> bool:
        return self.scorer is not None and self.key == key

    def _scorer_for(self, key: tuple[int | None, int], run: LinkageRun | None) -> PairScorer:
        """The scorer for `key` (built if need be). Call with the lock held; `run` is the
        latest run with its model loaded, or None."""
        if self.scorer is None or self.key != key:
            self.scorer = PairScorer(
                run.model if run else None,
                term_frequencies=run.term_frequencies if run else None,
                n_records=10 ** (key[1] - 1) if run is None else 1,
            )
            self.key = key
        return self.scorer

    def score(
        self, row: dict[str, Any], candidates: list[dict[str, Any]], *, n_people: int
    ) -> list[Any]:
        key, run = self._latest(n_people)
        with self.lock:
            if run is not None and not self._built(key):
                run = LinkageRun.objects.get(pk=run.pk)
            return self._scorer_for(key, run).score(
                row, candidates, min_probability=SUGGEST_THRESHOLD, limit=SUGGEST_LIMIT
            )

    def warm(self, *, n_people: int) -> threading.Thread | None:
        """Build the scorer for the latest run in a background thread, unless it is built.
        The database is read here (the thread touches only DuckDB). Returns the thread."""
        key, run = self._latest(n_people)
        if self._built(key):
            return None
        if run is not None:
            run = LinkageRun.objects.get(pk=run.pk)

        def build() -> None:
            with self.lock:
                if self._built(key):
                    return
                scorer = self._scorer_for(key, run)
                probe = standardise_record(_PROBE)
                scorer.score(probe, [dict(probe, record_id="other")], min_probability=1.0)

        thread = threading.Thread(target=build, name="vigil-warm-already-known", daemon=True)
        thread.start()
        return thread


# A made-up person scored once against herself to plan the scoring query before it is needed.
_PROBE = {
    "source": "warm", "record_id": "probe", "given_name": "Ann", "family_name": "Example",
    "date_of_birth": "2000-01-01", "postcode": "", "address": "", "phone": "",
}  # fmt: skip


_scorers = _Scorers()


def warm_already_known() -> threading.Thread | None:
    """Get "already known?" ready for the first lookup (see _Scorers.warm)."""
    highest = Person.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return _scorers.warm(n_people=highest)


def _ranked_by_shared_keys(keys: list[str]) -> QuerySet[Any, Any]:
    """Ids of the people sharing the most key weight with `keys`, best first (no access
    check: callers keep only the visible ones). One pass over the (key, person) index."""
    weight = Case(
        *(When(key__startswith=kind, then=Value(w)) for kind, w in KEY_WEIGHTS.items()),
        default=Value(2),
    )
    return (
        PersonBlockingKey.objects.filter(key__in=keys)
        .values("person_id")
        .annotate(shared=Sum(weight))
        .order_by("-shared", "person_id")[: CANDIDATE_LIMIT * RANKED_PER_CANDIDATE]
    )


def already_known(
    user: Any,
    *,
    given_names: str = "",
    family_name: str = "",
    date_of_birth: date | None = None,
    postcode: str = "",
) -> list[Suggestion]:
    """People the user may see who may be the person they are typing in, best first.

    One indexed query finds the people sharing blocking keys with what was typed (only visible
    ones), the best-connected CANDIDATE_LIMIT are scored with the linkage model, and each one
    suggested is audited as a consultation (the user sees their name and date of birth)."""
    highest = index_new_people()
    row = standardise_record(
        {
            "source": "query",
            "record_id": "new",
            "given_name": given_names,
            "family_name": family_name,
            "date_of_birth": date_of_birth.isoformat() if date_of_birth else "",
            "postcode": postcode,
        }
    )
    keys = blocking_keys(row)
    if not keys:
        return []
    # Rank on the key index alone (a covering index on key, person), then check need-to-know
    # on the best few: joining every key row to the person table and the grants made common
    # names (thousands of rows a key at 1M people) the slow part of a lookup.
    ranked = [hit["person_id"] for hit in _ranked_by_shared_keys(keys)]
    visible = set(
        Person.objects.filter(pk__in=ranked).filter(visibility_q(user)).values_list("pk", flat=True)
    )
    ids = [pk for pk in ranked if pk in visible][:CANDIDATE_LIMIT]
    records = list(
        PersonLinkageRecord.objects.filter(person_id__in=ids).values_list("record", flat=True)
    )
    scored = _scorers.score(row, records, n_people=highest)
    people = Person.objects.in_bulk([int(c.key[1]) for c in scored])
    suggestions = [
        Suggestion(
            person=people[int(c.key[1])],
            match_probability=c.match_probability,
            evidence=[
                {"comparison": f.comparison, "level": f.level, "kind": f.kind}
                for f in c.explanation.fields
            ],
        )
        for c in scored
        if int(c.key[1]) in people
    ]
    if suggestions:
        audit_log_many(
            acting_user=user,
            action=Action.CONSULTATION,
            objects=[("person", s.person.pk) for s in suggestions],
            justification="“Already known?” suggestion while adding a person",
        )
    return suggestions
