"""Signing in with a second factor, the user's account, 'Why are you looking?', and the
sharing and restriction of records. Each view parses input, calls one service or selector,
renders."""

from __future__ import annotations

import base64
from base64 import b32encode
from typing import Any

import qrcode
import qrcode.image.svg
from django.apps import apps
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp import verify_token
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.accounts import services
from vigil.accounts.access import (
    active_restriction,
    active_sharing,
    can_see_record,
    can_share_record,
    record_label,
)
from vigil.accounts.forms import (
    JustificationForm,
    ReasonForm,
    RestrictForm,
    SecondFactorForm,
    ShareForm,
    WithdrawForm,
)
from vigil.accounts.justification import is_sensitive, remember_reason
from vigil.accounts.models import SharingDecision, User

PENDING_DEVICE_KEY = "vigil_pending_totp"

# The records a sharing decision or restriction can be made on from these screens, by the
# word used in their URLs.
RECORD_KINDS = {
    "person": ("people.person", "person_detail"),
    "object": ("people.poleobject", "object_detail"),
    "location": ("people.location", "location_detail"),
    "event": ("people.event", "event_detail"),
}


def _posted(request: HttpRequest) -> Any:
    """The form data of a POST (even an empty one, which must show its errors), else None."""
    return request.POST if request.method == "POST" else None


def _next_url(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # Only a path on this site: "0" or "people" would be taken for a view name by redirect().
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


# --- Signing in: the second factor ------------------------------------------------------------


def _confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("-id").first()


def _wrong_code_message(allowed: bool) -> str:
    if not allowed:
        # django-otp doubles the wait after each wrong code (OTP_TOTP_THROTTLE_FACTOR).
        return "Too many wrong codes: wait a little, then enter the code your app shows now"
    return "The code is not right: enter the code your app shows now"


def _signed_in_user(request: HttpRequest) -> User:
    """The request's user, on a view behind login_required."""
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def _is_verified(user: Any) -> bool:
    """Whether this session gave the second factor (django_otp's OTPMiddleware adds
    `is_verified` to the request's user)."""
    return bool(user.is_verified())


@login_required
def second_factor(request: HttpRequest) -> HttpResponse:
    if _is_verified(request.user):
        return redirect(_next_url(request, reverse("home")))
    device = _confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('second_factor_setup')}?{request.GET.urlencode()}")
    form = SecondFactorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        verified = verify_token(request.user, device.persistent_id, form.cleaned_data["token"])
        if verified is not None:
            otp_login(request, verified)
            request.session.cycle_key()  # a new session id once fully signed in
            return redirect(_next_url(request, reverse("home")))
        form.add_error("token", _wrong_code_message(allowed))
    return render(
        request, "registration/second_factor.html", {"form": form, "next": _next_url(request, "")}
    )


def _qr_data_uri(text: str) -> str:
    """The QR code as an inline SVG data URI (allowed by the CSP's img-src data:)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=12)
    return "data:image/svg+xml;base64," + base64.b64encode(image.to_string()).decode("ascii")


@login_required
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    # Someone holding only the password must not swap in their own authenticator.
    if _confirmed_device(user) is not None and not _is_verified(user):
        return redirect(f"{reverse('second_factor')}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(
        pk=request.session.get(PENDING_DEVICE_KEY), user=user, confirmed=False
    ).first()
    if device is None:
        device = services.totp_device_start(user=user)
        request.session[PENDING_DEVICE_KEY] = device.pk
    form = SecondFactorForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        allowed, _ = device.verify_is_allowed()
        if services.totp_device_confirm(user=user, device=device, token=form.cleaned_data["token"]):
            request.session.pop(PENDING_DEVICE_KEY, None)
            otp_login(request, device)
            request.session.cycle_key()
            messages.success(request, "Your authenticator app is set up")
            return redirect(_next_url(request, reverse("account")))
        form.add_error("token", _wrong_code_message(allowed))
    return render(
        request,
        "registration/second_factor_setup.html",
        {
            "form": form,
            "qr": _qr_data_uri(device.config_url),
            "secret": b32encode(device.bin_key).decode("ascii"),
            "next": _next_url(request, ""),
        },
    )


# --- The user's account -----------------------------------------------------------------------


@login_required
def account(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/account.html", {"device": _confirmed_device(request.user)})


@login_required
@require_POST
def sign_out_everywhere(request: HttpRequest) -> HttpResponse:
    user = _signed_in_user(request)
    services.sign_out_everywhere(acting_user=user, user=user)
    logout(request)
    return redirect(f"{reverse('login')}?signed_out=everywhere")


# --- Why are you looking? ---------------------------------------------------------------------


def _record_from_key(user: Any, key: str) -> Any:
    """The record a 'why are you looking?' key names, or 404 if it is unknown or hidden."""
    label, _, pk = key.rpartition(":")
    try:
        model = apps.get_model(label)
        record = model._default_manager.get(pk=int(pk))
    except (LookupError, ValueError, TypeError, ObjectDoesNotExist):
        raise Http404 from None
    if not can_see_record(user, record):
        raise Http404
    return record


@login_required
def why_are_you_looking(request: HttpRequest) -> HttpResponse:
    key = request.POST.get("record") or request.GET.get("record") or ""
    record = _record_from_key(request.user, key)
    form = JustificationForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        remember_reason(request, key, form.justification())
        return redirect(_next_url(request, reverse("home")))
    return render(
        request,
        "accounts/why_are_you_looking.html",
        {
            "form": form,
            "record": record,
            "record_key": key,
            "sensitive": is_sensitive(record),
            "next": _next_url(request, ""),
        },
    )


# --- Sharing and restriction ------------------------------------------------------------------


def _record_for(request: HttpRequest, kind: str, pk: int, *, owner: bool) -> Any:
    """The record by kind and id through the one access-checking selector (404 if hidden,
    audited); with `owner`, 403 unless the user's agency owns it."""
    from vigil.people import selectors

    if kind not in RECORD_KINDS:
        raise Http404
    model = apps.get_model(RECORD_KINDS[kind][0])
    record = selectors.get_visible(request.user, model, pk, request=request)
    if owner and not can_share_record(request.user, record):
        raise PermissionDenied
    return record


