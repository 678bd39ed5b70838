"""POLE link types as policy data: which kinds of record each may join, and how it reads in
each direction."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from vigil.core.policy import load_policy


@dataclass(frozen=True)
class LinkType:
    code: str
    label: str
    inverse_label: str
    from_kinds: frozenset[str]
    to_kinds: frozenset[str]
    symmetric: bool

    def label_from(self, viewpoint_is_source: bool) -> str:
        """How the link reads from one end: 'parent of' from the parent, 'child of' otherwise."""
        return self.label if viewpoint_is_source or self.symmetric else self.inverse_label


@cache
def link_types() -> dict[str, LinkType]:
    policy = load_policy("link_types")
    return {
        item["code"]: LinkType(
            code=item["code"],
            label=item["label"],
            inverse_label=item["inverse_label"],
            from_kinds=frozenset(item["from"]),
            to_kinds=frozenset(item["to"]),
            symmetric=item["symmetric"],
        )
        for item in policy["link_types"]
    }


def check_link(code: str, from_kind: str, to_kind: str) -> str | None:
    """None when the link is allowed, else a message saying why not."""
    link_type = link_types().get(code)
    if link_type is None:
        return f"'{code}' is not a known link type"
    if from_kind not in link_type.from_kinds or to_kind not in link_type.to_kinds:
        return (
            f"a '{link_type.label}' link joins a {' or '.join(sorted(link_type.from_kinds))} "
            f"to a {' or '.join(sorted(link_type.to_kinds))}"
        )
    return None
