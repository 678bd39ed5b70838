"""Reads of the audit log for the information-assurance auditor (DPA 2018 s62: the logs must
let the justification, date and time, identity of the person consulting or disclosing, and
the recipients be established)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import QuerySet

from vigil.audit.models import AuditEntry


def person_history(person_id: int) -> QuerySet[AuditEntry]:
    """Every processing of one person's record, newest first: each page view, API read and
    search result list that showed them, every change, disclosure and combination."""
    return AuditEntry.objects.filter(object_type="person", object_id=str(person_id)).order_by("-id")


def _local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def user_activity(username: str, start: date, end: date) -> QuerySet[AuditEntry]:
    """Everything one user did from the start of `start` to the end of `end` (local days)."""
    return AuditEntry.objects.filter(
        username=username,
        at__gte=_local_midnight(start),
        at__lt=_local_midnight(end + timedelta(days=1)),
    ).order_by("-id")


def known_username(username: str) -> bool:
    from vigil.accounts.models import User

    return (
        User.objects.filter(username=username).exists()
        or AuditEntry.objects.filter(username=username).exists()
    )


CSV_COLUMNS = [
    "entry",
    "at_utc",
    "username",
    "agency",
    "role",
    "action",
    "object_type",
    "object_id",
    "via",
    "justification",
    "recipients",
    "request_id",
    "source_ip",
    "entry_hash",
]


def _cell(value: Any) -> str:
    text = str(value)
    # A spreadsheet would run a cell starting with these as a formula (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def csv_rows(entries: QuerySet[AuditEntry]) -> list[list[str]]:
    rows = []
    for entry in entries.iterator(chunk_size=2000):
        rows.append(
            [
                _cell(value)
                for value in (
                    entry.pk,
                    entry.at.astimezone(ZoneInfo("UTC")).isoformat(),
                    entry.username,
                    entry.agency,
                    entry.role,
                    entry.action,
                    entry.object_type,
                    entry.object_id,
                    (entry.detail or {}).get("via", ""),
                    entry.justification,
                    entry.recipients,
                    entry.request_id,
                    entry.source_ip,
                    entry.entry_hash,
                )
            ]
        )
    return rows
