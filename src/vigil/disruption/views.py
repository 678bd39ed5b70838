"""Screens of the disruption tools and the hotel operator returns portal. Each view checks
access first (through selectors or `vigil.disruption.access`), parses input with a form, calls
one service and renders."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from vigil.core import disruption as rules
from vigil.disruption import documents, forms, selectors, services
from vigil.disruption.access import (
    can_change_record,
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


def _require_change(request: HttpRequest, record: Any) -> None:
    """A page that changes a tool the user can see: police who may change it, else 403 (a
    partner it was shared with may read it, not change it)."""
    if not (is_police_case_worker(request.user) and can_change_record(request.user, record)):
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


# --- The tools: one registry, one set of views ------------------------------------------------
#
# Every tool's life is a few steps on its record (serve, review, make, end ...), each a form that
# carries the version the user started from and one service call; issuing a tool is one form
# and one service. The tables below name them; `tool_step` and `tool_create` are the only views
# and urls.py builds every step's URL from the table (URL names and paths as before).


@dataclass(frozen=True)
class ToolKind:
    """A disruption tool as the URLs name it: `disruption/<slug>/<pk>/...`."""

    slug: str
    model: type[Any]
    breachable: bool = True


TOOLS: dict[str, ToolKind] = {
    kind.slug: kind
    for kind in (
        ToolKind("cawns", ChildAbductionWarningNotice),
        ToolKind("orders", PreventionOrder),
        ToolKind("warnings", WarningOrInjunction),
        ToolKind("police-protection", PoliceProtection, breachable=False),
        ToolKind("hotel-notices", HotelInformationNotice),
    )
}
BREACH_TOOLS: dict[str, type[Any]] = {
    slug: kind.model for slug, kind in TOOLS.items() if kind.breachable
}

StepCall = Callable[[HttpRequest, Any, dict[str, Any], Any], Any]
Words = str | Callable[[Any], str]


def _words(words: Words, record: Any) -> str:
    return words(record) if callable(words) else words


@dataclass(frozen=True)
class Step:
    """One step in a tool's life: its URL (`path`, `url_name`), form, service call (given the
    request, the record, the form's cleaned data and the form) and the words on the page."""

    tool: str
    path: str
    url_name: str
    form: type[GovukForm]
    call: StepCall
    title: Words
    done: Words
    button: str = "Save"
    note: Words = ""
    initial: Callable[[Any], dict[str, Any]] = lambda record: {}


def _serve(service: Callable[..., Any], record_arg: str) -> StepCall:
    """Recording service is the same step on every tool that is served."""
    return lambda request, record, data, form: service(
        acting_user=request.user,
        expected_version=data["version"],
        served_on=data["served_on"],
        served_how=data["served_how"],
        **{record_arg: record},
    )


def _informed_initial(protection: PoliceProtection) -> dict[str, Any]:
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
    return initial


def _informed(request: HttpRequest, protection: Any, data: dict[str, Any], form: Any) -> Any:
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


def _issue_note(notice: HotelInformationNotice) -> str:
    hotel = rules.hotel_rules()
    return (
        "You issue this notice as its issuing officer: you must be of at least "
        f"{rules.rank_label(hotel['minimum_rank']).lower()} rank and reasonably believe the "
        "premises are or will be used for child sexual exploitation (ASBCPA 2014 s116). The "
        f"period may last at most {hotel['max_period_months']} months from issue."
    )


def _order_source(order: PreventionOrder) -> str:
    return str(rules.order_rules(order.kind)["source"])


