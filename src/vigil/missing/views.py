"""Screens for missing episodes. Each view parses input, calls one service or selector, and
renders; need-to-know is checked by the selectors (404 for what the user may not see)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from vigil.accounts.access import works_with_cases
from vigil.accounts.models import Agency
from vigil.core.missing import EXPORT_COLUMNS, missing_policy
from vigil.missing import imports, selectors, services
from vigil.missing.forms import (
    DisclosureForm,
    DisclosureIntelligenceForm,
    DisclosureObservationForm,
    ImportForm,
    RegradeForm,
    ReportMissingForm,
    ReturnForm,
    RhiFilterForm,
    RhiStatusForm,
)
from vigil.people import selectors as people_selectors
from vigil.people.models import Location, Person
from vigil.web.forms import GovukForm


def _require_case_worker(request: HttpRequest) -> None:
    if not works_with_cases(request.user):
        raise PermissionDenied


def _visible(request: HttpRequest, form: GovukForm, field: str, model: Any, pk: Any) -> Any:
    """A record named by reference in a form, or a form error if the user cannot see it."""
    if pk is None:
        return None
    try:
        return people_selectors.get_visible(request.user, model, pk, audit=False)
    except Http404:
        form.add_error(field, "No record with that reference, or you cannot see it")
        return None


def _agency(pk: str) -> Agency | None:
    return Agency.objects.filter(pk=int(pk)).first() if pk and pk.isdigit() else None


def _child_links(request: HttpRequest, child: Person) -> Any:
    """The child's linked people and places, so references can be picked from the page."""
    return people_selectors.links_of(request.user, child)


# --- Lists ------------------------------------------------------------------------------------


def _page(request: HttpRequest) -> str | None:
    """The page asked for (?page=); the selectors turn anything else into page 1."""
    return request.GET.get("page")


