"""The application's error types. Views and the API turn each into one response shape."""

from __future__ import annotations

from typing import Any


class ApplicationError(Exception):
    """A request that cannot be carried out, with a message fit to show the user."""

    def __init__(self, message: str, *, extra: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.extra = extra or {}


class StaleVersionError(ApplicationError):
    """The record changed since the user started editing it; nothing was saved."""

    def __init__(self, *, expected: int, current: Any) -> None:
        super().__init__(
            "Someone else changed this record while you were editing it. "
            "Nothing you entered has been saved: check their changes below, then try again.",
            extra={"expected_version": expected, "current_version": current.version},
        )
        self.current = current