STEPS: list[Step] = [
    # Child abduction warning notices
    Step(
        "cawns",
        "serve",
        "cawn_serve",
        forms.ServeForm,
        _serve(services.cawn_record_service, "cawn"),
        title="Record service of the notice",
        done="Service recorded",
    ),
    Step(
        "cawns",
        "review",
        "cawn_review",
        forms.CawnReviewForm,
        lambda request, cawn, data, form: services.cawn_review(
            acting_user=request.user,
            cawn=cawn,
            expected_version=data["version"],
            next_review_on=data["next_review_on"],
            note=data["note"],
        ),
        title="Review the notice",
        button="Record review",
        done="Review recorded",
    ),
    Step(
        "cawns",
        "withdraw",
        "cawn_withdraw",
        forms.CawnWithdrawForm,
        lambda request, cawn, data, form: services.cawn_withdraw(
            acting_user=request.user,
            cawn=cawn,
            expected_version=data["version"],
            withdrawn_on=data["withdrawn_on"],
            reason=data["reason"],
        ),
        title="Withdraw the notice",
        button="Withdraw notice",
        done="Notice withdrawn",
    ),
    # SHPOs and SROs
    Step(
        "orders",
        "apply",
        "order_apply",
        forms.OrderApplyForm,
        lambda request, order, data, form: services.order_apply(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            applied_on=data["applied_on"],
            court=data["court"],
        ),
        title="Record the application to court",
        done="Application recorded",
        initial=lambda order: {"court": order.court},
    ),
    Step(
        "orders",
        "made",
        "order_make",
        forms.OrderMakeForm,
        lambda request, order, data, form: services.order_make(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            made_on=data["made_on"],
            court=data["court"],
            reference=data["reference"],
        ),
        title="Record the order as made",
        done="Order recorded as made",
        note=_order_source,
        initial=lambda order: {"court": order.court},
    ),
    Step(
        "orders",
        "refused",
        "order_refuse",
        forms.OrderRefuseForm,
        lambda request, order, data, form: services.order_refuse(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            refused_on=data["refused_on"],
        ),
        title="Record the application as refused",
        done="Refusal recorded",
    ),
    Step(
        "orders",
        "discharge",
        "order_discharge",
        forms.OrderDischargeForm,
        lambda request, order, data, form: services.order_discharge(
            acting_user=request.user,
            order=order,
            expected_version=data["version"],
            discharged_on=data["discharged_on"],
            court=data["court"],
            details=data["details"],
        ),
        title="Record the discharge of the order",
        done="Discharge recorded",
        initial=lambda order: {"court": order.court},
    ),
    # Harassment warnings, civil injunctions, community protection notices
    Step(
        "warnings",
        "serve",
        "warning_serve",
        forms.ServeForm,
        _serve(services.warning_record_service, "warning"),
        title="Record service",
        done="Service recorded",
    ),
    # Police protection
    Step(
        "police-protection",
        "informed",
        "protection_informed",
        forms.InformedForm,
        _informed,
        title="Record who was told",
        done="Saved",
        initial=_informed_initial,
        note="The local authority and the child's parents must be told as soon as reasonably "
        "practicable (Children Act 1989 s46(3)-(4)).",
    ),
    Step(
        "police-protection",
        "end",
        "protection_end",
        forms.ProtectionEndForm,
        lambda request, protection, data, form: services.police_protection_end(
            acting_user=request.user,
            protection=protection,
            expected_version=data["version"],
            ended_at=form.ended_at(),
            outcome=data["outcome"],
            outcome_notes=data["outcome_notes"],
        ),
        title="End police protection",
        done="Police protection ended",
    ),
    # Hotel information notices
    Step(
        "hotel-notices",
        "issue",
        "hotel_notice_issue",
        forms.IssueForm,
        lambda request, notice, data, form: services.hotel_notice_issue(
            acting_user=request.user,
            notice=notice,
            expected_version=data["version"],
            issued_on=data["issued_on"],
        ),
        title="Issue the notice",
        button="Issue notice",
        done=lambda notice: f"Notice {notice.code} issued",
        initial=lambda notice: {"issued_on": timezone.localdate()},
        note=_issue_note,
    ),
    Step(
        "hotel-notices",
        "serve",
        "hotel_notice_serve",
        forms.ServeForm,
        _serve(services.hotel_notice_serve, "notice"),
        title=lambda notice: f"Record service on {notice.recipient_name}",
        done="Service recorded: returns are due from today",
    ),
    Step(
        "hotel-notices",
        "appeal",
        "hotel_notice_appeal",
        forms.AppealForm,
        lambda request, notice, data, form: services.hotel_notice_record_appeal(
            acting_user=request.user,
            notice=notice,
            expected_version=data["version"],
            lodged_on=data["lodged_on"],
            outcome=data["outcome"],
            decided_on=data["decided_on"],
        ),
        title="Record an appeal to the magistrates' court",
        done="Appeal recorded",
        initial=lambda notice: {
            "lodged_on": notice.appeal_lodged_on,
            "outcome": notice.appeal_outcome,
            "decided_on": notice.appeal_decided_on,
        },
        note="The recipient may appeal within 21 days of service (ASBCPA 2014 s117).",
    ),
    Step(
        "hotel-notices",
        "withdraw",
        "hotel_notice_withdraw",
        forms.VersionedForm,
        lambda request, notice, data, form: services.hotel_notice_withdraw(
            acting_user=request.user, notice=notice, expected_version=data["version"]
        ),
        title="Withdraw the notice",
        button="Withdraw notice",
        done="Notice withdrawn",
    ),
]
_STEPS_BY_NAME: dict[str, Step] = {step.url_name: step for step in STEPS}