@login_required
def missing_now(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    page = selectors.missing_now_page(request.user, page=_page(request))
    return render(
        request,
        "missing/missing_now.html",
        {"page": page, "rows": page.object_list, "section": "now"},
    )


@login_required
def interviews(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    form = RhiFilterForm(request.GET or None, areas=selectors.interview_areas(request.user))
    show, agency, area = "open", None, ""
    if form.is_bound and form.is_valid():
        show = form.cleaned_data["show"] or "open"
        agency = int(form.cleaned_data["agency"]) if form.cleaned_data["agency"] else None
        area = form.cleaned_data["area"]
    page = (
        selectors.interviews_page(
            request.user, show=show, agency_id=agency, area=area, page=_page(request)
        )
        if not form.errors
        else None
    )
    return render(
        request,
        "missing/interviews.html",
        {
            "page": page,
            "rows": page.object_list if page else [],
            "form": form,
            "show": show,
            "section": "interviews",
            "policy": missing_policy(),
        },
    )


@login_required
def repeat_missing(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    page = selectors.repeat_missing_page(request.user, page=_page(request))
    return render(
        request,
        "missing/repeat.html",
        {
            "page": page,
            "rows": page.object_list,
            "policy": missing_policy(),
            "section": "repeat",
        },
    )


@login_required
def where_found(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    page = selectors.where_found_page(request.user, page=_page(request))
    return render(
        request,
        "missing/where_found.html",
        {"page": page, "rows": page.object_list, "section": "where"},
    )


@login_required
def missing_together(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    page = selectors.missing_together_page(request.user, page=_page(request))
    return render(
        request,
        "missing/together.html",
        {
            "page": page,
            "groups": page.object_list,
            "policy": missing_policy(),
            "section": "together",
        },
    )


# --- One episode ------------------------------------------------------------------------------


@login_required
def report_missing(request: HttpRequest, person_pk: int) -> HttpResponse:
    child = selectors.get_child(request.user, person_pk, request=request)
    form = ReportMissingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = _visible(request, form, "missing_from", Location, data["missing_from"])
        if not form.errors:
            episode = form.run_service(
                lambda: services.episode_report(
                    acting_user=request.user,
                    child=child,
                    reported_missing_at=form.reported_missing_at(),
                    reported_by_kind=data["reported_by_kind"],
                    reported_by_name=data["reported_by_name"],
                    missing_from=place,
                    area=data["area"],
                    risk_level=data["risk_level"],
                    risk_reason=data["risk_reason"],
                    grading_officer=data["grading_officer"],
                    police_actions=data["police_actions"],
                    external_reference=data["external_reference"],
                    access_level=data["access_level"],
                ),
            )
            if episode is not None and not form.errors:
                messages.success(request, f"{child.full_name} reported missing ({episode.ref})")
                return redirect("missing_episode", pk=episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": f"Report {child.full_name} missing",
            "child": child,
            "links": _child_links(request, child),
            "button": "Report missing",
            "back": child.pk,
        },
    )


@login_required
def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    view = selectors.episode_view(request.user, pk, request=request)
    return render(
        request,
        "missing/episode.html",
        {
            "view": view,
            "episode": view.episode,
            "policy": missing_policy(),
            "observations_available": services.observation_service() is not None,
            "disclosure_form": DisclosureForm(),
        },
    )


@login_required
def episode_regrade(request: HttpRequest, pk: int) -> HttpResponse:
    episode = selectors.get_episode(request.user, pk, request=request)
    form = RegradeForm(
        request.POST or None, initial={"version": episode.version, "risk_level": episode.risk_level}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = form.run_service(
            lambda: services.episode_regrade(
                acting_user=request.user,
                episode=episode,
                expected_version=data["version"],
                risk_level=data["risk_level"],
                reason=data["reason"],
                grading_officer=data["grading_officer"],
            ),
        )
        if updated is not None and not form.errors:
            messages.success(request, f"Risk re-graded: {updated.get_risk_level_display()}")
            return redirect("missing_episode", pk=episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": f"Re-grade the risk for {episode.child.full_name}",
            "episode": episode,
            "button": "Save the new grading",
        },
    )


@login_required
def episode_return(request: HttpRequest, pk: int) -> HttpResponse:
    episode = selectors.get_episode(request.user, pk, request=request)
    if episode.returned_at is not None:
        messages.success(request, "The return is already recorded")
        return redirect("missing_episode", pk=episode.pk)
    form = ReturnForm(
        request.POST or None,
        initial={"version": episode.version, "rhi_offered_by": ""},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        place = _visible(request, form, "found_at", Location, data["found_at"])
        people = [_visible(request, form, "found_with", Person, pk) for pk in data["found_with"]]
        if not form.errors:
            updated = form.run_service(
                lambda: services.episode_record_return(
                    acting_user=request.user,
                    episode=episode,
                    expected_version=data["version"],
                    returned_at=form.returned_at(),
                    how_returned=data["how_returned"],
                    found_at=place,
                    new_place=form.new_place(),  # type: ignore[arg-type]
                    found_with=people,
                    vehicle_marks=data["vehicles"],
                    injuries=data["injuries"],
                    intoxicated=data["intoxicated"],
                    intoxication_details=data["intoxication_details"],
                    account=data["account"],
                    rhi_offered_by=_agency(data["rhi_offered_by"]),
                ),
            )
            if updated is not None and not form.errors:
                messages.success(
                    request,
                    f"Return recorded: the return home interview is now due ({updated.ref})",
                )
                return redirect("missing_episode", pk=episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": f"Record {episode.child.full_name}'s return",
            "episode": episode,
            "links": _child_links(request, episode.child),
            "button": "Record the return",
        },
    )


@login_required
def interview_update(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.get_interview(request.user, pk, request=request)
    episode = interview.episode
    form = RhiStatusForm(
        request.POST or None,
        initial={
            "version": interview.version,
            "offered_by": str(interview.offered_by_id or ""),
            "on": timezone.localdate(),
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        updated = form.run_service(
            lambda: services.rhi_set_status(
                acting_user=request.user,
                interview=interview,
                expected_version=data["version"],
                status=data["status"],
                at=form.moment(),
                offered_by=_agency(data["offered_by"]),
                interviewer=data["interviewer"],
                note=data["note"],
            ),
        )
        if updated is not None and not form.errors:
            messages.success(
                request, f"Return home interview: {updated.get_status_display().lower()}"
            )
            return redirect("missing_episode", pk=episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": f"Update the return home interview for {episode.child.full_name}",
            "episode": episode,
            "button": "Save",
        },
    )


@login_required
def disclosure_add(request: HttpRequest, pk: int) -> HttpResponse:
    interview = selectors.get_interview(request.user, pk, request=request)
    form = DisclosureForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        disclosure = form.run_service(
            lambda: services.disclosure_add(
                acting_user=request.user, interview=interview, text=form.cleaned_data["text"]
            ),
        )
        if disclosure is not None and not form.errors:
            messages.success(request, "Disclosure recorded")
            return redirect("missing_episode", pk=interview.episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": "Record what the child disclosed",
            "episode": interview.episode,
            "button": "Record disclosure",
        },
    )


@login_required
def disclosure_intelligence(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = selectors.get_disclosure(request.user, pk, request=request)
    episode = disclosure.interview.episode
    form = DisclosureIntelligenceForm(
        request.POST or None,
        initial={"summary": f"Return home interview disclosure: {disclosure.text[:120]}"},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = form.run_service(
            lambda: services.disclosure_to_intelligence(
                acting_user=request.user, disclosure=disclosure, **data
            ),
        )
        if report is not None and not form.errors:
            messages.success(request, f"Recorded as intelligence ({report.grading})")
            return redirect("missing_episode", pk=episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": "Record the disclosure as intelligence",
            "episode": episode,
            "quote": disclosure.text,
            "button": "Record as intelligence",
        },
    )


@login_required
def disclosure_observation(request: HttpRequest, pk: int) -> HttpResponse:
    disclosure = selectors.get_disclosure(request.user, pk, request=request)
    if services.observation_service() is None:
        raise Http404
    interview = disclosure.interview
    episode = interview.episode
    form = DisclosureObservationForm(
        request.POST or None,
        initial={"observed_on": timezone.localdate(interview.completed_at or timezone.now())},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        observations = form.run_service(
            lambda: services.disclosure_to_observation(
                acting_user=request.user,
                disclosure=disclosure,
                codes=data["codes"],
                observed_on=data["observed_on"],
            ),
        )
        if observations is not None and not form.errors:
            count = len(observations)
            messages.success(request, f"Recorded as {count} observation{'s' if count != 1 else ''}")
            return redirect("missing_episode", pk=episode.pk)
    return render(
        request,
        "missing/form.html",
        {
            "form": form,
            "title": "Record the disclosure as observations",
            "episode": episode,
            "quote": disclosure.text,
            "button": "Record as observations",
        },
    )


# --- Import -----------------------------------------------------------------------------------


@login_required
def import_export(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None)
    result = None
    if request.method == "POST" and form.is_valid():
        filename = getattr(request.FILES["file"], "name", None) or "upload.csv"
        result = imports.import_missing_export(
            acting_user=request.user, text=form.cleaned_data["file"], filename=filename
        )
        if result.ok:
            messages.success(request, result.summary())
            return redirect("missing_import")
    return render(
        request,
        "missing/import.html",
        {
            "form": form,
            "result": result,
            "columns": EXPORT_COLUMNS,
            "section": "import",
        },
    )