def _record_context(kind: str, record: Any) -> dict[str, Any]:
    return {
        "kind": kind,
        "record": record,
        "detail": reverse(RECORD_KINDS[kind][1], args=[record.pk]),
        "access_url": reverse("record_access", args=[kind, record.pk]),
        "conditions": services.handling_conditions(record),
    }


@login_required
def record_access(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_for(request, kind, pk, owner=False)
    decisions = SharingDecision.objects.filter(
        record_type=record_label(record), record_id=record.pk
    ).select_related("agency", "decided_by", "withdrawn_by")
    return render(
        request,
        "accounts/record_access.html",
        {
            **_record_context(kind, record),
            "decisions": decisions,
            "restriction": active_restriction(record),
            "bases": services.lawful_bases(),
            "may_manage": can_share_record(request.user, record),
        },
    )


def _form_page(
    request: HttpRequest, kind: str, record: Any, form: Any, title: str, button: str, **extra: Any
) -> HttpResponse:
    return render(
        request,
        "accounts/record_form.html",
        {**_record_context(kind, record), "form": form, "title": title, "button": button, **extra},
    )


def _attempt(form: Any, action: Any) -> bool:
    try:
        action()
    except ValidationError as error:
        form.add_service_errors(error)
        return False
    return True


@login_required
def record_share(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_for(request, kind, pk, owner=True)
    conditions = services.handling_conditions(record)
    form = ShareForm(
        _posted(request),
        owner_id=record.owning_agency_id,
        bases=services.lawful_bases(),
        conditions=conditions,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: services.share_record(
                acting_user=request.user,
                record=record,
                agency=data["agency"],
                lawful_basis=data["lawful_basis"],
                scope=data["scope"],
                within_conditions=data.get("within_conditions", False),
            ),
        ):
            messages.success(request, f"Shared with {data['agency']}")
            return redirect("record_access", kind=kind, pk=record.pk)
    return _form_page(request, kind, record, form, "Share this record", "Share record")


@login_required
def record_withdraw(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_for(request, kind, pk, owner=True)
    form = WithdrawForm(_posted(request), decisions=active_sharing(record))
    if request.method == "POST" and form.is_valid():
        decision = form.cleaned_data["decision"]
        if _attempt(
            form,
            lambda: services.withdraw_sharing(
                acting_user=request.user, decision=decision, reason=form.cleaned_data["reason"]
            ),
        ):
            messages.success(request, f"Sharing with {decision.agency} withdrawn")
            return redirect("record_access", kind=kind, pk=record.pk)
    return _form_page(request, kind, record, form, "Stop sharing this record", "Withdraw sharing")


@login_required
def record_restrict(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_for(request, kind, pk, owner=True)
    form = RestrictForm(_posted(request), acting_user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if _attempt(
            form,
            lambda: services.restrict_record(
                acting_user=request.user,
                record=record,
                reason=data["reason"],
                users=data["users"],
                teams=data["teams"],
            ),
        ):
            messages.success(request, "Record restricted to the people you named")
            return redirect("record_access", kind=kind, pk=record.pk)
    return _form_page(request, kind, record, form, "Restrict this record", "Restrict record")


@login_required
def record_lift_restriction(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    record = _record_for(request, kind, pk, owner=True)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.lift_restriction(
                acting_user=request.user, record=record, reason=form.cleaned_data["reason"]
            )
        except PermissionDenied:
            form.add_error(None, "Only a supervisor named on the restriction can lift it")
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, "Restriction lifted")
            return redirect("record_access", kind=kind, pk=record.pk)
    return _form_page(request, kind, record, form, "Lift the restriction", "Lift restriction")
