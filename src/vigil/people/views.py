"""Screens of the POLE store. Each view parses input, calls one service or selector, renders."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from vigil.accounts.access import works_with_cases
from vigil.people import selectors, services
from vigil.people.forms import (
    EventEditForm,
    EventForm,
    IntelligenceReportForm,
    LinkEditForm,
    LinkForm,
    LocationEditForm,
    LocationForm,
    ObjectEditForm,
    ObjectForm,
    PersonEditForm,
    PersonForm,
    PersonIdentifierForm,
    PersonNameForm,
    SearchForm,
)
from vigil.people.models import (
    Event,
    EventPerson,
    EventType,
    Link,
    Location,
    Person,
    PoleObject,
)
from vigil.web.extensions import (
    dashboard_panels,
    landing_page,
    person_form_opened,
    person_panels,
)
from vigil.web.forms import GovukForm

ENTITY_MODELS: dict[str, type[Person] | type[PoleObject] | type[Location]] = {
    "person": Person,
    "object": PoleObject,
    "location": Location,
}


def _require_case_worker(request: HttpRequest) -> None:
    if not works_with_cases(request.user):
        raise PermissionDenied


def _initial_from(record: Any, form_class: type[GovukForm]) -> dict[str, Any]:
    initial = {
        name: getattr(record, name) for name in form_class.base_fields if hasattr(record, name)
    }
    initial["version"] = record.version
    return initial


# --- Home and search --------------------------------------------------------------------------


@login_required
def home(request: HttpRequest) -> HttpResponse:
    landing = landing_page(request.user)
    if landing is not None:
        return redirect(landing)
    recent = selectors.recent_records(request.user) if works_with_cases(request.user) else []
    return render(
        request,
        "people/home.html",
        {"recent": recent, "form": SearchForm(), "dashboard_panels": dashboard_panels(request)},
    )


@login_required
def search(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    form = SearchForm(request.GET or None)
    results = None
    page_number = _page_number(request)
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        dob = None
        if data["dob"]:
            try:
                dob = selectors.parse_date_of_birth_query(data["dob"])
            except ValueError:
                dob = None
            if dob is None:
                form.add_error("dob", "Enter a date of birth like 14/03/2010, 03/2010 or 2010")
        elif data["age_from"] is not None or data["age_to"] is not None:
            dob = selectors.age_range_query(data["age_from"], data["age_to"], date.today())
        if not form.errors:
            if not (data["q"] or dob):
                form.add_error("q", "Enter a name, phone, registration, postcode or handle")
            else:
                results = selectors.search(
                    request.user, text=data["q"], date_of_birth=dob, page=page_number
                )
    pages = None
    if results is not None:
        pages = Paginator(range(results.people_total), 25).get_page(page_number)
    return render(request, "people/search.html", {"form": form, "results": results, "pages": pages})


def _page_number(request: HttpRequest) -> int:
    try:
        return max(1, int(request.GET.get("page", "1")))
    except ValueError:
        return 1


# --- People -----------------------------------------------------------------------------------


@login_required
def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_visible(request.user, Person, pk, request=request)
    chosen_types = [t for t in request.GET.getlist("type") if t in EventType.values]
    events = selectors.timeline(request.user, person, event_types=chosen_types or None)
    return render(
        request,
        "people/person_detail.html",
        {
            "person": person,
            "links": selectors.links_of(request.user, person),
            "events": events[:200],
            "event_types": EventType.choices,
            "chosen_types": chosen_types,
            "other_names": person.other_names.all(),
            "identifiers": person.identifiers.all(),
            "panels": person_panels(request, person),
        },
    )


@login_required
def person_create(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = form.run_service(
            lambda: services.person_create(acting_user=request.user, **form.service_fields()),
        )
        if isinstance(person, Person):
            messages.success(request, f"{person.full_name} added")
            return redirect("person_detail", pk=person.pk)
    if request.method == "GET":
        person_form_opened(request)
    return render(request, "people/person_form.html", {"form": form, "creating": True})


@login_required
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_visible(request.user, Person, pk, request=request)
    form = PersonEditForm(request.POST or None, initial=_initial_from(person, PersonEditForm))
    if not request.POST:
        form.initial["date_of_birth"] = person.date_of_birth
        form.initial["languages"] = ", ".join(person.languages)
    conflict = None
    if request.method == "POST" and form.is_valid():
        result = form.run_service(
            lambda: services.person_update(
                acting_user=request.user,
                person=person,
                expected_version=form.cleaned_data["version"],
                **form.service_fields(),
            ),
        )
        if isinstance(result, Person):
            messages.success(request, "Changes saved")
            return redirect("person_detail", pk=person.pk)
        if form.stale is not None:
            conflict = form.stale.current
    return render(
        request,
        "people/person_form.html",
        {"form": form, "person": person, "conflict": conflict, "creating": False},
    )


def _person_part_add(
    request: HttpRequest, pk: int, form_class: type[GovukForm], add: Any, what: str
) -> HttpResponse:
    """Add a name or an identifier to a person: the same page shape for both."""
    person = selectors.get_visible(request.user, Person, pk, request=request)
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        added = form.run_service(
            lambda: add(acting_user=request.user, person=person, **form.cleaned_data)
        )
        if added is not None and not form.errors:
            messages.success(request, f"{what.capitalize()} added")
            return redirect("person_detail", pk=person.pk)
    article = "an" if what[0] in "aeiou" else "a"
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Add {article} {what} for {person.full_name}",
            "back": reverse("person_detail", args=[person.pk]),
            "button": f"Add {what}",
        },
    )


@login_required
def person_name_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_part_add(request, pk, PersonNameForm, services.person_name_add, "name")


@login_required
def person_identifier_add(request: HttpRequest, pk: int) -> HttpResponse:
    return _person_part_add(
        request, pk, PersonIdentifierForm, services.person_identifier_add, "identifier"
    )


@login_required
def intelligence_create(request: HttpRequest, pk: int) -> HttpResponse:
    person = selectors.get_visible(request.user, Person, pk, request=request)
    form = IntelligenceReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        report = form.run_service(
            lambda: services.intelligence_report_create(
                acting_user=request.user,
                subjects=[person],
                occurred_at=selectors_occurred(data["occurred_on"]),
                summary=data["summary"],
                text=data["text"],
                source_evaluation=data["source_evaluation"],
                intelligence_assessment=data["intelligence_assessment"],
                handling_code=data["handling_code"],
                handling_conditions=data["handling_conditions"],
                reference=data["reference"],
            ),
        )
        if report is not None and not form.errors:
            messages.success(request, f"Intelligence report recorded ({report.grading})")
            return redirect("person_detail", pk=person.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Record intelligence about {person.full_name}",
            "back": reverse("person_detail", args=[person.pk]),
            "button": "Record intelligence",
            "caption": "3x5x2 grading: all three parts are required",
        },
    )


def selectors_occurred(day: date) -> Any:
    from vigil.people.forms import _combine

    return _combine(day, None)


# --- Objects and locations --------------------------------------------------------------------


@login_required
def object_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_visible(request.user, PoleObject, pk, request=request)
    return render(
        request,
        "people/entity_detail.html",
        {
            "record": record,
            "kind": "object",
            "links": selectors.links_of(request.user, record),
            "events": selectors.timeline(request.user, record)[:200],
        },
    )


@login_required
def location_detail(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.get_visible(request.user, Location, pk, request=request)
    return render(
        request,
        "people/entity_detail.html",
        {
            "record": record,
            "kind": "location",
            "links": selectors.links_of(request.user, record),
            "events": selectors.timeline(request.user, record)[:200],
        },
    )


def _entity_create(request: HttpRequest, kind: str) -> HttpResponse:
    _require_case_worker(request)
    writers: dict[str, tuple[type[GovukForm], Callable[..., Any]]] = {
        "object": (ObjectForm, services.object_create),
        "location": (LocationForm, services.location_create),
    }
    form_class, create = writers[kind]
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        record = form.run_service(lambda: create(acting_user=request.user, **form.cleaned_data))
        if record is not None and not form.errors:
            messages.success(request, f"{record} added")
            return redirect(f"{kind}_detail", pk=record.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Add {'an object' if kind == 'object' else 'a location'}",
            "back": reverse("home"),
            "button": "Save",
        },
    )


def _entity_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    model = ENTITY_MODELS[kind]
    record = selectors.get_visible(request.user, model, pk, request=request)
    editors: dict[str, tuple[type[GovukForm], Callable[..., Any], str]] = {
        "object": (ObjectEditForm, services.object_update, "pole_object"),
        "location": (LocationEditForm, services.location_update, "location"),
    }
    form_class, update, arg = editors[kind]
    form = form_class(request.POST or None, initial=_initial_from(record, form_class))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        result = form.run_service(
            lambda: update(
                acting_user=request.user, expected_version=version, **{arg: record}, **data
            ),
        )
        if form.stale is not None:
            conflict = form.stale.current
        elif result is not None and not form.errors:
            messages.success(request, "Changes saved")
            return redirect(f"{kind}_detail", pk=record.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Edit {record}",
            "conflict": conflict,
            "back": reverse(f"{kind}_detail", args=[record.pk]),
            "button": "Save changes",
        },
    )


@login_required
def object_create(request: HttpRequest) -> HttpResponse:
    return _entity_create(request, "object")


@login_required
def location_create(request: HttpRequest) -> HttpResponse:
    return _entity_create(request, "location")


@login_required
def object_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _entity_edit(request, "object", pk)


@login_required
def location_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _entity_edit(request, "location", pk)


# --- Links ------------------------------------------------------------------------------------


@login_required
def link_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    if kind not in ENTITY_MODELS:
        raise Http404
    entity = selectors.get_visible(request.user, ENTITY_MODELS[kind], pk, request=request)
    form = LinkForm(request.POST or None, from_kind=kind)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        target_kind, target_pk = data["target"]
        if target_kind not in ENTITY_MODELS:
            form.add_error("target", "Link to a person, object or location")
        else:
            try:
                target = selectors.get_visible(request.user, ENTITY_MODELS[target_kind], target_pk)
            except Http404:
                form.add_error("target", "No record with that reference, or you cannot see it")
            else:
                link = form.run_service(
                    lambda: services.link_create(
                        acting_user=request.user,
                        link_type=data["link_type"],
                        source_entity=entity,
                        target_entity=target,
                        source=data["source"],
                        first_seen=data["first_seen"],
                        last_seen=data["last_seen"],
                        notes=data["notes"],
                    ),
                )
                if link is not None and not form.errors:
                    messages.success(request, "Link added")
                    return redirect(f"{kind}_detail", pk=entity.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Link {entity} to another record",
            "back": reverse(f"{kind}_detail", args=[entity.pk]),
            "button": "Add link",
        },
    )


@login_required
def link_edit(request: HttpRequest, pk: int) -> HttpResponse:
    link = selectors.get_visible(request.user, Link, pk, request=request)
    source = link.source_entity
    back_kind = services.entity_kind(source)
    form = LinkEditForm(request.POST or None, initial=_initial_from(link, LinkEditForm))
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version")
        result = form.run_service(
            lambda: services.link_update(
                acting_user=request.user, link=link, expected_version=version, **data
            ),
        )
        if form.stale is not None:
            conflict = form.stale.current
        elif result is not None and not form.errors:
            messages.success(request, "Link updated")
            return redirect(f"{back_kind}_detail", pk=source.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Edit link: {link}",
            "conflict": conflict,
            "back": reverse(f"{back_kind}_detail", args=[source.pk]),
            "button": "Save changes",
        },
    )


# --- Events -----------------------------------------------------------------------------------


@login_required
def event_create(request: HttpRequest) -> HttpResponse:
    _require_case_worker(request)
    person = None
    if request.GET.get("person"):
        person = selectors.get_visible(request.user, Person, request.GET["person"], audit=False)
    form = EventForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        people = [(person, data["role"] or EventPerson.Role.SUBJECT)] if person else []
        event = form.run_service(
            lambda: services.event_create(
                acting_user=request.user,
                people=people,
                event_type=data["event_type"],
                occurred_at=form.occurred_at(),
                summary=data["summary"],
                description=data["description"],
                reference=data["reference"],
                access_level=data["access_level"],
            ),
        )
        if event is not None and not form.errors:
            messages.success(request, "Event recorded")
            return (
                redirect("person_detail", pk=person.pk)
                if person
                else redirect("event_detail", pk=event.pk)
            )
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Record an event for {person.full_name}" if person else "Record an event",
            "back": reverse("person_detail", args=[person.pk]) if person else reverse("home"),
            "button": "Record event",
        },
    )


@login_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_visible(request.user, Event, pk, request=request)
    events = selectors.timeline_events(request.user, [event.pk])
    shown = events[0] if events else event
    selectors.audit_people_shown(
        request.user,
        (taking_part.person_id for taking_part in shown.involved_people.all()),
        via=f"event {event.pk}",
    )
    return render(request, "people/event_detail.html", {"event": shown})


@login_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    event = selectors.get_visible(request.user, Event, pk, request=request)
    initial = _initial_from(event, EventEditForm)
    local = event.occurred_at.astimezone()
    initial.update(occurred_on=local.date(), occurred_time=local.strftime("%H:%M"))
    form = EventEditForm(request.POST or None, initial=initial)
    conflict = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        result = form.run_service(
            lambda: services.event_update(
                acting_user=request.user,
                event=event,
                expected_version=data["version"],
                event_type=data["event_type"],
                occurred_at=form.occurred_at(),
                summary=data["summary"],
                description=data["description"],
                reference=data["reference"],
                access_level=data["access_level"],
            ),
        )
        if form.stale is not None:
            conflict = form.stale.current
        elif result is not None and not form.errors:
            messages.success(request, "Changes saved")
            return redirect("event_detail", pk=event.pk)
    return render(
        request,
        "people/simple_form.html",
        {
            "form": form,
            "title": f"Edit {event}",
            "conflict": conflict,
            "back": reverse("event_detail", args=[event.pk]),
            "button": "Save changes",
        },
    )
