"""Screens of the disruption tools and the hotel operator returns portal. Each view checks
access first (through selectors or `vigil.disruption.access`), parses input with a form, calls
one service and renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import weasyprint
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigil.core import disruption as rules
from vigil.disruption import forms, selectors, services
from vigil.disruption.access import (
    can_see_record,
    is_hotel_operator,
    is_police_case_worker,
    works_with_cases,
)
from vigil.disruption.models import (
    ChildAbductionWarningNotice,
    HotelInformationNotice,
    NoticeStage,
    OrderProhibition,
    OrderStage,
    PoliceProtection,
    PreventionOrder,
    ReturnMethod,
    WarningOrInjunction,
)
from vigil.disruption.returns import CSV_COLUMNS, read_csv, template_csv
from vigil.people.models import Event, Location, Person
from vigil.web.forms import GovukForm

FORM_TEMPLATE = "disruption/form.html"


def _require_case_worker(request: HttpRequest) -> None:
    if not works_with_cases(request.user):
        raise PermissionDenied


def _require_police(request: HttpRequest) -> None:
    if not is_police_case_worker(request.user):
        raise PermissionDenied


def _posted(request: HttpRequest) -> Any:
    """The submitted data, even when empty (an empty form must show its errors)."""
    return request.POST if request.method == "POST" else None


def _record(request: HttpRequest, model: type[Any], pk: object, field: str) -> Any:
    """A referenced record (a person, location or event) the user may see, or a form error
    naming the field (the same message whether it is missing or hidden)."""
    if pk is None:
        return None
    try:
        return selectors.get_visible(request.user, model, pk, audit=False)
    except Http404:
        raise ValidationError(
            {field: "No record with that reference, or you cannot see it"}
        ) from None


def _records(request: HttpRequest, model: type[Any], pks: list[int], field: str) -> list[Any]:
    return [_record(request, model, pk, field) for pk in pks]


def _form_page(
    request: HttpRequest,
    form: GovukForm,
    *,
    title: str,
    back: str,
    button: str,
    caption: str = "",
    note: str = "",
    multipart: bool = False,
) -> HttpResponse:
    return render(
        request,
        FORM_TEMPLATE,
        {
            "form": form,
            "title": title,
            "back": back,
            "button": button,
            "caption": caption,
            "note": note,
            "multipart": multipart,
        },
    )


def _versioned_step(
    request: HttpRequest,
    record: Any,
    form_class: type[GovukForm],
    call: Callable[[dict[str, Any], GovukForm], Any],
    *,
    title: str,
    button: str,
    done: str,
    note: str = "",
    initial: dict[str, Any] | None = None,
) -> HttpResponse:
    """One step of a record's life (serve, review, make, end ...): a form that carries the
    version the user started from, one service call, back to the record's page."""
    back = record.get_absolute_url()
    form = form_class(_posted(request), initial={"version": record.version, **(initial or {})})
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        result = form.run_service(lambda: call(data, form))
        if result is not None and not form.errors:
            messages.success(request, done)
            return redirect(back)
    return _form_page(
        request, form, title=title, back=back, button=button, caption=record.code, note=note
    )


def _visible_evidence(request: HttpRequest, events: Any) -> list[Event]:
    return [event for event in events.all() if can_see_record(request.user, event)]


def _initial_refs(request: HttpRequest, *names: str) -> dict[str, str]:
    """Pre-fill reference fields from the query string (?subject=P-42), e.g. from a person."""
    return {name: request.GET[name] for name in names if request.GET.get(name)}


# --- Overview ---------------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    lists = selectors.tool_lists(request.user)
    return render(
        request,
        "disruption/home.html",
        {
            "lists": lists,
            "today": timezone.localdate(),
            "can_issue": is_police_case_worker(request.user),
        },
    )


