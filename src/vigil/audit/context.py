"""Per-request facts the audit needs (request id, source IP) without threading `request`
through every service."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    request_id: str = ""
    source_ip: str = ""


# RequestContext is frozen, so one shared default instance is safe.
current_request: ContextVar[RequestContext] = ContextVar(
    "vigil_request",
    default=RequestContext(),  # noqa: B039
)
