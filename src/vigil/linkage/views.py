"""Screens of the linkage area: the "Possible duplicates" review queue, one match side by side,
starting a run, and unmerging. Each view parses input, calls one service or selector, renders."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from vigil.accounts.access import works_with_cases
from vigil.errors import ApplicationError
from vigil.linkage import selectors, services
from vigil.linkage.forms import DecisionForm, UnmergeForm
from vigil.linkage.models import LinkageRun, MatchStatus
from vigil.people.models import Person
from vigil.people.selectors import get_visible


def _require_case_worker(request: HttpRequest) -> None:
    if not works_with_cases(request.user):
        raise PermissionDenied


def _queue_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    chosen = request.GET.get("status", MatchStatus.PENDING)
    if chosen not in MatchStatus.values:
        chosen = MatchStatus.PENDING
    queue = selectors.review_queue(request.user, status=chosen)
    context = {
        "queue": queue,
        "statuses": [(value, label, queue.counts[value]) for value, label in MatchStatus.choices],
        "run": selectors.latest_run(),
        "can_run": services.can_run_linkage(request.user),
        "error": error,
    }
    return render(request, "linkage/queue.html", context, status=status)


@login_required
@require_GET
def review_queue(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    return _queue_page(request)


@login_required
@require_POST
def run_start(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    try:
        services.linkage_run_request(acting_user=request.user)
    except ApplicationError as error:
        return _queue_page(request, error=error.message, status=409)
    messages.success(request, "Linkage run started")
    return redirect("linkage_queue")


@login_required
@require_GET
def run_status(request: HttpRequest) -> JsonResponse:
    """Progress of the latest run, for the queue page's progress display."""
    _require_case_worker(request)
    run = selectors.latest_run()
    if run is None:
        return JsonResponse({"run": None})
    return JsonResponse({"run": _run_json(run)})


def _run_json(run: LinkageRun) -> dict[str, Any]:
    return {
        "id": run.pk,
        "status": run.status,
        "status_label": run.get_status_display(),
        "stage": run.stage,
        "in_progress": run.in_progress,
        "people_total": run.people_total,
        "people_read": run.people_read,
        "pairs_scored": run.pairs_scored,
        "matches_new": run.matches_new,
        "started_at": run.started_at.isoformat() if run.started_at else None,
        "finished_at": run.finished_at.isoformat() if run.finished_at else None,
    }


@login_required
def match_review(request: HttpRequest, pk: int) -> HttpResponse:
    # No role check first: whoever may not see both records gets the same 404 as for a match
    # that does not exist (get_match), never a 403 that tells them it does.
    match = selectors.get_match(request.user, pk, request=request)
    form = DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        decisions: dict[str, Callable[..., object]] = {
            "accept": services.match_accept,
            "reject": services.match_reject,
            "defer": services.match_defer,
        }
        decide = decisions[form.cleaned_data["decision"]]
        try:
            decide(acting_user=request.user, match=match, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_service_errors(error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            done = {
                "accept": "Linked as the same person",
                "reject": "Marked as not the same person",
                "defer": "Deferred",
            }[form.cleaned_data["decision"]]
            messages.success(request, f"{done}: {match.person_a} and {match.person_b}")
            return redirect("linkage_queue")
    return render(
        request,
        "linkage/match.html",
        {
            "match": match,
            "comparison": selectors.compare(match),
            "form": form,
            "decided": match.status in (MatchStatus.ACCEPTED, MatchStatus.REJECTED),
        },
    )


@login_required
def unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    person = get_visible(request.user, Person, pk, request=request)
    others = selectors.same_person_as(request.user, person) or []
    form = UnmergeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.identity_unmerge(
                acting_user=request.user, person=person, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_service_errors(error)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, f"{person} is no longer linked to other records")
            return redirect(reverse("person_detail", args=[person.pk]))
    return render(
        request, "linkage/unmerge.html", {"person": person, "others": others, "form": form}
    )
