"""The "Offence finder" screen: dates and facts in, the offences they may amount to out.

The form is sent by POST, not GET: dates of birth and what a child says happened must not sit
in URLs, where they reach server and proxy logs, browser history on shared terminals and
Referer headers. Nothing is stored, so there is no redirect after the POST. The results page
prints cleanly through the print stylesheet (the form and menus carry `.vigil-no-print`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from vigil.accounts.access import works_with_cases
from vigil.core.offences import FACTS, OffenceFinding, find_offences
from vigil.offences.forms import OffenceFinderForm


@login_required
@require_http_methods(["GET", "POST"])
def offence_finder(request: HttpRequest) -> HttpResponse:
    if not works_with_cases(request.user):
        raise PermissionDenied
    return finder_page(request)


def finder_page(
    request: HttpRequest,
    *,
    initial: Mapping[str, Any] | None = None,
    extra_context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """Parse the form, find the offences, render. Reads no case record, so nothing is audited.

    A later issue reaches this from an investigation: its view checks access to the
    investigation through the investigations selector (which audits the read), then calls
    `finder_page(request, initial={...dates of birth...}, extra_context={"investigation": ...})`.
    """
    form = OffenceFinderForm(request.POST or None, initial=initial)
    finding: OffenceFinding | None = None
    if request.method == "POST" and form.is_valid():
        victim_dob, suspect_dob, incident = form.dates()
        try:
            finding = find_offences(victim_dob, suspect_dob, incident, form.facts())
        except ValueError as error:  # dates in the wrong order, named by field
            form.add_finder_error(error)
    context: dict[str, Any] = {
        "form": form,
        "finding": finding,
        "recorded_facts": [FACTS[f] for f in FACTS if f in form.facts()] if finding else [],
        **(extra_context or {}),
    }
    return render(request, "offences/finder.html", context)
