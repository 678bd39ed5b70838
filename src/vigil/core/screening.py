"""Explainable CSE screening: from a child's dated observations to an ordered level with reasons.

`screen_child()` is pure and fast. The rules, levels, recency windows, review periods and the
"what to do next" advice are data in `policy/screening.json`, each citing the guidance
(Responding to child sexual exploitation); this module only evaluates them.

How a result is reached (also in the policy's `notes`):
- an observation counts if it is inside its recency window on the assessment date;
- a rule fires when each of its conditions holds: at least N *different* indicators from a
  selection (by kind, category or code), optionally only for a child under an age;
- the rule result is the highest level of any fired rule, or rank 0 "no indicators recorded"
  (never "no risk": CSE is under-reported, guidance: Warning signs);
- professional judgement may raise it with a reason; lowering it needs a supervisor's approval.

Conditions only ever count upwards, so adding an observation can never lower the result, and
counting ignores order, so the order of observations never matters.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from typing import Any

from vigil.core.dates import age_on
from vigil.core.policy import load_policy
from vigil.core.taxonomy import CATEGORIES, KINDS, Taxonomy, load_taxonomy

ADULT_AGE = 18  # Children Act 1989: a child is under 18; screening refuses adults (DOMAIN.md).
IN_CARE_CODE = "VUL-LIVING-IN-CARE"  # derived item the `in_care` flag stands for
IN_CARE_REF = "in_care"
OVERRIDE_RULE = "professional_judgement"
NOT_COUNTED_RULE = "not_counted"


class ScreeningInputError(ValueError):
    """Input that cannot be screened. `field` names the offending input, e.g.
    `observations[2].code`; the message starts with it."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field


@dataclass(frozen=True, slots=True)
class Observation:
    """One dated observation of a taxonomy item about the child. `ref` is the caller's handle
    on the record (e.g. an observation id, or the records a derived observation came from), so
    reasons can name it."""

    code: str
    observed_on: date
    ref: str | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"code": self.code, "observed_on": self.observed_on.isoformat()}
        if self.ref is not None:
            out["ref"] = self.ref
        return out


@dataclass(frozen=True, slots=True)
class Override:
    """Professional judgement. Raising needs only a reason. Lowering below the rule result
    applies only with `approved_by` (the supervisor) and `approved_rule_rank` (the rule result
    they approved against); if the rules later give more than that, the lowering lapses."""

    rank: int
    reason: str
    approved_by: str | None = None
    approved_rule_rank: int | None = None


@dataclass(frozen=True, slots=True)
class Level:
    rank: int
    level: str
    label: str
    meaning: str
    review_after_days: int | None


@dataclass(frozen=True, slots=True)
class Reason:
    """Why the result is what it is: a fired rule with the observations that satisfied it, a
    professional-judgement note, or the observations not counted because they are too old."""

    rule: str
    level: str
    rank: int
    text: str
    observations: tuple[Observation, ...] = ()
    rationale: str = ""
    cites: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        taxonomy = load_taxonomy()
        observations = []
        for obs in self.observations:
            row = obs.to_dict()
            row["label"] = taxonomy.get(obs.code).label
            observations.append(row)
        return {
            "rule": self.rule,
            "level": self.level,
            "rank": self.rank,
            "text": self.text,
            "rationale": self.rationale,
            "cites": list(self.cites),
            "observations": observations,
        }


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    level: str
    rank: int
    label: str
    rule_level: str  # what the rules alone say, shown beside any professional judgement
    rule_rank: int
    rule_label: str
    reasons: tuple[Reason, ...]
    policy_version: str
    assessed_on: date
    age: int
    review_on: date | None  # None at rank 0: nothing to review

    def to_dict(self) -> dict[str, Any]:
        """The `vigil screen --json` contract shape."""
        return {
            "level": self.level,
            "rank": self.rank,
            "label": self.label,
            "reasons": [reason.to_dict() for reason in self.reasons],
            "policy_version": self.policy_version,
        }

    @property
    def counted_codes(self) -> frozenset[str]:
        """Codes of the observations that were counted (inside their recency window)."""
        return frozenset(
            obs.code
            for reason in self.reasons
            if reason.rule not in (OVERRIDE_RULE, NOT_COUNTED_RULE)
            for obs in reason.observations
        )


@dataclass(frozen=True, slots=True)
class Advice:
    id: str
    action: str
    rationale: str
    cites: tuple[str, ...]
    triggered_by: tuple[str, ...]  # counted codes that triggered it; empty if by level alone

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "action": self.action,
            "rationale": self.rationale,
            "cites": list(self.cites),
            "triggered_by": list(self.triggered_by),
        }


