"""Where each area of Vigil plugs into the shared screens without editing them: the service
navigation, the panels on a person's page and on the home dashboard, and the page a role
lands on instead of the home page. Apps register in their AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int
    visible: Callable[[Any], bool]
    # Other URL names that light this item up as the current section.
    also_active_for: tuple[str, ...] = ()


@dataclass(frozen=True)
class PersonPanel:
    """A section of the person page: `context(request, person)` returns the template's context
    (or None to leave the panel out, e.g. for an adult or a user without access)."""

    key: str
    title: str
    template: str
    order: int
    context: Callable[[HttpRequest, Any], dict[str, Any] | None]


@dataclass(frozen=True)
class DashboardPanel:
    """A section of the home dashboard (alerts, things due): `context(request)` returns the
    template's context (or None to leave the panel out, e.g. for a user without access)."""

    key: str
    title: str
    template: str
    order: int
    context: Callable[[HttpRequest], dict[str, Any] | None]


@dataclass(frozen=True)
class LandingPage:
    """Where users for whom `applies(user)` land instead of the home page (e.g. hotel
    operators on their returns portal)."""

    url_name: str
    applies: Callable[[Any], bool]


_NAV: dict[str, NavItem] = {}
_PERSON_PANELS: dict[str, PersonPanel] = {}
_DASHBOARD_PANELS: dict[str, DashboardPanel] = {}
_LANDING_PAGES: dict[str, LandingPage] = {}
# Called when someone opens the form to add a person, before they type: a chance to get
# ready for what the form will ask (linkage warms its "already known?" scorer).
_PERSON_FORM_OPENED: list[Callable[[HttpRequest], None]] = []


def register_nav(item: NavItem) -> None:
    _NAV[item.url_name] = item


def register_person_panel(panel: PersonPanel) -> None:
    _PERSON_PANELS[panel.key] = panel


def register_dashboard_panel(panel: DashboardPanel) -> None:
    _DASHBOARD_PANELS[panel.key] = panel


def register_landing_page(page: LandingPage) -> None:
    _LANDING_PAGES[page.url_name] = page


def register_person_form_opened(hook: Callable[[HttpRequest], None]) -> None:
    if hook not in _PERSON_FORM_OPENED:
        _PERSON_FORM_OPENED.append(hook)


def person_form_opened(request: HttpRequest) -> None:
    for hook in _PERSON_FORM_OPENED:
        hook(request)


def nav_items(user: Any) -> list[NavItem]:
    return [item for item in sorted(_NAV.values(), key=lambda i: i.order) if item.visible(user)]


def person_panels(request: HttpRequest, person: Any) -> list[tuple[PersonPanel, dict[str, Any]]]:
    """The panels this user sees on this person's page, in order, with their context."""
    shown = []
    for panel in sorted(_PERSON_PANELS.values(), key=lambda p: p.order):
        context = panel.context(request, person)
        if context is not None:
            shown.append((panel, context))
    return shown


def dashboard_panels(request: HttpRequest) -> list[tuple[DashboardPanel, dict[str, Any]]]:
    """The panels this user sees on the home dashboard, in order, with their context."""
    shown = []
    for panel in sorted(_DASHBOARD_PANELS.values(), key=lambda p: p.order):
        context = panel.context(request)
        if context is not None:
            shown.append((panel, context))
    return shown


def landing_page(user: Any) -> str | None:
    """The URL name this user lands on instead of the home page, if any."""
    for page in _LANDING_PAGES.values():
        if page.applies(user):
            return page.url_name
    return None
