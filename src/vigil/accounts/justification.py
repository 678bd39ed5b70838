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
# How an API caller says why: this header (or the `why` query parameter) on the request that
# reads a sensitive record. Without either, the API answers 428 asking for one.
API_HEADER = "X-Vigil-Justification"
API_QUERY_PARAMETER = "why"
API_STATUS = 428  # Precondition Required: the request needs a justification to proceed


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


def api_reason(request: HttpRequest) -> str:
    """The reason an API request gives for itself: the X-Vigil-Justification header, else the
    `why` query parameter ('' when neither is given)."""
    reason = request.headers.get(API_HEADER, "") or request.GET.get(API_QUERY_PARAMETER, "")
    return " ".join(str(reason).split())[:MAX_REASON_LENGTH]


def given_reason(request: HttpRequest, record: Any) -> str:
    """The reason given for opening `record`: on the API, the request's own reason first; then
    the session's answer to 'why are you looking?'."""
    reason = api_reason(request) if is_api_request(request) else ""
    session = getattr(request, "session", None)
    if not reason and session is not None:
        reason = str(session.get(SESSION_KEY, {}).get(record_key(record), ""))
    return reason


def is_api_request(request: HttpRequest) -> bool:
    return str(request.path_info).startswith("/api/")


API_JUSTIFICATION_MESSAGE = (
    f"This record is sensitive: say why you are looking, in the {API_HEADER} header or the "
    f"'{API_QUERY_PARAMETER}' query parameter (a case reference or a few words). The reason is "
    "recorded in the audit."
)


def api_justification_answer() -> dict[str, Any]:
    """The body of the API's 428 answer to a sensitive read without a reason (the API's one
    error shape)."""
    return {
        "detail": API_JUSTIFICATION_MESSAGE,
        "errors": {"justification": [API_JUSTIFICATION_MESSAGE]},
    }


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