# --- compiled policy --------------------------------------------------------------------------

# Rules are compiled once into bit masks: each indicator (a taxonomy code, or the guidance item a
# derived code counts as) gets one bit, so "at least N different indicators from a selection"
# is one AND and one popcount. This is what lets a million children screen in seconds.


@dataclass(frozen=True, slots=True)
class _Rule:
    id: str
    rank: int
    level: str
    age_under: int
    conditions: tuple[tuple[int, int], ...]  # (mask, min_distinct)
    mask: int  # union of the condition masks: which observations the reason lists
    text: str
    rationale: str
    cites: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class _Advice:
    id: str
    action: str
    rationale: str
    cites: tuple[str, ...]
    min_rank: int
    age_under: int
    mask: int | None  # None: level alone triggers it


@dataclass(frozen=True)
class ScreeningPolicy:
    version: str
    levels: tuple[Level, ...]
    rules: tuple[_Rule, ...]  # highest rank first, then policy order
    advice: tuple[_Advice, ...]
    siblings_from_rank: int
    # code -> (indicator bit, recency window in days or None for never)
    codes: dict[str, tuple[int, int | None]]

    def level_for_rank(self, rank: int) -> Level:
        return self.levels[rank]


def _select_mask(select: dict[str, Any], taxonomy: Taxonomy, bits: dict[str, int]) -> int:
    unknown = set(select) - {"kinds", "categories", "codes"}
    if unknown:
        raise ValueError(f"screening policy: unknown selector keys {sorted(unknown)}")
    mask = 0
    for kind in select.get("kinds", ()):
        if kind not in KINDS:
            raise ValueError(f"screening policy: unknown kind {kind!r}")
    for category in select.get("categories", ()):
        if category not in CATEGORIES:
            raise ValueError(f"screening policy: unknown category {category!r}")
    for code in select.get("codes", ()):
        if code not in taxonomy:
            raise ValueError(f"screening policy: unknown code {code!r}")
    for item in taxonomy:
        if (
            item.kind in select.get("kinds", ())
            or item.category in select.get("categories", ())
            or item.code in select.get("codes", ())
        ):
            mask |= bits[item.code]
    return mask


def _cites(raw: list[dict[str, str]]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c["section"] for c in raw))


@cache
def load_screening_policy() -> ScreeningPolicy:
    """The screening policy compiled against the taxonomy; checked on load."""
    data = load_policy("screening")
    taxonomy = load_taxonomy()

    levels = tuple(
        Level(
            rank=raw["rank"],
            level=raw["level"],
            label=raw["label"],
            meaning=raw["meaning"],
            review_after_days=raw["review_after_days"],
        )
        for raw in data["levels"]
    )
    if [lvl.rank for lvl in levels] != list(range(len(levels))):
        raise ValueError("screening policy: levels must be ranked 0, 1, 2, ... in order")
    if "no risk" in " ".join(f"{lvl.level} {lvl.label}" for lvl in levels).lower():
        raise ValueError("screening policy: never label a level 'no risk' (DOMAIN.md)")
    rank_of = {lvl.level: lvl.rank for lvl in levels}

    # One bit per indicator; a derived code shares the bit of the item it counts as.
    key_bit: dict[str, int] = {}
    bits: dict[str, int] = {}
    for item in taxonomy:
        key_bit.setdefault(item.counts_as, 1 << len(key_bit))
    for item in taxonomy:
        bits[item.code] = key_bit[item.counts_as]

    recency = data["recency_days"]
    codes: dict[str, tuple[int, int | None]] = {}
    for item in taxonomy:
        window = recency["by_code"].get(item.code, recency["by_kind"][item.kind])
        codes[item.code] = (bits[item.code], window)
    for code in recency["by_code"]:
        if code not in taxonomy:
            raise ValueError(f"screening policy: recency for unknown code {code!r}")

    rules = []
    for order, raw in enumerate(data["rules"]):
        conditions = tuple(
            (_select_mask(cond["select"], taxonomy, bits), int(cond["min_distinct"]))
            for cond in raw["when"]
        )
        if not conditions or any(n < 1 for _, n in conditions):
            # A condition needing nothing would fire on an empty record.
            raise ValueError(f"screening policy: rule {raw['id']} must need an observation")
        mask = 0
        for cond_mask, _ in conditions:
            mask |= cond_mask
        rules.append(
            (
                -rank_of[raw["level"]],
                order,
                _Rule(
                    id=raw["id"],
                    rank=rank_of[raw["level"]],
                    level=raw["level"],
                    age_under=int(raw.get("age_under", ADULT_AGE)),
                    conditions=conditions,
                    mask=mask,
                    text=raw["text"],
                    rationale=raw["rationale"],
                    cites=_cites(raw["cites"]),
                ),
            )
        )
    rules.sort(key=lambda t: (t[0], t[1]))

    advice = tuple(
        _Advice(
            id=raw["id"],
            action=raw["action"],
            rationale=raw["rationale"],
            cites=_cites(raw["cites"]),
            min_rank=int(raw["when"].get("min_rank", 1)),
            age_under=int(raw["when"].get("age_under", ADULT_AGE)),
            mask=(
                _select_mask(raw["when"]["any_of"], taxonomy, bits)
                if "any_of" in raw["when"]
                else None
            ),
        )
        for raw in data["advice"]
    )

    return ScreeningPolicy(
        version=f"screening {data['version']}; taxonomy {taxonomy.version}",
        levels=levels,
        rules=tuple(rule for _, _, rule in rules),
        advice=advice,
        siblings_from_rank=int(data["siblings"]["consider_screening_from_rank"]),
        codes=codes,
    )


