"""The one way to write the audit log."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from vigil.audit.context import current_request
from vigil.audit.models import Action, AuditEntry

GENESIS_HASH = "0" * 64
# Any fixed number works; it names the lock that serialises appends to the chain on PostgreSQL.
_CHAIN_LOCK_KEY = 7_241_805


def entry_digest(fields: dict[str, Any], previous_hash: str) -> str:
    """SHA-256 over the entry's content and its predecessor's hash (canonical JSON)."""
    payload = json.dumps({**fields, "previous_hash": previous_hash}, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def hashed_fields(entry: AuditEntry) -> dict[str, Any]:
    return {
        "at": entry.at.isoformat(),
        "user_id": entry.user_id_at_time,
        "username": entry.username,
        "agency": entry.agency,
        "role": entry.role,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "justification": entry.justification,
        "recipients": entry.recipients,
        "request_id": entry.request_id,
        "source_ip": entry.source_ip,
        "detail": entry.detail,
    }


def audit_log(
    *,
    acting_user: Any,
    action: Action | str,
    object_type: str = "",
    object_id: object = "",
    justification: str = "",
    recipients: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry. Call inside the transaction of the write it records."""
    return audit_log_many(
        acting_user=acting_user,
        action=action,
        objects=[(object_type, object_id)],
        justification=justification,
        recipients=recipients,
        detail=detail,
    )[0]


@transaction.atomic
def audit_log_many(
    *,
    acting_user: Any,
    action: Action | str,
    objects: Iterable[tuple[str, object]],
    justification: str = "",
    recipients: str = "",
    detail: dict[str, Any] | None = None,
) -> list[AuditEntry]:
    """Append one entry per object (e.g. every person shown in a search result list)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
    last = AuditEntry.objects.order_by("-id").values_list("entry_hash", flat=True).first()
    previous_hash = last or GENESIS_HASH
    ctx = current_request.get()
    user = acting_user if getattr(acting_user, "is_authenticated", False) else None
    now = timezone.now()
    entries = []
    for object_type, object_id in objects:
        entry = AuditEntry(
            at=now,
            user_id_at_time=user.pk if user else None,
            username=user.get_username() if user else "",
            agency=str(user.agency) if user and user.agency_id else "",
            role=user.role if user else "",
            action=str(action),
            object_type=object_type,
            object_id=str(object_id),
            justification=justification,
            recipients=recipients,
            request_id=ctx.request_id,
            source_ip=ctx.source_ip,
            detail=detail or {},
            previous_hash=previous_hash,
        )
        entry.entry_hash = entry_digest(hashed_fields(entry), previous_hash)
        previous_hash = entry.entry_hash
        entries.append(entry)
    return AuditEntry.objects.bulk_create(entries)


def verify_chain(batch_size: int = 5000) -> tuple[bool, str]:
    """Walk the chain in id order. Returns (intact, message naming the first bad entry)."""
    previous_hash = GENESIS_HASH
    count = 0
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=batch_size):
        if entry.previous_hash != previous_hash:
            return False, (
                f"entry {entry.pk}: previous-hash link broken "
                "(an entry before it was deleted, inserted or reordered)"
            )
        if entry_digest(hashed_fields(entry), previous_hash) != entry.entry_hash:
            return False, f"entry {entry.pk}: content does not match its hash (edited)"
        previous_hash = entry.entry_hash
        count += 1
    return True, f"audit chain intact: {count} entries"
