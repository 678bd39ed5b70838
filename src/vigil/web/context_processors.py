from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from vigil.web.extensions import nav_items


def vigil(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    match = getattr(request, "resolver_match", None)
    current = match.url_name if match else ""
    items = nav_items(user) if user is not None and user.is_authenticated else []
    return {
        "vigil_version": settings.VIGIL_VERSION,
        "nav_items": [
            (item, current == item.url_name or current in item.also_active_for) for item in items
        ],
    }