def _obs_key(pair: tuple[Observation, int]) -> tuple[date, str, str]:
    obs = pair[0]
    return (obs.observed_on, obs.code, obs.ref or "")


def screen_child(
    *,
    date_of_birth: date,
    assessed_on: date,
    observations: Iterable[Observation],
    in_care: bool = False,
    override: Override | None = None,
) -> ScreeningResult:
    """Screen one child on `assessed_on`. Raises ScreeningInputError (naming the field) for an
    adult, an unknown code, an observation dated after the assessment or before birth, or an
    override without a reason."""
    policy = load_screening_policy()
    try:
        age = age_on(date_of_birth, assessed_on)
    except ValueError:
        raise ScreeningInputError("date_of_birth", "is after assessed_on") from None
    if age >= ADULT_AGE:
        # Screening is for children only; an adult record gets a refusal, not a score.
        raise ScreeningInputError(
            "date_of_birth",
            f"the person is {age} on {assessed_on.isoformat()}; "
            f"CSE screening applies to under-{ADULT_AGE}s only",
        )

    codes = policy.codes
    counted: list[tuple[Observation, int]] = []
    not_counted: list[Observation] = []
    present = 0
    for index, obs in enumerate(observations):
        entry = codes.get(obs.code)
        if entry is None:
            raise ScreeningInputError(
                f"observations[{index}].code", f"{obs.code!r} is not a taxonomy code"
            )
        observed_on = obs.observed_on
        if observed_on > assessed_on:
            raise ScreeningInputError(
                f"observations[{index}].observed_on",
                f"{observed_on.isoformat()} is after assessed_on {assessed_on.isoformat()}",
            )
        if observed_on < date_of_birth:
            raise ScreeningInputError(
                f"observations[{index}].observed_on",
                f"{observed_on.isoformat()} is before the date of birth",
            )
        bit, window = entry
        if window is None or (assessed_on - observed_on).days <= window:
            present |= bit
            counted.append((obs, bit))
        else:
            not_counted.append(obs)
    if in_care:
        # Living in care is a risk factor (guidance: Risk factors); care status is current.
        care = Observation(IN_CARE_CODE, assessed_on, IN_CARE_REF)
        bit = codes[IN_CARE_CODE][0]
        present |= bit
        counted.append((care, bit))

    rule_rank = 0
    rule_reasons: list[Reason] = []
    if present:
        counted.sort(key=_obs_key)
        for rule in policy.rules:
            if age >= rule.age_under:
                continue
            for mask, minimum in rule.conditions:
                if (present & mask).bit_count() < minimum:
                    break
            else:
                if rule.rank > rule_rank:
                    rule_rank = rule.rank
                rule_mask = rule.mask
                rule_reasons.append(
                    Reason(
                        rule.id,
                        rule.level,
                        rule.rank,
                        rule.text,
                        tuple([obs for obs, bit in counted if bit & rule_mask]),
                        rule.rationale,
                        rule.cites,
                    )
                )

    rank = rule_rank
    reasons: list[Reason] = []
    if override is not None:
        rank, note = _apply_override(policy, rule_rank, override)
        reasons.append(note)
    reasons.extend(rule_reasons)
    if not rule_reasons:
        # Say plainly what rank 0 means: nothing recorded, not a finding of safety.
        nothing = policy.levels[0]
        reasons.append(
            Reason(
                nothing.level,
                nothing.level,
                0,
                "No indicators are recorded within their recency windows.",
                (),
                nothing.meaning,
                ("Warning signs", "Working with partners"),
            )
        )
    if not_counted:
        not_counted.sort(key=lambda obs: (obs.observed_on, obs.code, obs.ref or ""))
        reasons.append(
            Reason(
                NOT_COUNTED_RULE,
                policy.levels[0].level,
                0,
                "Not counted: observed before its recency window on the assessment date. "
                "Re-record it if it is still seen.",
                tuple(not_counted),
                "Warning signs describe the child's present; old ones are re-checked, not counted.",
                ("screening.json: recency_days",),
            )
        )

    level = policy.levels[rank]
    rule_level = policy.levels[rule_rank]
    review_on = (
        None
        if level.review_after_days is None
        else assessed_on + timedelta(days=level.review_after_days)
    )
    return ScreeningResult(
        level=level.level,
        rank=rank,
        label=level.label,
        rule_level=rule_level.level,
        rule_rank=rule_rank,
        rule_label=rule_level.label,
        reasons=tuple(reasons),
        policy_version=policy.version,
        assessed_on=assessed_on,
        age=age,
        review_on=review_on,
    )


