"""Vigil's own `check --deploy` checks: the things Django's cannot know about this service."""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.core.checks import Error, Tags, register

DEVELOPMENT_KEY_PREFIX = "vigil-development-only-key-"


@register(Tags.security, deploy=True)
def check_deployment(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    errors = []
    if settings.SECRET_KEY.startswith(DEVELOPMENT_KEY_PREFIX):
        errors.append(
            Error(
                "SECRET_KEY is the development key.",
                hint="Set SECRET_KEY in the environment to a long random value.",
                id="vigil.E001",
            )
        )
    if "vigil.accounts.middleware.SecondFactorMiddleware" not in settings.MIDDLEWARE:
        errors.append(Error("Sign-in does not require the second factor.", id="vigil.E002"))
    rest_framework = cast(dict[str, Any], getattr(settings, "REST_FRAMEWORK", {}))
    authentication: list[str] = rest_framework.get("DEFAULT_AUTHENTICATION_CLASSES", [])
    if any("BasicAuthentication" in name for name in authentication):
        errors.append(
            Error(
                "The API accepts HTTP Basic authentication, which skips the second factor.",
                id="vigil.E003",
            )
        )
    return errors
