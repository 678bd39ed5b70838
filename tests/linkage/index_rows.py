"""The "already known?" index as rows, to compare what two ways of building it wrote."""

from __future__ import annotations

from typing import Any

from vigil.linkage.models import PersonBlockingKey, PersonLinkageRecord


def index_snapshot() -> dict[int, tuple[dict[str, Any], int, list[str]]]:
    """Per person: their linkage record, the version it was built from and their blocking
    keys (sorted)."""
    keys: dict[int, list[str]] = {}
    for person_id, key in PersonBlockingKey.objects.order_by("key").values_list("person_id", "key"):
        keys.setdefault(person_id, []).append(key)
    return {
        r.person_id: (r.record, r.person_version, keys.get(r.person_id, []))
        for r in PersonLinkageRecord.objects.all()
    }