@login_required
def due(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    return render(
        request,
        "disruption/due.html",
        {
            "items": selectors.due_soon(request.user),
            "overdue": selectors.overdue_returns(request.user),
            "window": rules.policy()["alerts"]["due_soon_days"],
        },
    )


# --- Child abduction warning notices ----------------------------------------------------------


@login_required
def cawn_create(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    form = forms.CawnForm(_posted(request), initial=_initial_refs(request, "subject", "child"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def issue() -> ChildAbductionWarningNotice:
            return services.cawn_issue(
                acting_user=request.user,
                subject=_record(request, Person, data["subject"], "subject"),
                child=_record(request, Person, data["child"], "child"),
                child_in_care=data["child_in_care"] == "yes",
                agreed_by=data["agreed_by"],
                agreed_by_name=data["agreed_by_name"],
                issued_on=data["issued_on"],
                grounds=data["grounds"],
                reference=data["reference"],
                evidence=_records(request, Event, data["evidence"], "evidence"),
            )

        notice = form.run_service(issue)
        if notice is not None:
            messages.success(request, f"Child abduction warning notice {notice.code} recorded")
            return redirect(notice.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Issue a child abduction warning notice",
        back=reverse("disruption_home"),
        button="Issue notice",
        note="For a child under 16 living at home, or under 18 in local-authority care. The "
        "notice needs the agreement of a parent, a carer with parental responsibility or the "
        "local authority.",
    )


@login_required
def cawn_detail(request: HttpRequest, pk: int) -> HttpResponse:
    cawn = selectors.get_visible(request.user, ChildAbductionWarningNotice, pk)
    return render(
        request,
        "disruption/cawn_detail.html",
        {
            "cawn": cawn,
            "today": timezone.localdate(),
            "status": cawn.status(timezone.localdate()),
            "evidence": _visible_evidence(request, cawn.evidence),
            "breaches": cawn.breaches.select_related("event").prefetch_related("evidence"),
            "can_change": is_police_case_worker(request.user),
        },
    )


@login_required
def cawn_serve(request: HttpRequest, pk: int) -> HttpResponse:
    cawn = selectors.get_visible(request.user, ChildAbductionWarningNotice, pk)
    return _versioned_step(
        request,
        cawn,
        forms.ServeForm,
        lambda data, form: services.cawn_record_service(
            acting_user=request.user,
            cawn=cawn,
            expected_version=data["version"],
            served_on=data["served_on"],
            served_how=data["served_how"],
        ),
        title="Record service of the notice",
        button="Save",
        done="Service recorded",
    )


@login_required
def cawn_review(request: HttpRequest, pk: int) -> HttpResponse:
    cawn = selectors.get_visible(request.user, ChildAbductionWarningNotice, pk)
    return _versioned_step(
        request,
        cawn,
        forms.CawnReviewForm,
        lambda data, form: services.cawn_review(
            acting_user=request.user,
            cawn=cawn,
            expected_version=data["version"],
            next_review_on=data["next_review_on"],
            note=data["note"],
        ),
        title="Review the notice",
        button="Record review",
        done="Review recorded",
    )


@login_required
def cawn_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    cawn = selectors.get_visible(request.user, ChildAbductionWarningNotice, pk)
    return _versioned_step(
        request,
        cawn,
        forms.CawnWithdrawForm,
        lambda data, form: services.cawn_withdraw(
            acting_user=request.user,
            cawn=cawn,
            expected_version=data["version"],
            withdrawn_on=data["withdrawn_on"],
            reason=data["reason"],
        ),
        title="Withdraw the notice",
        button="Withdraw notice",
        done="Notice withdrawn",
    )


# --- Breaches (any tool) ----------------------------------------------------------------------

BREACH_TOOLS: dict[str, type[Any]] = {
    "cawns": ChildAbductionWarningNotice,
    "orders": PreventionOrder,
    "warnings": WarningOrInjunction,
    "hotel-notices": HotelInformationNotice,
}


@login_required
def breach_create(request: HttpRequest, tool: str, pk: int) -> HttpResponse:
    if tool not in BREACH_TOOLS:
        raise Http404
    record = selectors.get_visible(request.user, BREACH_TOOLS[tool], pk)
    _require_police(request)
    form = forms.BreachForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        breach = form.run_service(
            lambda: services.breach_record(
                acting_user=request.user,
                tool=record,
                occurred_at=form.occurred_at(),
                description=data["description"],
                evidence=_records(request, Event, data["evidence"], "evidence"),
                reference=data["reference"],
            ),
        )
        if breach is not None:
            messages.success(request, "Breach recorded and added to the timelines")
            return redirect(record.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Record a breach",
        caption=record.code,
        back=record.get_absolute_url(),
        button="Record breach",
        note=services.breach_offence(record),
    )


# --- SHPOs and SROs ---------------------------------------------------------------------------


@login_required
def order_create(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    form = forms.OrderDraftForm(_posted(request), initial=_initial_refs(request, "subject"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        order = form.run_service(
            lambda: services.order_draft_create(
                acting_user=request.user,
                kind=data["kind"],
                subject=_record(request, Person, data["subject"], "subject"),
                protected_children=_records(
                    request, Person, data["protected_children"], "protected_children"
                ),
                grounds=data["grounds"],
                court=data["court"],
                evidence=_records(request, Event, data["evidence"], "evidence"),
            ),
        )
        if order is not None:
            messages.success(request, f"Draft application {order.code} started")
            return redirect(order.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Start an SHPO or SRO application",
        back=reverse("disruption_home"),
        button="Save draft",
    )


@login_required
def order_detail(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    prohibitions = list(order.prohibitions.all())
    return render(
        request,
        "disruption/order_detail.html",
        {
            "order": order,
            "in_force": [p for p in prohibitions if p.ended_on is None],
            "ended": [p for p in prohibitions if p.ended_on is not None],
            "changes": order.changes.select_related("recorded_by"),
            "children": [
                c for c in order.protected_children.all() if can_see_record(request.user, c)
            ],
            "evidence": _visible_evidence(request, order.evidence),
            "breaches": order.breaches.select_related("event").prefetch_related("evidence"),
            "rules": rules.order_rules(order.kind),
            "can_change": is_police_case_worker(request.user),
            "drafting": order.stage in (OrderStage.DRAFT, OrderStage.APPLIED),
        },
    )


@login_required
def order_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    form = forms.EvidenceForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        result = form.run_service(
            lambda: services.order_evidence_add(
                acting_user=request.user,
                order=order,
                events=_records(request, Event, form.cleaned_data["evidence"], "evidence"),
            ),
        )
        if result is not None:
            messages.success(request, "Evidence added")
            return redirect(order.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Add evidence",
        caption=order.code,
        back=order.get_absolute_url(),
        button="Add evidence",
    )


@login_required
def order_prohibition_add(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    form = forms.ProhibitionForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = form.run_service(
            lambda: services.order_prohibition_add(
                acting_user=request.user,
                order=order,
                prohibition_type=data["prohibition_type"],
                wording=data["wording"],
                until=data["until"],
                until_further_order=data["until_further_order"],
            ),
        )
        if result is not None:
            messages.success(request, "Prohibition added")
            return redirect(order.get_absolute_url())
    order_rules = rules.order_rules(order.kind)
    return _form_page(
        request,
        form,
        title="Add a prohibition",
        caption=order.code,
        back=order.get_absolute_url(),
        button="Add prohibition",
        note=order_rules["source"],
    )


@login_required
def order_apply(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    return _versioned_step(
        request,
        order,
        forms.OrderApplyForm,
        lambda data, form: services.order_apply(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            applied_on=data["applied_on"],
            court=data["court"],
        ),
        title="Record the application to court",
        button="Save",
        done="Application recorded",
        initial={"court": order.court},
    )


@login_required
def order_make(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    return _versioned_step(
        request,
        order,
        forms.OrderMakeForm,
        lambda data, form: services.order_make(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            made_on=data["made_on"],
            court=data["court"],
            reference=data["reference"],
        ),
        title="Record the order as made",
        button="Save",
        done="Order recorded as made",
        note=rules.order_rules(order.kind)["source"],
        initial={"court": order.court},
    )


@login_required
def order_refuse(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    return _versioned_step(
        request,
        order,
        forms.OrderRefuseForm,
        lambda data, form: services.order_refuse(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            refused_on=data["refused_on"],
        ),
        title="Record the application as refused",
        button="Save",
        done="Refusal recorded",
    )


@login_required
def order_prohibition_change(request: HttpRequest, pk: int, prohibition_pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    try:
        prohibition = order.prohibitions.get(pk=prohibition_pk, ended_on__isnull=True)
    except OrderProhibition.DoesNotExist:
        raise Http404 from None
    form = forms.ProhibitionChangeForm(
        _posted(request), initial={"wording": prohibition.wording, "court": order.court}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = form.run_service(
            lambda: services.order_prohibition_change(
                acting_user=request.user,
                order=order,
                prohibition=prohibition,
                kind=data["kind"],
                made_on=data["made_on"],
                court=data["court"],
                details=data["details"],
                wording=data["wording"],
                until=data["until"],
                until_further_order=data["until_further_order"],
            ),
        )
        if result is not None:
            messages.success(request, "Change recorded")
            return redirect(order.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Vary or renew a prohibition",
        caption=order.code,
        back=order.get_absolute_url(),
        button="Record change",
        note=rules.order_rules(order.kind)["source"],
    )


@login_required
def order_discharge(request: HttpRequest, pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    return _versioned_step(
        request,
        order,
        forms.OrderDischargeForm,
        lambda data, form: services.order_discharge(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            discharged_on=data["discharged_on"],
            court=data["court"],
            details=data["details"],
        ),
        title="Record the discharge of the order",
        button="Save",
        done="Discharge recorded",
        initial={"court": order.court},
    )


# --- Warnings and injunctions -----------------------------------------------------------------


@login_required
def warning_create(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    form = forms.WarningForm(
        _posted(request), initial=_initial_refs(request, "subject", "protected_person")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        warning = form.run_service(
            lambda: services.warning_issue(
                acting_user=request.user,
                kind=data["kind"],
                subject=_record(request, Person, data["subject"], "subject"),
                protected_person=_record(
                    request, Person, data["protected_person"], "protected_person"
                ),
                issued_on=data["issued_on"],
                court=data["court"],
                written_warning_on=data["written_warning_on"],
                terms=data["terms"],
                expires_on=data["expires_on"],
                reference=data["reference"],
            ),
        )
        if warning is not None:
            messages.success(request, f"{warning.get_kind_display()} {warning.code} recorded")
            return redirect(warning.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Record a harassment warning, injunction or notice",
        back=reverse("disruption_home"),
        button="Save",
    )


@login_required
def warning_detail(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.get_visible(request.user, WarningOrInjunction, pk)
    return render(
        request,
        "disruption/warning_detail.html",
        {
            "warning": warning,
            "protected": warning.protected_person
            if warning.protected_person and can_see_record(request.user, warning.protected_person)
            else None,
            "breaches": warning.breaches.select_related("event").prefetch_related("evidence"),
            "rules": rules.policy()["warnings"][warning.kind],
            "can_change": is_police_case_worker(request.user),
        },
    )


@login_required
def warning_serve(request: HttpRequest, pk: int) -> HttpResponse:
    warning = selectors.get_visible(request.user, WarningOrInjunction, pk)
    return _versioned_step(
        request,
        warning,
        forms.ServeForm,
        lambda data, form: services.warning_record_service(
            acting_user=request.user,
            warning=warning,
            expected_version=data["version"],
            served_on=data["served_on"],
            served_how=data["served_how"],
        ),
        title="Record service",
        button="Save",
        done="Service recorded",
    )


# --- Police protection ------------------------------------------------------------------------


@login_required
def protection_create(request: HttpRequest) -> HttpResponse:
    _require_police(request)
    form = forms.ProtectionForm(_posted(request), initial=_initial_refs(request, "child"))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        protection = form.run_service(
            lambda: services.police_protection_start(
                acting_user=request.user,
                child=_record(request, Person, data["child"], "child"),
                taken_at=form.taken_at(),
                taken_from=data["taken_from"],
                taken_to=data["taken_to"],
                constable=data["constable"],
                designated_officer=data["designated_officer"],
            ),
        )
        if protection is not None:
            messages.success(request, "Police protection recorded: the 72-hour limit is running")
            return redirect(protection.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Record police protection",
        back=reverse("disruption_home"),
        button="Save",
        note=rules.policy()["police_protection"]["source"],
    )


@login_required
def protection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    protection = selectors.get_visible(request.user, PoliceProtection, pk)
    return render(
        request,
        "disruption/protection_detail.html",
        {
            "protection": protection,
            "countdown": selectors.protection_countdown(protection),
            "can_change": is_police_case_worker(request.user),
        },
    )


@login_required
def protection_informed(request: HttpRequest, pk: int) -> HttpResponse:
    protection = selectors.get_visible(request.user, PoliceProtection, pk)

    def call(data: dict[str, Any], form: Any) -> PoliceProtection:
        la_at, parents_at = form.moments()
        return services.police_protection_record_informed(
            acting_user=request.user,
            protection=protection,
            expected_version=data["version"],
            local_authority_informed_at=la_at,
            local_authority_contact=data["local_authority_contact"],
            parents_informed_at=parents_at,
            parents_informed_who=data["parents_informed_who"],
        )

    initial: dict[str, Any] = {
        "local_authority_contact": protection.local_authority_contact,
        "parents_informed_who": protection.parents_informed_who,
    }
    for prefix, moment in (
        ("local_authority", protection.local_authority_informed_at),
        ("parents", protection.parents_informed_at),
    ):
        if moment:
            local = timezone.localtime(moment)
            initial[f"{prefix}_on"] = local.date()
            initial[f"{prefix}_time"] = local.strftime("%H:%M")
    return _versioned_step(
        request,
        protection,
        forms.InformedForm,
        call,
        title="Record who was told",
        button="Save",
        done="Saved",
        initial=initial,
        note="The local authority and the child's parents must be told as soon as reasonably "
        "practicable (Children Act 1989 s46(3)-(4)).",
    )


@login_required
def protection_end(request: HttpRequest, pk: int) -> HttpResponse:
    protection = selectors.get_visible(request.user, PoliceProtection, pk)
    return _versioned_step(
        request,
        protection,
        forms.ProtectionEndForm,
        lambda data, form: services.police_protection_end(
            acting_user=request.user,
            protection=protection,
            expected_version=data["version"],
            ended_at=form.ended_at(),
            outcome=data["outcome"],
            outcome_notes=data["outcome_notes"],
        ),
        title="End police protection",
        button="Save",
        done="Police protection ended",
    )


# --- Hotel information notices ----------------------------------------------------------------


def _hotel_notice_form_page(
    request: HttpRequest, previous: HotelInformationNotice | None
) -> HttpResponse:
    _require_police(request)
    initial: dict[str, Any] = {
        "information_required": rules.hotel_rules()["required_information"],
        "return_form": "portal",
        **_initial_refs(request, "premises"),
    }
    if previous is not None:
        initial.update(
            premises=f"L-{previous.premises_id}",
            recipient_name=previous.recipient_name,
            recipient_capacity=previous.recipient_capacity,
            grounds=previous.grounds,
            evidence=", ".join(f"E-{e.pk}" for e in _visible_evidence(request, previous.evidence)),
            information_required=previous.information_required,
            further_information=previous.further_information,
            frequency=previous.frequency,
            return_form=previous.return_form,
            period_end=rules.hotel_latest_end(previous.period_end),
        )
    form = forms.HotelNoticeForm(_posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        notice = form.run_service(
            lambda: services.hotel_notice_draft(
                acting_user=request.user,
                premises=_record(request, Location, data["premises"], "premises"),
                recipient_name=data["recipient_name"],
                recipient_capacity=data["recipient_capacity"],
                grounds=data["grounds"],
                evidence=_records(request, Event, data["evidence"], "evidence"),
                information_required=data["information_required"],
                further_information=data["further_information"],
                frequency=data["frequency"],
                return_form=data["return_form"],
                period_end=data["period_end"],
                previous_notice=previous,
            ),
        )
        if notice is not None:
            messages.success(request, f"Draft notice {notice.code} saved")
            return redirect(notice.get_absolute_url())
    return _form_page(
        request,
        form,
        title="Draft a further hotel information notice"
        if previous
        else "Draft a hotel information notice",
        caption="Anti-social Behaviour, Crime and Policing Act 2014 s116",
        back=previous.get_absolute_url() if previous else reverse("disruption_home"),
        button="Save draft",
        note="Any police officer may draft the notice; an officer of at least inspector rank "
        "must issue it.",
    )


@login_required
def hotel_notice_create(request: HttpRequest) -> HttpResponse:
    return _hotel_notice_form_page(request, None)


@login_required
def hotel_notice_further(request: HttpRequest, pk: int) -> HttpResponse:
    previous = selectors.get_visible(request.user, HotelInformationNotice, pk)
    return _hotel_notice_form_page(request, previous)


@login_required
def hotel_notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    returns = list(notice.returns.select_related("submitted_by").prefetch_related("guests"))
    rows = selectors.compliance(notice)
    hotel = rules.hotel_rules()
    return render(
        request,
        "disruption/hotel_notice_detail.html",
        {
            "notice": notice,
            "premises": notice.premises if can_see_record(request.user, notice.premises) else None,
            "compliance": rows,
            "returns": returns,
            "evidence": _visible_evidence(request, notice.evidence),
            "breaches": notice.breaches.select_related("event").prefetch_related("evidence"),
            "information": [hotel["information_items"][i] for i in notice.information_required],
            "frequency": hotel["frequencies"].get(notice.frequency, {}).get("label", ""),
            "offence": hotel["offence"],
            "appeal_deadline": rules.appeal_deadline(notice.served_on)
            if notice.served_on
            else None,
            "latest_end": rules.hotel_latest_end(notice.issued_on or timezone.localdate()),
            "operators": notice.premises.operator_access.filter(revoked_at__isnull=True)
            .select_related("user")
            .order_by("user__username"),
            "access_form": forms.OperatorAccessForm(),
            "can_change": is_police_case_worker(request.user),
            "can_issue": rules.rank_at_least(request.user.rank or "", hotel["minimum_rank"]),
        },
    )


@login_required
def hotel_notice_issue(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    hotel = rules.hotel_rules()
    return _versioned_step(
        request,
        notice,
        forms.IssueForm,
        lambda data, form: services.hotel_notice_issue(
            acting_user=request.user,
            notice=notice,
            expected_version=data["version"],
            issued_on=data["issued_on"],
        ),
        title="Issue the notice",
        button="Issue notice",
        done=f"Notice {notice.code} issued",
        initial={"issued_on": timezone.localdate()},
        note=f"You issue this notice as its issuing officer: you must be of at least "
        f"{rules.rank_label(hotel['minimum_rank']).lower()} rank and reasonably believe the "
        "premises are or will be used for child sexual exploitation (ASBCPA 2014 s116). The "
        f"period may last at most {hotel['max_period_months']} months from issue.",
    )


@login_required
def hotel_notice_serve(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    return _versioned_step(
        request,
        notice,
        forms.ServeForm,
        lambda data, form: services.hotel_notice_serve(
            acting_user=request.user,
            notice=notice,
            expected_version=data["version"],
            served_on=data["served_on"],
            served_how=data["served_how"],
        ),
        title=f"Record service on {notice.recipient_name}",
        button="Save",
        done="Service recorded: returns are due from today",
    )


@login_required
def hotel_notice_appeal(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    return _versioned_step(
        request,
        notice,
        forms.AppealForm,
        lambda data, form: services.hotel_notice_record_appeal(
            acting_user=request.user,
            notice=notice,
            expected_version=data["version"],
            lodged_on=data["lodged_on"],
            outcome=data["outcome"],
            decided_on=data["decided_on"],
        ),
        title="Record an appeal to the magistrates' court",
        button="Save",
        done="Appeal recorded",
        initial={
            "lodged_on": notice.appeal_lodged_on,
            "outcome": notice.appeal_outcome,
            "decided_on": notice.appeal_decided_on,
        },
        note="The recipient may appeal within 21 days of service (ASBCPA 2014 s117).",
    )


@login_required
def hotel_notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    return _versioned_step(
        request,
        notice,
        forms.VersionedForm,
        lambda data, form: services.hotel_notice_withdraw(
            acting_user=request.user, notice=notice, expected_version=data["version"]
        ),
        title="Withdraw the notice",
        button="Withdraw notice",
        done="Notice withdrawn",
    )


@login_required
@require_POST
def hotel_notice_operator_grant(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk, audit=False)
    form = forms.OperatorAccessForm(request.POST)
    if form.is_valid():
        try:
            services.operator_access_grant(
                acting_user=request.user,
                operator=form.cleaned_data["operator"],
                premises=notice.premises,
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"{form.cleaned_data['operator']} can now submit returns")
    return redirect(notice.get_absolute_url())


@login_required
@require_POST
def hotel_return_import(request: HttpRequest, pk: int) -> HttpResponse:
    hotel_return = selectors.get_visible_return(request.user, pk)
    notice = hotel_return.notice
    count = services.hotel_return_import(acting_user=request.user, hotel_return=hotel_return)
    messages.success(
        request,
        f"{count} guest{'s' if count != 1 else ''} from return {hotel_return.receipt} added to "
        "the records (search, links and networks)",
    )
    return redirect(notice.get_absolute_url())


def _notice_pdf(request: HttpRequest, notice: HotelInformationNotice) -> HttpResponse:
    hotel = rules.hotel_rules()
    html = render_to_string(
        "disruption/pdf/hotel_notice.html",
        {
            "notice": notice,
            "force": notice.owning_agency,
            "officer": notice.issuing_officer,
            "officer_rank": rules.rank_label(notice.issuing_officer.rank)
            if notice.issuing_officer
            else "",
            "information": [hotel["information_items"][i] for i in notice.information_required],
            "frequency": hotel["frequencies"][notice.frequency]["label"],
            "offence": hotel["offence"],
            "max_months": hotel["max_period_months"],
            "appeal_days": hotel["appeal_days"],
            "return_form": notice.get_return_form_display(),
        },
    )
    return _pdf_response(request, html, f"{notice.code}.pdf")


def _pdf_response(request: HttpRequest, html: str, filename: str) -> HttpResponse:
    css = finders.find("disruption/notice-pdf.css")
    stylesheets = [weasyprint.CSS(filename=css)] if css else []
    pdf = weasyprint.HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf(
        stylesheets=stylesheets
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@login_required
def hotel_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    if notice.stage == NoticeStage.DRAFT:
        raise Http404
    services.record_document(
        acting_user=request.user,
        record=notice,
        document="hotel notice PDF",
        recipient=notice.recipient_name,
    )
    return _notice_pdf(request, notice)


@login_required
def cawn_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    cawn = selectors.get_visible(request.user, ChildAbductionWarningNotice, pk)
    services.record_document(
        acting_user=request.user,
        record=cawn,
        document="CAWN letter PDF",
        recipient=cawn.subject.full_name,
    )
    html = render_to_string(
        "disruption/pdf/cawn.html",
        {
            "cawn": cawn,
            "force": cawn.owning_agency,
            "officer": cawn.issuing_officer,
            "officer_rank": rules.rank_label(cawn.issuing_officer.rank),
        },
    )
    return _pdf_response(request, html, f"{cawn.code}.pdf")


# --- Operator portal --------------------------------------------------------------------------


def _require_operator(request: HttpRequest) -> None:
    # The same 404 a case worker gets for a hidden record: the portal is not theirs.
    if not is_hotel_operator(request.user):
        raise Http404


@login_required
def operator_home(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    notices = selectors.operator_notice_list(request.user)
    today = timezone.localdate()
    return render(
        request,
        "disruption/operator_home.html",
        {
            "notices": [(notice, selectors.compliance(notice, today)) for notice in notices],
        },
    )


@login_required
def operator_notice(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_operator_notice(request.user, pk)
    hotel = rules.hotel_rules()
    return render(
        request,
        "disruption/operator_notice.html",
        {
            "notice": notice,
            "compliance": selectors.compliance(notice),
            "information": [hotel["information_items"][i] for i in notice.information_required],
            "frequency": hotel["frequencies"][notice.frequency]["label"],
            "offence": hotel["offence"],
            "appeal_deadline": rules.appeal_deadline(notice.served_on)
            if notice.served_on
            else None,
        },
    )


def _open_periods(notice: HotelInformationNotice) -> list[selectors.PeriodCompliance]:
    """Periods that have started (a return for a future period cannot be made yet)."""
    today = timezone.localdate()
    return [row for row in selectors.compliance(notice, today) if row.period.start <= today]


def _day(day: Any) -> str:
    return f"{day.day} {day:%b %Y}"


def _period_choices(notice: HotelInformationNotice) -> list[tuple[str, str]]:
    choices = []
    for row in _open_periods(notice):
        label = f"{_day(row.period.start)} to {_day(row.period.end)}: {row.label.lower()}"
        if row.state in ("due", "missing", "upcoming"):
            label += f", due by {_day(row.period.due_on)}"
        choices.append((row.period.start.isoformat(), label))
    return choices


def _default_period(request: HttpRequest, notice: HotelInformationNotice) -> str:
    """The period asked for (?period=), else the earliest still owed, else the latest."""
    rows = _open_periods(notice)
    wanted = request.GET.get("period", "")
    if any(row.period.start.isoformat() == wanted for row in rows):
        return wanted
    owed = [row for row in rows if row.state in ("missing", "due", "upcoming")]
    chosen = owed[0] if owed else (rows[-1] if rows else None)
    return chosen.period.start.isoformat() if chosen else ""


def _rejected_to_forms(error: services.ReturnRejected, guest_forms: list[Any]) -> None:
    for row in error.rows:
        form = guest_forms[row.row - 1]
        for field, message in row.errors.items():
            form.add_error(field, message)


@login_required
def operator_return_create(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_operator_notice(request.user, pk)
    periods = _period_choices(notice)
    data = request.POST if request.method == "POST" else None
    form = forms.ReturnPeriodForm(
        data, periods=periods, initial={"period": _default_period(request, notice)}
    )
    guests = forms.GuestFormSet(data, prefix="guest")
    if data is not None and "add_guest" in data:
        # Add another guest (no JavaScript needed): the same page, one more blank row, no errors.
        guests = forms.GuestFormSet(_with_extra_row(data), prefix="guest")
        form = forms.ReturnPeriodForm(data, periods=periods)
        return _return_page(request, notice, form, guests, validate=False)
    if data is not None and form.is_valid() and guests.is_valid():
        filled = [g for g in guests.forms if not g.is_blank()]
        try:
            hotel_return = form.run_service(
                lambda: services.hotel_return_submit(
                    acting_user=request.user,
                    notice=notice,
                    period_start=form.period_start(),
                    nil_return=form.cleaned_data["nil_return"],
                    guests=[g.cleaned_data for g in filled],
                    method=ReturnMethod.FORM,
                ),
            )
        except services.ReturnRejected as error:
            _rejected_to_forms(error, filled)
            form.add_error(None, error.message)
            hotel_return = None
        if hotel_return is not None:
            return redirect("operator_return_receipt", pk=hotel_return.pk)
    return _return_page(request, notice, form, guests, validate=data is not None)


def _with_extra_row(data: Any) -> Any:
    copy = data.copy()
    total = int(copy.get("guest-TOTAL_FORMS", "1") or 1)
    copy["guest-TOTAL_FORMS"] = str(min(total + 1, 50))
    return copy


def _return_page(
    request: HttpRequest, notice: HotelInformationNotice, form: Any, guests: Any, *, validate: bool
) -> HttpResponse:
    guest_forms = list(guests.forms)
    if not validate:
        for guest in guest_forms:
            guest._errors = {}  # re-shown to add a row, not submitted: no errors yet
        form._errors = {}
    return render(
        request,
        "disruption/operator_return_form.html",
        {
            "notice": notice,
            "form": form,
            "guests": guests,
            "guest_forms": guest_forms,
            "errors": _ReturnErrors(form, guest_forms),
        },
    )


class _ReturnErrors:
    """One error summary for the whole return: the return's own errors, then each guest's,
    named by guest number (GOV.UK: one summary per page)."""

    def __init__(self, form: GovukForm, guest_forms: list[GovukForm]) -> None:
        self.form, self.guest_forms = form, guest_forms

    def error_list(self) -> list[tuple[str, str]]:
        items = list(self.form.error_list()) if self.form._errors else []
        for number, guest in enumerate(self.guest_forms, start=1):
            if guest._errors:
                items += [
                    (target, f"Guest {number}: {text}") for target, text in guest.error_list()
                ]
        return items


@login_required
def operator_return_upload(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_operator_notice(request.user, pk)
    form = forms.CsvUploadForm(
        _posted(request),
        request.FILES or None,
        periods=_period_choices(notice),
        initial={"period": _default_period(request, notice)},
    )
    row_errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            rows = read_csv(form.cleaned_data["file"].read())
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            if not rows:
                form.add_error("file", "The file has no guests: submit a nil return instead")
            else:
                try:
                    hotel_return = form.run_service(
                        lambda: services.hotel_return_submit(
                            acting_user=request.user,
                            notice=notice,
                            period_start=form.period_start(),
                            guests=rows,
                            method=ReturnMethod.CSV,
                        ),
                    )
                except services.ReturnRejected as error:
                    form.add_error(
                        "file",
                        f"{error.message}. Correct the rows below and upload the whole file again.",
                    )
                    row_errors = error.messages()
                    hotel_return = None
                if hotel_return is not None:
                    return redirect("operator_return_receipt", pk=hotel_return.pk)
    return render(
        request,
        "disruption/operator_upload.html",
        {"notice": notice, "form": form, "row_errors": row_errors, "columns": CSV_COLUMNS},
    )


@login_required
def operator_return_receipt(request: HttpRequest, pk: int) -> HttpResponse:
    hotel_return = selectors.get_operator_return(request.user, pk)
    return render(
        request,
        "disruption/operator_receipt.html",
        {
            "hotel_return": hotel_return,
            "notice": hotel_return.notice,
            "guest_count": hotel_return.guests.count(),
        },
    )


@login_required
def operator_notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    notice = selectors.get_operator_notice(request.user, pk)
    services.record_document(
        acting_user=request.user,
        record=notice,
        document="hotel notice PDF (operator copy)",
        recipient=request.user.get_username(),
    )
    return _notice_pdf(request, notice)


@login_required
def operator_csv_template(request: HttpRequest) -> HttpResponse:
    _require_operator(request)
    response = HttpResponse(template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="hotel-return-template.csv"'
    return response