@login_required
def tool_step(request: HttpRequest, pk: int, *, step: str) -> HttpResponse:
    """One step of a tool's life, as the table names it (urls.py passes the step's URL name)."""
    spec = _STEPS_BY_NAME[step]
    record = selectors.get_visible(request.user, TOOLS[spec.tool].model, pk)
    _require_change(request, record)
    return _versioned_step(
        request,
        record,
        spec.form,
        lambda data, form: spec.call(request, record, data, form),
        title=_words(spec.title, record),
        button=spec.button,
        done=_words(spec.done, record),
        note=_words(spec.note, record),
        initial=spec.initial(record),
    )


@dataclass(frozen=True)
class Creation:
    """Issuing (or starting) a tool: its form, the references it may take from the query
    string (?subject=P-42, from a person's page), its service call and the page's words."""

    tool: str
    url_name: str
    form: type[GovukForm]
    refs: tuple[str, ...]
    call: Callable[[HttpRequest, dict[str, Any], Any], Any]
    message: Callable[[Any], str]
    title: str
    button: str
    note: Callable[[], str] | str = ""


def _cawn_issue(request: HttpRequest, data: dict[str, Any], form: Any) -> Any:
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


def _order_start(request: HttpRequest, data: dict[str, Any], form: Any) -> Any:
    return services.order_draft_create(
        acting_user=request.user,
        kind=data["kind"],
        subject=_record(request, Person, data["subject"], "subject"),
        protected_children=_records(
            request, Person, data["protected_children"], "protected_children"
        ),
        grounds=data["grounds"],
        court=data["court"],
        evidence=_records(request, Event, data["evidence"], "evidence"),
    )


def _warning_issue(request: HttpRequest, data: dict[str, Any], form: Any) -> Any:
    return services.warning_issue(
        acting_user=request.user,
        kind=data["kind"],
        subject=_record(request, Person, data["subject"], "subject"),
        protected_person=_record(request, Person, data["protected_person"], "protected_person"),
        issued_on=data["issued_on"],
        court=data["court"],
        written_warning_on=data["written_warning_on"],
        terms=data["terms"],
        expires_on=data["expires_on"],
        reference=data["reference"],
    )


def _protection_start(request: HttpRequest, data: dict[str, Any], form: Any) -> Any:
    return services.police_protection_start(
        acting_user=request.user,
        child=_record(request, Person, data["child"], "child"),
        taken_at=form.taken_at(),
        taken_from=data["taken_from"],
        taken_to=data["taken_to"],
        constable=data["constable"],
        designated_officer=data["designated_officer"],
    )


