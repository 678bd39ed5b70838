"""Screens for warning signs and screening. Each view parses input, calls one service or
selector, and renders."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from vigil.accounts.access import works_with_cases
from vigil.accounts.models import Agency, Team
from vigil.core import screening as core
from vigil.core.taxonomy import load_taxonomy
from vigil.people import selectors as people_selectors
from vigil.people.models import Location, Person, PoleObject
from vigil.safeguarding import charts, selectors, services
from vigil.safeguarding.forms import (
    AdviceActionForm,
    CaseloadFilterForm,
    ConcernForm,
    ImportForm,
    ObservationWithdrawForm,
    OverrideDecisionForm,
    OverrideForm,
    ReasonForm,
    TaskCloseForm,
)
from vigil.safeguarding.models import Override, ScreeningResult
from vigil.web.forms import GovukForm

PDF_CSS = Path(__file__).with_name("screening_pdf.css")
_ENTITY_MODELS: dict[str, Any] = {"person": Person, "object": PoleObject, "location": Location}


def _require_case_worker(request: HttpRequest) -> None:
    if not works_with_cases(request.user):
        raise PermissionDenied


def _attempt(form: GovukForm, action: Callable[[], Any]) -> Any:
    """Run a service; its ValidationError or refusal becomes form errors (returns None)."""
    try:
        return form.run_service(action)
    except services.ScreeningRefused as refused:
        form.add_error(None, refused.message)
    return None


def _child(request: HttpRequest, pk: int) -> Person:
    # Pages pass the request: a sensitive child's record asks "why are you looking?" first.
    return people_selectors.get_visible(request.user, Person, pk, request=request)


def _back(person: Person) -> str:
    return reverse("person_detail", args=[person.pk]) + "#panel-cse-screening"


# --- The person-page panel --------------------------------------------------------------------


def screening_panel(request: HttpRequest, person: Person) -> dict[str, Any] | None:
    """The "CSE screening" panel on a person's page. Left out for users without case access
    and for adults never screened; an adult screened as a child sees the refusal and history."""
    user = request.user
    if not works_with_cases(user):
        return None
    base: dict[str, Any] = {"csrf_token": get_token(request), "person": person}
    try:
        result = services.ensure_current_screening(acting_user=user, child=person)
    except services.ScreeningRefused as refused:
        screened_before = selectors.has_history(person)
        if person.date_of_birth is not None and not screened_before:
            return None
        return {**base, "refused": refused.message, "screened_before": screened_before}
    return {**base, **_screening_context(request, person, result, audit=True)}


def _screening_context(
    request: HttpRequest, person: Person, result: ScreeningResult, *, audit: bool
) -> dict[str, Any]:
    user = request.user
    observations = selectors.observations_for(user, person, audit=audit)
    override = (
        result.live_override
        if hasattr(result, "live_override")
        else selectors.live_override(person)
    )
    return {
        "result": result,
        "explanation": selectors.explain(user, result, observations),
        "advice": selectors.advice_with_actions(result),
        "tasks": selectors.open_tasks_for(user, person),
        "override": override,
        "can_decide": bool(override and services.can_approve(user, override)),
        "overdue": bool(result.review_on and result.review_on < timezone.localdate()),
        "levels": core.levels(),
        "observations": observations,
    }


# --- Recording ----------------------------------------------------------------------------------


def _involved_records(request: HttpRequest, refs: list[tuple[str, int]]) -> list[Any]:
    records = []
    for kind, pk in refs:
        model = _ENTITY_MODELS.get(kind)
        if model is None:
            raise ValidationError({"involved": "Name people, objects or locations only"})
        try:
            records.append(people_selectors.get_visible(request.user, model, pk))
        except Http404:
            raise ValidationError(
                {"involved": f"There is no record {kind[0].upper()}-{pk} you can see"}
            ) from None
    return records


@login_required
def concern_record(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    refusal = None
    try:
        services.require_screenable(child)
    except services.ScreeningRefused as refused:
        refusal = refused.message
    form = ConcernForm(request.POST or None)
    if request.method == "POST" and refusal is None and form.is_valid():
        data = form.cleaned_data
        created = _attempt(
            form,
            lambda: services.observations_record(
                acting_user=request.user,
                child=child,
                codes=data["codes"],
                observed_on=data["observed_on"],
                source=data["source"],
                note=data["note"],
                involved=_involved_records(request, data["involved"]),
                access_level=data["access_level"],
            ),
        )
        if created:
            count = len(created)
            messages.success(
                request, f"Concern recorded ({count} sign{'s' if count != 1 else ''}); re-screened"
            )
            return redirect(_back(child))
    return render(
        request,
        "safeguarding/concern_form.html",
        {"form": form, "person": child, "refusal": refusal, "back": _back(child)},
    )


@login_required
def observation_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    current = [
        row for row in selectors.observations_for(request.user, child) if not row.withdrawn_at
    ]
    form = ObservationWithdrawForm(
        request.POST or None,
        observations=current,
        initial={"observation": request.GET.get("observation", "")},
    )
    if request.method == "POST" and form.is_valid():
        observation, version = form.chosen()
        done = _attempt(
            form,
            lambda: services.observation_withdraw(
                acting_user=request.user,
                observation=observation,
                reason=form.cleaned_data["reason"],
                expected_version=version,
            ),
        )
        if done:
            messages.success(request, "Observation withdrawn; re-screened")
            return redirect(_back(child))
    return render(
        request,
        "safeguarding/simple_form.html",
        {
            "form": form if current else None,
            "title": "Withdraw an observation",
            "caption": child.full_name,
            "lead": "Withdraw an observation recorded in error. It is kept, marked withdrawn, "
            "and no longer counts."
            if current
            else "There are no observations recorded by hand to withdraw.",
            "back": _back(child),
            "button": "Withdraw observation",
        },
    )


@login_required
def observation_import(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    batch = selectors.get_import(request.user, request.GET.get("report"))
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        batch = _attempt(
            form,
            lambda: services.observations_import(
                acting_user=request.user,
                file_name=upload.name,
                content=upload.read(services.MAX_IMPORT_BYTES + 1),
            ),
        )
    return render(
        request,
        "safeguarding/import_form.html",
        {"form": form, "batch": batch, "imports": selectors.imports_for(request.user)[:10]},
    )


# --- Professional judgement ---------------------------------------------------------------------


@login_required
def override_propose(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    try:
        current = services.ensure_current_screening(acting_user=request.user, child=child)
    except services.ScreeningRefused as refused:
        return render(
            request,
            "safeguarding/refused.html",
            {"person": child, "refusal": refused.message, "back": _back(child)},
        )
    form = OverrideForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        row = _attempt(
            form,
            lambda: services.override_propose(
                acting_user=request.user,
                child=child,
                rank=form.cleaned_data["rank"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if row is not None:
            if row.status == Override.Status.PENDING:
                messages.success(request, "Lowering recorded: it needs a supervisor's approval")
            else:
                messages.success(request, "Professional judgement recorded; re-screened")
            return redirect(_back(child))
    return render(
        request,
        "safeguarding/override_form.html",
        {"form": form, "person": child, "result": current, "back": _back(child)},
    )


@login_required
def override_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: (
                services.override_withdraw(
                    acting_user=request.user, child=child, reason=form.cleaned_data["reason"]
                )
                or True
            ),
        )
        if done:
            messages.success(request, "Professional judgement withdrawn; re-screened")
            return redirect(_back(child))
    return render(
        request,
        "safeguarding/simple_form.html",
        {
            "form": form,
            "title": "Withdraw professional judgement",
            "caption": child.full_name,
            "lead": "The rule result will stand again.",
            "back": _back(child),
            "button": "Withdraw judgement",
        },
    )


@login_required
def override_decide(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    override = selectors.live_override(child)
    pending = override if override and override.status == Override.Status.PENDING else None
    allowed = bool(pending and services.can_approve(request.user, pending))
    if request.method == "POST" and not allowed:
        raise PermissionDenied
    form = OverrideDecisionForm(request.POST or None)
    if request.method == "POST" and pending and form.is_valid():
        done = _attempt(
            form,
            lambda: services.override_decide(
                acting_user=request.user,
                override=pending,
                approve=form.cleaned_data["decision"] == "approve",
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, "Decision recorded; re-screened")
            return redirect(_back(child))
    return render(
        request,
        "safeguarding/decide_form.html",
        {
            "form": form,
            "override": pending,
            "allowed": allowed,
            "person": child,
            "levels": core.levels(),
            "back": _back(child),
        },
    )


# --- What to do next and tasks ------------------------------------------------------------------


@login_required
def advice_action(request: HttpRequest, pk: int, advice_id: str) -> HttpResponse:
    child = _child(request, pk)
    advice = next((a for a in core.load_screening_policy().advice if a.id == advice_id), None)
    if advice is None:
        raise Http404
    form = AdviceActionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.advice_action_set(
                acting_user=request.user,
                child=child,
                advice_id=advice_id,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, "Action updated")
            return redirect(_back(child))
    return render(
        request,
        "safeguarding/simple_form.html",
        {
            "form": form,
            "title": advice.action,
            "caption": f"What to do next for {child.full_name}",
            "lead": advice.rationale,
            "back": _back(child),
            "button": "Save",
        },
    )


@login_required
def task_close(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    tasks = selectors.open_tasks_for(request.user, child)
    form = TaskCloseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = _attempt(
            form,
            lambda: services.screening_tasks_close(
                acting_user=request.user,
                child=child,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
            ),
        )
        if done:
            messages.success(request, "Task closed")
            return redirect(_back(child))
    because = "; ".join(
        f"{task.get_relation_display().lower()} {task.because_name} reached "
        f"{task.because_screening.label}"
        for task in tasks
    )
    return render(
        request,
        "safeguarding/simple_form.html",
        {
            "form": form if tasks else None,
            "title": f"Consider screening {child.full_name}",
            "caption": f"Because: {because}" if tasks else "",
            "lead": "The sexual exploitation of one child in the family can place other "
            "siblings at significant risk (guidance: Victims' families). Record what is known "
            "about this child, then close the task."
            if tasks
            else "There is no open task for this child.",
            "back": _back(child),
            "button": "Close task",
        },
    )


@login_required
def task_list(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    tasks = selectors.open_tasks(request.user)
    approvals = list(selectors.pending_approvals(request.user)[:200])
    selectors.log_people_shown(
        request.user,
        list({t.child for t in tasks} | {o.child for o in approvals}),
        via="screening tasks",
    )
    return render(
        request,
        "safeguarding/tasks.html",
        {"tasks": tasks, "approvals": approvals, "levels": core.levels()},
    )


# --- A child's screening page and PDF -----------------------------------------------------------


@login_required
def screening_detail(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    try:
        result = services.ensure_current_screening(acting_user=request.user, child=child)
    except services.ScreeningRefused as refused:
        return render(
            request,
            "safeguarding/refused.html",
            {
                "person": child,
                "refusal": refused.message,
                "back": reverse("person_detail", args=[child.pk]),
                "history": selectors.history(child),
            },
        )
    context = _screening_context(request, child, result, audit=True)
    context.update({"person": child, "history": selectors.history(child)})
    return render(request, "safeguarding/screening_detail.html", context)


@login_required
def screening_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    child = _child(request, pk)
    try:
        result = services.ensure_current_screening(acting_user=request.user, child=child)
    except services.ScreeningRefused:
        raise Http404 from None
    pdf = render_screening_pdf(request, child, result)
    recipients = "child's file and multi-agency meeting"
    services.log_disclosure(
        acting_user=request.user,
        objects=[("person", child.pk), ("screeningresult", result.pk)],
        recipients=recipients,
        justification="Screening, reasons and action plan printed as PDF",
        detail={"format": "pdf", "rank": result.rank},
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"cse-screening-P-{child.pk}-{result.assessed_on:%Y-%m-%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def screening_document_html(request: HttpRequest, child: Person, result: ScreeningResult) -> str:
    context = _screening_context(request, child, result, audit=False)
    context.update(
        {"person": child, "printed_by": request.user, "printed_at": timezone.localtime()}
    )
    return render_to_string("safeguarding/screening_pdf.html", context, request=request)


def render_screening_pdf(request: HttpRequest, child: Person, result: ScreeningResult) -> bytes:
    from weasyprint import CSS, HTML

    html = screening_document_html(request, child, result)
    document = HTML(string=html)
    return bytes(document.write_pdf(stylesheets=[CSS(filename=str(PDF_CSS))]))


# --- Caseload -----------------------------------------------------------------------------------

CASELOAD_PAGE_SIZE = 50


def _caseload_filters(request: HttpRequest) -> tuple[CaseloadFilterForm, selectors.CaseloadFilters]:
    user = request.user
    teams = [(t.pk, str(t)) for t in Team.objects.select_related("agency")]
    agencies = [(a.pk, a.name) for a in Agency.objects.all()]
    form = CaseloadFilterForm(
        request.GET or None,
        areas=selectors.caseload_areas(user),
        teams=teams,
        agencies=agencies,
    )
    filters = selectors.CaseloadFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = selectors.CaseloadFilters(
            levels=list(data["level"] or []),
            view=data["view"] or "all",
            area=data["area"] or "",
            team=data["team"],
            agency=data["agency"],
        )
    return form, filters


@login_required
def caseload(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    form, filters = _caseload_filters(request)
    rows = selectors.caseload(request.user, filters)
    page = Paginator(rows, CASELOAD_PAGE_SIZE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    selectors.log_people_shown(request.user, [row.child for row in shown], via="screening caseload")
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "safeguarding/caseload.html",
        {
            "form": form,
            "rows": shown,
            "page": page,
            "query": query.urlencode(),
            "today": timezone.localdate(),
            "filters": filters,
            "task_count": selectors.tasks_for_user(request.user).count(),
            "levels": core.levels(),
        },
    )


@login_required
def caseload_export(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    _, filters = _caseload_filters(request)
    rows = list(selectors.caseload(request.user, filters)[:10_000])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "reference",
            "given_names",
            "family_name",
            "date_of_birth",
            "age",
            "level",
            "rule_level",
            "professional_judgement",
            "review_on",
            "review_overdue",
            "area",
            "agency",
            "screened_at",
            "policy_version",
        ]
    )
    today = timezone.localdate()
    for row in rows:
        child = row.child
        writer.writerow(
            [
                f"P-{child.pk}",
                _csv_safe(child.given_names),
                _csv_safe(child.family_name),
                child.date_of_birth.isoformat() if child.date_of_birth else "",
                row.age,
                row.label,
                row.rule_label,
                "yes" if row.judgement_differs else "",
                row.review_on.isoformat() if row.review_on else "",
                "yes" if row.review_on and row.review_on < today else "",
                _csv_safe(row.area),
                _csv_safe(str(child.owning_agency)),
                timezone.localtime(row.screened_at).isoformat(timespec="minutes"),
                row.policy_version,
            ]
        )
    services.log_disclosure(
        acting_user=request.user,
        objects=[("person", row.child_id) for row in rows] or [("screeningresult", "")],
        recipients="CSV export downloaded by the user",
        justification="Screening caseload export",
        detail={"filters": request.GET.urlencode()[:500], "rows": len(rows)},
    )
    response = HttpResponse(out.getvalue(), content_type="text/csv; charset=utf-8")
    name = f"cse-screening-caseload-{today:%Y-%m-%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _csv_safe(text: str) -> str:
    # A cell starting with = + - @ is run as a formula by spreadsheets (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


@login_required
def cohort(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    months = selectors.cohort(request.user)
    labels = [level.label for level in core.levels()]
    chart = charts.stacked_levels_svg(
        [m.month for m in months],
        [m.by_rank for m in months],
        labels,
        title="Children at each screening level at the end of each month",
    )
    taxonomy = load_taxonomy()
    group_labels = {
        **taxonomy.category_labels,
        "vulnerability": "Vulnerabilities",
        "other": "Places, online, coercion, types",
    }
    return render(
        request,
        "safeguarding/cohort.html",
        {
            "months": months,
            "chart": chart,
            "level_rows": [
                (label, [m.by_rank[rank] for m in months]) for rank, label in enumerate(labels)
            ],
            "indicator_rows": [
                (group_labels[group], [m.indicators[group] for m in months])
                for group in selectors.INDICATOR_GROUPS
            ],
        },
    )