def _apply_override(
    policy: ScreeningPolicy, rule_rank: int, override: Override
) -> tuple[int, Reason]:
    top = len(policy.levels) - 1
    if isinstance(override.rank, bool) or not isinstance(override.rank, int):
        raise ScreeningInputError("override.rank", f"expected a whole number 0 to {top}")
    if not 0 <= override.rank <= top:
        raise ScreeningInputError("override.rank", f"{override.rank} is not a rank 0 to {top}")
    if not isinstance(override.reason, str) or not override.reason.strip():
        # Professional judgement is always recorded with its reason (DOMAIN.md: Risk levels).
        raise ScreeningInputError("override.reason", "a reason is required for an override")
    wanted = policy.levels[override.rank]
    ruled = policy.levels[rule_rank]
    reason = override.reason.strip()
    cites = ("DOMAIN.md: Risk levels",)
    if override.rank > rule_rank:
        rank = override.rank
        text = f"Raised from {ruled.label} to {wanted.label} by professional judgement: {reason}"
    elif override.rank == rule_rank:
        rank = rule_rank
        text = f"Professional judgement agrees with the rules ({ruled.label}): {reason}"
    elif override.approved_by and override.approved_rule_rank is not None:
        approved_against = policy.levels[min(max(override.approved_rule_rank, 0), top)]
        if rule_rank <= override.approved_rule_rank:
            rank = override.rank
            text = (
                f"Lowered from {ruled.label} to {wanted.label} by professional judgement, "
                f"approved by {override.approved_by}: {reason}"
            )
        else:
            # New evidence since the approval: the rules now say more than was approved.
            rank = rule_rank
            text = (
                f"Approved lowering to {wanted.label} (approved by {override.approved_by} "
                f"against {approved_against.label}) no longer applies: the rules now give "
                f"{ruled.label}. Reason given: {reason}"
            )
    else:
        rank = rule_rank
        text = (
            f"Professional judgement of {wanted.label} not applied: it is below the rule "
            f"result ({ruled.label}), and lowering needs a supervisor's approval. "
            f"Reason given: {reason}"
        )
    level = policy.levels[rank]
    note = Reason(
        OVERRIDE_RULE,
        level.level,
        rank,
        text,
        (),
        "A practitioner may raise the level with a recorded reason; lowering it below the "
        "rule result needs a supervisor's approval.",
        cites,
    )
    return rank, note


def advice_for(result: ScreeningResult) -> tuple[Advice, ...]:
    """Suggested next steps for a result, from the policy's advice table, in its order."""
    policy = load_screening_policy()
    counted = sorted(result.counted_codes)
    present = 0
    for code in counted:
        present |= policy.codes[code][0]
    out = []
    for row in policy.advice:
        if result.rank < row.min_rank or result.age >= row.age_under:
            continue
        triggered: tuple[str, ...] = ()
        if row.mask is not None:
            if not present & row.mask:
                continue
            triggered = tuple(code for code in counted if policy.codes[code][0] & row.mask)
        out.append(Advice(row.id, row.action, row.rationale, row.cites, triggered))
    return tuple(out)


def siblings_need_screening(result: ScreeningResult) -> bool:
    """Whether the child's siblings and household children get a "consider screening" task
    (guidance: Victims' families)."""
    return result.rank >= load_screening_policy().siblings_from_rank


def levels() -> tuple[Level, ...]:
    """The ordered levels, rank 0 first."""
    return load_screening_policy().levels
