"""Sign-in's second step and the 'Why are you looking?' prompt, enforced for every request."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from vigil.accounts.justification import (
    API_STATUS,
    JustificationRequired,
    api_justification_answer,
    is_api_request,
    record_key,
)

# Pages a signed-in user may reach before giving the second factor: the steps of signing in.
BEFORE_SECOND_FACTOR = frozenset({"login", "logout", "second_factor", "second_factor_setup"})


def _has_confirmed_device(user: Any) -> bool:
    from django_otp import devices_for_user

    return any(True for _ in devices_for_user(user, confirmed=True))


class SecondFactorMiddleware:
    """A password alone opens nothing: until the session is verified with the user's
    authenticator, every page sends them to the code step (or to set one up), and the API
    refuses. Comes after django_otp's OTPMiddleware, which sets `user.is_verified`."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self, request: HttpRequest, view: Any, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or user.is_verified():
            return None
        match = request.resolver_match
        if match is not None and match.url_name in BEFORE_SECOND_FACTOR:
            return None
        if request.path_info.startswith("/api/"):
            return JsonResponse(
                {"detail": "Finish signing in with your authenticator app first.", "errors": {}},
                status=403,
            )
        step = "second_factor" if _has_confirmed_device(user) else "second_factor_setup"
        return redirect(f"{reverse(step)}?{urlencode({'next': request.get_full_path()})}")


class JustificationMiddleware:
    """Turns JustificationRequired (raised when a page opens a sensitive record) into the
    'Why are you looking?' page, which returns the user to the record once answered."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, JustificationRequired):
            return None
        if is_api_request(request):
            # The API has no page to send the caller to: it asks for the reason in its answer.
            return JsonResponse(api_justification_answer(), status=API_STATUS)
        query = urlencode({"record": record_key(exception.record), "next": request.get_full_path()})
        return redirect(f"{reverse('why_are_you_looking')}?{query}")
