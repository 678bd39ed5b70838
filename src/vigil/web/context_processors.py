from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def vigil(request: HttpRequest) -> dict[str, Any]:
    return {"vigil_version": settings.VIGIL_VERSION}
