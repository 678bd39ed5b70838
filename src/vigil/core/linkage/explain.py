"""Why two records were (or were not) linked: per field, what Splink found and what it weighed.

A reviewer sees this side by side with the records, so each field's evidence says in words
which level it fell into ("DOB day and month transposed"), whether that is agreement, and the
match weight (log2 Bayes factor) it contributed, term-frequency adjustment included.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

import splink.comparison_level_library as cll

from vigil.core.linkage.model import Level

Kind = Literal["agree", "similar", "differ", "missing"]


@dataclass(frozen=True)
class FieldEvidence:
    comparison: str  # "given_name", "date_of_birth", "family_name", "location"
    level: str  # the level's label, e.g. "given name nickname or spelling variant"
    kind: Kind
    match_weight: float  # log2 Bayes factor; 0 for a missing (or gated) field


@dataclass(frozen=True)
class PairExplanation:
    fields: tuple[FieldEvidence, ...]
    prior_match_weight: float  # log2 of the prior odds two random records are the same person
    match_weight: float
    match_probability: float

    @property
    def agreed(self) -> list[str]:
        return [f.comparison for f in self.fields if f.kind == "agree"]

    @property
    def differed(self) -> list[str]:
        return [f.comparison for f in self.fields if f.kind == "differ"]

    def summary(self) -> str:
        """One line for a review queue: "given_name: given name exact (+6.1); ..."."""
        parts = [f"{f.comparison}: {f.level} ({f.match_weight:+.1f})" for f in self.fields]
        return f"p={self.match_probability:.3f}; " + "; ".join(parts)


def gamma_labels(levels: Mapping[str, list[Level]]) -> dict[str, dict[int, Level]]:
    """Map each comparison's Splink gamma value to our Level.

    Splink numbers a comparison's levels from n-1 (first non-null level) down to 0 (the else
    level), and gives null levels -1.
    """
    out: dict[str, dict[int, Level]] = {}
    for name, comparison_levels in levels.items():
        non_null = [lv for lv in comparison_levels if lv.kind != "missing"]
        table = {len(non_null) - 1 - i: lv for i, lv in enumerate(non_null)}
        for lv in comparison_levels:
            if lv.kind == "missing":
                table[-1] = lv
        out[name] = table
    return out


def saved_model_labels(
    model: Mapping[str, Any], levels: Mapping[str, list[Level]]
) -> dict[str, dict[int, Level]]:
    """gamma_labels for a saved model (Splink's JSON), from the levels it was saved with: a
    model an app saved before a level was added numbers its levels as they were then. A label
    `levels` no longer has keeps its words, as a disagreement (or missing, if a null level)."""
    known = {(name, lv.label): lv for name, its in levels.items() for lv in its}
    saved: dict[str, list[Level]] = {}
    for comparison in model.get("comparisons", []):
        name = comparison["output_column_name"]
        saved[name] = [
            known.get((name, level.get("label_for_charts", "")))
            or Level(
                str(level.get("label_for_charts", "")),
                "missing" if level.get("is_null_level") else "differ",
                cll.ElseLevel(),
            )
            for level in comparison.get("comparison_levels", [])
        ]
    return gamma_labels(saved)


def _number(value: Any, default: float = 1.0) -> float:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return default
    return float(value)


def explain_row(
    row: Mapping[str, Any], labels: Mapping[str, Mapping[int, Level]], prior: float
) -> PairExplanation:
    """Explain one row of Splink's predictions (retain_intermediate_calculation_columns=True).

    A null level (field missing, or silenced by the household gate) contributes exactly 0.
    """
    fields = []
    for name, table in labels.items():
        gamma = int(_number(row.get(f"gamma_{name}"), -1))
        level = table[gamma]
        # Splink 5 retains log2 weights: mw_<name> and, with term frequencies, mw_tf_adj_<name>.
        weight = _number(row.get(f"mw_{name}"), 0.0) + _number(row.get(f"mw_tf_adj_{name}"), 0.0)
        fields.append(FieldEvidence(name, level.label, level.kind, round(weight, 3)))
    return PairExplanation(
        fields=tuple(fields),
        prior_match_weight=round(math.log2(prior / (1 - prior)), 3),
        match_weight=round(_number(row.get("match_weight"), 0.0), 3),
        match_probability=_number(row.get("match_probability"), 0.0),
    )
