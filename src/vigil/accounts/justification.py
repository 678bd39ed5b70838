"""'Why are you looking?': opening a sensitive record asks for a reason once per record per
session, and the reason goes into the consultation's audit entry (DPA 2018 s62(3)(a): the
log of a consultation must make it possible to establish its justification).

Sensitive records: a victim (flagged, or a victim in any event), a restricted record, and an
intelligence report."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from vigil.accounts.access import active_restriction, record_label

SESSION_KEY = "vigil_reasons"
MAX_REASON_LENGTH = 500


class JustificationRequired(Exception):
    """Raised by a page that opens a sensitive record before the user has said why; the
    middleware turns it into the 'Why are you looking?' page."""

    def __init__(self, record: Any) -> None:
        super().__init__(record_key(record))
        self.record = record


def record_key(record: Any) -> str:
    return f"{record_label(record)}:{record.pk}"


def is_sensitive(record: Any) -> bool:
    label = record_label(record)
    if getattr(record, "access_level", "standard") != "standard":
        return True
    if label == "people.intelligencereport":
        return True
    if label == "people.event" and record.event_type == "intelligence_report":
        return True
    if label == "people.person":
        if "victim" in (record.flags or []):
            return True
        if record.event_roles.filter(role="victim").exists():
            return True
    return active_restriction(record) is not None


def prompt_enabled() -> bool:
    """Always on in the product; tests written before the prompt existed switch it off
    (tests/conftest.py) unless they are marked `why_are_you_looking`."""
    return True


def given_reason(request: HttpRequest, record: Any) -> str:
    return str(request.session.get(SESSION_KEY, {}).get(record_key(record), ""))


def justification_for(request: HttpRequest, record: Any) -> str:
    """The reason this session gave for opening `record` ('' when it needs none); raises
    JustificationRequired when the record is sensitive and no reason was given yet."""
    reason = given_reason(request, record)
    if reason or not prompt_enabled() or not is_sensitive(record):
        return reason
    raise JustificationRequired(record)


def remember_reason(request: HttpRequest, key: str, reason: str) -> None:
    reasons = dict(request.session.get(SESSION_KEY, {}))
    reasons[key] = reason[:MAX_REASON_LENGTH]
    request.session[SESSION_KEY] = reasons
