"""The warning-sign taxonomy: every vulnerability, warning sign, location of concern, online
method, coercion method and type of exploitation in the guidance (Responding to child sexual
exploitation), as coded items.

The items live in `policy/taxonomy.json`, each carrying the guidance wording verbatim and the
section it comes from. Codes are stable forever: observations recorded years ago still point at
them. Items marked `derived` are computed by the application from POLE records rather than
ticked by hand; `counts_as` names the guidance item they are an instance of.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from vigil.core.policy import load_policy

KINDS: tuple[str, ...] = (
    "vulnerability",
    "warning_sign",
    "location_of_concern",
    "online_method",
    "coercion_method",
    "exploitation_type",
)

# The guidance's five warning-sign headings, in its order (Warning signs).
CATEGORIES: tuple[str, ...] = (
    "emotional_behavioural",
    "education",
    "identity",
    "family_social",
    "health",
)


@dataclass(frozen=True, slots=True)
class TaxonomyItem:
    code: str
    kind: str
    category: str | None
    label: str
    source: str
    section: str
    derived: bool = False
    counts_as: str = ""
    derived_from: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The `vigil taxonomy --json` shape: the contract's keys, then section and derived."""
        return {
            "code": self.code,
            "kind": self.kind,
            "category": self.category,
            "label": self.label,
            "source": self.source,
            "section": self.section,
            "derived": self.derived,
        }


@dataclass(frozen=True)
class Taxonomy:
    version: str
    source: str
    items: tuple[TaxonomyItem, ...]
    category_labels: dict[str, str]
    _by_code: dict[str, TaxonomyItem] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Frozen, so set the derived index through object.__setattr__ once.
        object.__setattr__(self, "_by_code", {item.code: item for item in self.items})

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    def __iter__(self) -> Iterator[TaxonomyItem]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def get(self, code: str) -> TaxonomyItem:
        """The item with this code; KeyError if there is none."""
        return self._by_code[code]

    def by_kind(self, kind: str) -> tuple[TaxonomyItem, ...]:
        if kind not in KINDS:
            raise ValueError(f"kind: {kind!r} is not one of {', '.join(KINDS)}")
        return tuple(item for item in self.items if item.kind == kind)

    def by_category(self, category: str) -> tuple[TaxonomyItem, ...]:
        if category not in CATEGORIES:
            raise ValueError(f"category: {category!r} is not one of {', '.join(CATEGORIES)}")
        return tuple(item for item in self.items if item.category == category)

    def warning_signs_by_category(
        self, *, include_derived: bool = False
    ) -> dict[str, tuple[TaxonomyItem, ...]]:
        """Warning signs grouped under the guidance's headings, in its order, for the
        "record a concern" checkboxes. Derived items are left out by default: the application
        computes them, a practitioner does not tick them."""
        return {
            category: tuple(
                item for item in self.by_category(category) if include_derived or not item.derived
            )
            for category in CATEGORIES
        }


def _item(raw: dict[str, Any]) -> TaxonomyItem:
    code = raw["code"]
    kind = raw["kind"]
    category = raw.get("category")
    if kind not in KINDS:
        raise ValueError(f"taxonomy {code}: kind {kind!r} is not one of {KINDS}")
    # Only warning signs sit under the guidance's five headings; everything else has none.
    if kind == "warning_sign" and category not in CATEGORIES:
        raise ValueError(f"taxonomy {code}: warning sign needs a category from {CATEGORIES}")
    if kind != "warning_sign" and category is not None:
        raise ValueError(f"taxonomy {code}: only warning signs have a category")
    return TaxonomyItem(
        code=code,
        kind=kind,
        category=category,
        label=raw["label"],
        source=raw["source"],
        section=raw["section"],
        derived=bool(raw.get("derived", False)),
        counts_as=raw.get("counts_as") or code,
        derived_from=raw.get("derived_from"),
    )


@cache
def load_taxonomy() -> Taxonomy:
    """The taxonomy from policy data, checked for internal consistency."""
    data = load_policy("taxonomy")
    items = tuple(_item(raw) for raw in data["items"])
    codes = [item.code for item in items]
    if len(codes) != len(set(codes)):
        raise ValueError("taxonomy: duplicate codes")
    known = set(codes)
    for item in items:
        if item.counts_as not in known:
            raise ValueError(f"taxonomy {item.code}: counts_as {item.counts_as!r} is unknown")
    return Taxonomy(
        version=str(data["version"]),
        source=str(data["source"]),
        items=items,
        category_labels=dict(data.get("categories", {})),
    )