CREATIONS: list[Creation] = [
    Creation(
        "cawns",
        "cawn_create",
        forms.CawnForm,
        ("subject", "child"),
        _cawn_issue,
        lambda notice: f"Child abduction warning notice {notice.code} recorded",
        title="Issue a child abduction warning notice",
        button="Issue notice",
        note="For a child under 16 living at home, or under 18 in local-authority care. The "
        "notice needs the agreement of a parent, a carer with parental responsibility or the "
        "local authority.",
    ),
    Creation(
        "orders",
        "order_create",
        forms.OrderDraftForm,
        ("subject",),
        _order_start,
        lambda order: f"Draft application {order.code} started",
        title="Start an SHPO or SRO application",
        button="Save draft",
    ),
    Creation(
        "warnings",
        "warning_create",
        forms.WarningForm,
        ("subject", "protected_person"),
        _warning_issue,
        lambda warning: f"{warning.get_kind_display()} {warning.code} recorded",
        title="Record a harassment warning, injunction or notice",
        button="Save",
    ),
    Creation(
        "police-protection",
        "protection_create",
        forms.ProtectionForm,
        ("child",),
        _protection_start,
        lambda protection: "Police protection recorded: the 72-hour limit is running",
        title="Record police protection",
        button="Save",
        note=lambda: str(rules.policy()["police_protection"]["source"]),
    ),
]
_CREATIONS_BY_NAME: dict[str, Creation] = {spec.url_name: spec for spec in CREATIONS}


@login_required
def tool_create(request: HttpRequest, *, creation: str) -> HttpResponse:
    """Issue (or start) a tool, as the table names it: a police power."""
    spec = _CREATIONS_BY_NAME[creation]
    _require_police(request)
    form = spec.form(_posted(request), initial=_initial_refs(request, *spec.refs))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        record = form.run_service(lambda: spec.call(request, data, form))
        if record is not None:
            messages.success(request, spec.message(record))
            return redirect(record.get_absolute_url())
    return _form_page(
        request,
        form,
        title=spec.title,
        back=reverse("disruption_home"),
        button=spec.button,
        note=spec.note() if callable(spec.note) else spec.note,
    )


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
            "tasks": selectors.open_return_tasks(request.user),
            "window": rules.policy()["alerts"]["due_soon_days"],
            "can_change": is_police_case_worker(request.user),
        },
    )


# --- Child abduction warning notices ----------------------------------------------------------


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


# --- Breaches (any tool) ----------------------------------------------------------------------

# Who a breach summary is for, as the disclosure entry names it.
BREACH_SUMMARY_RECIPIENT = "Case file (prosecution or order application)"


def _breachable(request: HttpRequest, tool: str, pk: int) -> Any:
    """The tool named by its URL segment and pk, if the user may see it (else 404)."""
    if tool not in BREACH_TOOLS:
        raise Http404
    return selectors.get_visible(request.user, BREACH_TOOLS[tool], pk)


@login_required
def breach_create(request: HttpRequest, tool: str, pk: int) -> HttpResponse:
    record = _breachable(request, tool, pk)
    _require_change(request, record)
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


@login_required
def breach_summary_pdf(request: HttpRequest, tool: str, pk: int) -> HttpResponse:
    """The tool's breaches as a PDF for the case file (an SRO application, a prosecution),
    with the force and the preparing officer; each generation is audited as a disclosure."""
    record = _breachable(request, tool, pk)
    _require_police(request)
    breaches = list(
        record.breaches.select_related("event", "recorded_by").prefetch_related("evidence")
    )
    services.record_document(
        acting_user=request.user,
        record=record,
        document="breach summary PDF",
        recipient=BREACH_SUMMARY_RECIPIENT,
    )
    context = documents.breach_summary_context(
        request.user, record, breaches, kind_label=services.tool_label(record)
    )
    return _pdf_response(
        request, "disruption/pdf/breach_summary.html", context, f"{record.code}-breaches.pdf"
    )


# --- SHPOs and SROs ---------------------------------------------------------------------------


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
    _require_change(request, order)
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
    _require_change(request, order)
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
def order_prohibition_change(request: HttpRequest, pk: int, prohibition_pk: int) -> HttpResponse:
    order = selectors.get_visible(request.user, PreventionOrder, pk)
    _require_change(request, order)
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


# --- Warnings and injunctions -----------------------------------------------------------------


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


