"""The information-assurance auditor's screens: who has looked at a person, what a user did
over a period, CSV exports (themselves logged as disclosures) and a check of the hash chain.
Auditors read the audit, not case content: these pages show references, never names."""

from __future__ import annotations

import csv
from datetime import date

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from vigil.accounts.access import can_read_audit
from vigil.accounts.models import Role
from vigil.audit import selectors
from vigil.audit.forms import PersonHistoryForm, UserActivityForm
from vigil.audit.models import Action, AuditEntry
from vigil.audit.services import audit_log, verify_chain

PAGE_SIZE = 100


def _require_auditor(request: HttpRequest) -> None:
    if not can_read_audit(request.user):
        raise PermissionDenied


def _page(request: HttpRequest, entries: QuerySet[AuditEntry]) -> Page[AuditEntry]:
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    roles = dict(Role.choices)
    for entry in page.object_list:
        # The role as it was then, for the template (not a model field).
        entry.role_label = roles.get(entry.role, entry.role)  # type: ignore[attr-defined]
    return page


@login_required
def audit_home(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    person_form = PersonHistoryForm(request.GET if "reference" in request.GET else None)
    if person_form.is_bound and person_form.is_valid():
        return redirect("audit_person", pk=person_form.cleaned_data["reference"])
    activity_form = UserActivityForm(initial=UserActivityForm.default_period(date.today()))
    return render(
        request,
        "audit/home.html",
        {"person_form": person_form, "activity_form": activity_form},
    )


@login_required
def audit_person(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    entries = selectors.person_history(pk)
    page = _page(request, entries)
    # The auditor's look at the trail is itself a consultation of that person's record.
    audit_log(
        acting_user=request.user,
        action=Action.CONSULTATION,
        object_type="person",
        object_id=pk,
        detail={"via": "audit trail"},
    )
    return render(
        request,
        "audit/entries.html",
        {
            "title": f"Who has looked at P-{pk}",
            "caption": "Every processing of this person's record, newest first",
            "page": page,
            "export": reverse("audit_person_export", args=[pk]),
        },
    )


def _csv_response(
    request: HttpRequest, entries: QuerySet[AuditEntry], filename: str, what: dict[str, object]
) -> HttpResponse:
    rows = selectors.csv_rows(entries)
    # An export is a disclosure (DPA 2018 s62(1)(d)): logged with the recipient and contents.
    audit_log(
        acting_user=request.user,
        action=Action.DISCLOSURE,
        object_type="auditentry",
        object_id=filename,
        recipients=f"{request.user.get_username()} (CSV download)",
        detail={"via": "audit export", "rows": len(rows), **what},
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    writer.writerow(selectors.CSV_COLUMNS)
    writer.writerows(rows)
    return response


@login_required
def audit_person_export(request: HttpRequest, pk: int) -> HttpResponse:
    _require_auditor(request)
    stamp = timezone.now().strftime("%Y%m%d-%H%M%S")
    return _csv_response(
        request, selectors.person_history(pk), f"audit-P-{pk}-{stamp}.csv", {"person": pk}
    )


def _activity_form(request: HttpRequest) -> UserActivityForm:
    form = UserActivityForm(request.GET)
    if form.is_valid() and not selectors.known_username(form.cleaned_data["username"]):
        form.add_error("username", "There is no user with that username in Vigil or its log")
    return form


@login_required
def audit_user(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = _activity_form(request)
    if not form.is_valid():
        return render(
            request,
            "audit/home.html",
            {"person_form": PersonHistoryForm(), "activity_form": form},
        )
    data = form.cleaned_data
    page = _page(request, selectors.user_activity(data["username"], data["start"], data["end"]))
    return render(
        request,
        "audit/entries.html",
        {
            "title": f"What {data['username']} did",
            "caption": f"{data['start']:%-d %B %Y} to {data['end']:%-d %B %Y}, newest first",
            "page": page,
            "export": f"{reverse('audit_user_export')}?{request.GET.urlencode()}",
        },
    )


@login_required
def audit_user_export(request: HttpRequest) -> HttpResponse:
    _require_auditor(request)
    form = _activity_form(request)
    if not form.is_valid():
        return redirect(f"{reverse('audit_user')}?{request.GET.urlencode()}")
    data = form.cleaned_data
    return _csv_response(
        request,
        selectors.user_activity(data["username"], data["start"], data["end"]),
        f"audit-{data['username']}-{data['start']:%Y%m%d}-{data['end']:%Y%m%d}.csv",
        {"user": data["username"], "from": str(data["start"]), "to": str(data["end"])},
    )


@login_required
def audit_verify(request: HttpRequest) -> HttpResponse:
    """GET offers the check; POST walks the whole chain (it can take a while on a big log)."""
    _require_auditor(request)
    result = verify_chain() if request.method == "POST" else None
    return render(request, "audit/verify.html", {"result": result})