# --- Police protection ------------------------------------------------------------------------


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
            "tasks": selectors.open_return_tasks(request.user, notice=notice),
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
            "can_issue": rules.rank_at_least(
                getattr(request.user, "rank", "") or "", hotel["minimum_rank"]
            ),
        },
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
def hotel_return_task_close(request: HttpRequest, pk: int) -> HttpResponse:
    """Close a follow-up task for a late or missing return with what was done (a form in the
    task's row on the notice, due and home pages); back to the notice."""
    task = selectors.get_return_task(request.user, pk)
    _require_police(request)
    form = forms.ReturnTaskCloseForm(request.POST)
    if form.is_valid():
        try:
            services.hotel_return_task_close(
                acting_user=request.user,
                task=task,
                outcome=form.cleaned_data["outcome"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Task closed: {task.get_outcome_display().lower()}")
    else:
        messages.error(request, "Choose what was done to close the task")
    return redirect(task.notice.get_absolute_url())


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
    context = {
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
    }
    return _pdf_response(request, "disruption/pdf/hotel_notice.html", context, f"{notice.code}.pdf")


def _pdf_response(
    request: HttpRequest, template: str, context: dict[str, Any], filename: str
) -> HttpResponse:
    pdf = documents.render_pdf(template, context, base_url=request.build_absolute_uri("/"))
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
    context = {
        "cawn": cawn,
        "force": cawn.owning_agency,
        "officer": cawn.issuing_officer,
        "officer_rank": rules.rank_label(cawn.issuing_officer.rank),
    }
    return _pdf_response(request, "disruption/pdf/cawn.html", context, f"{cawn.code}.pdf")


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
    return _return_form(request, notice, officer=False)


@login_required
def hotel_return_enter(request: HttpRequest, pk: int) -> HttpResponse:
    """A return that reached the police on paper or by email, entered by an officer for the
    operator: the same checks, stored the same way, marked as entered by the officer."""
    notice = selectors.get_visible(request.user, HotelInformationNotice, pk)
    _require_change(request, notice)
    return _return_form(request, notice, officer=True)


def _return_form(
    request: HttpRequest, notice: HotelInformationNotice, *, officer: bool
) -> HttpResponse:
    """The return form (period, nil return, guests), for the operator or an officer."""
    periods = _period_choices(notice)
    data = request.POST if request.method == "POST" else None
    form_class = forms.OfficerReturnForm if officer else forms.ReturnPeriodForm
    form = form_class(data, periods=periods, initial={"period": _default_period(request, notice)})
    guests = forms.GuestFormSet(data, prefix="guest")
    if data is not None and "add_guest" in data:
        # Add another guest (no JavaScript needed): the same page, one more blank row, no errors.
        guests = forms.GuestFormSet(_with_extra_row(data), prefix="guest")
        form = form_class(data, periods=periods)
        return _return_page(request, notice, form, guests, validate=False, officer=officer)
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
                    method=form.cleaned_data["method"] if officer else ReturnMethod.FORM,
                    received_on=form.cleaned_data["received_on"] if officer else None,
                ),
            )
        except services.ReturnRejected as error:
            _rejected_to_forms(error, filled)
            form.add_error(None, error.message)
            hotel_return = None
        if hotel_return is not None:
            if officer:
                messages.success(
                    request,
                    f"Return {hotel_return.receipt} entered for {notice.recipient_name}",
                )
                return redirect(notice.get_absolute_url())
            return redirect("operator_return_receipt", pk=hotel_return.pk)
    return _return_page(request, notice, form, guests, validate=data is not None, officer=officer)


def _with_extra_row(data: Any) -> Any:
    copy = data.copy()
    total = int(copy.get("guest-TOTAL_FORMS", "1") or 1)
    copy["guest-TOTAL_FORMS"] = str(min(total + 1, 50))
    return copy


def _return_page(
    request: HttpRequest,
    notice: HotelInformationNotice,
    form: Any,
    guests: Any,
    *,
    validate: bool,
    officer: bool = False,
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
            "officer": officer,
        },
    )


class _ReturnErrors:
    """One error summary for the whole return: the return's own errors, then each guest's,
    named by guest number (GOV.UK: one summary per page)."""

    def __init__(self, form: Any, guest_forms: list[Any]) -> None:
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
