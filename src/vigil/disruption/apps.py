from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.http import HttpRequest


class DisruptionConfig(AppConfig):
    name = "vigil.disruption"
    label = "disruption"
    verbose_name = "Disruption"

    def ready(self) -> None:
        from vigil.accounts.access import register_dependent_record
        from vigil.disruption.access import is_hotel_operator, works_with_cases

        # Each tool names the people (or, for a hotel notice, the premises) it is about, on
        # every list, page, PDF and API answer: it is visible only if they are, so it never
        # betrays a hidden (e.g. restricted) child or place. Secondary parties (protected
        # person, protected children) are filtered where shown instead, so the tool stays
        # visible without them.
        for label, joins in (
            ("disruption.childabductionwarningnotice", ("subject", "child")),
            ("disruption.preventionorder", ("subject",)),
            ("disruption.warningorinjunction", ("subject",)),
            ("disruption.policeprotection", ("child",)),
            ("disruption.hotelinformationnotice", ("premises",)),
        ):
            register_dependent_record(label, joins)
        from vigil.web.extensions import (
            DashboardPanel,
            LandingPage,
            NavItem,
            PersonPanel,
            register_dashboard_panel,
            register_landing_page,
            register_nav,
            register_person_panel,
        )

        register_nav(
            NavItem(
                "Disruption",
                "disruption_home",
                40,
                works_with_cases,
                also_active_for=(
                    "disruption_due",
                    "cawn_detail",
                    "order_detail",
                    "warning_detail",
                    "protection_detail",
                    "hotel_notice_detail",
                ),
            )
        )
        register_nav(
            NavItem(
                "Your notices",
                "operator_home",
                5,
                is_hotel_operator,
                also_active_for=("operator_notice", "operator_return_receipt"),
            )
        )
        register_person_panel(
            PersonPanel(
                key="disruption",
                title="Disruption",
                template="disruption/_person_panel.html",
                order=40,
                context=_person_panel,
            )
        )
        register_dashboard_panel(
            DashboardPanel(
                key="disruption",
                title="Disruption: due soon and overdue",
                template="disruption/_dashboard_panel.html",
                order=40,
                context=_dashboard_panel,
            )
        )
        # A hotel operator's Vigil is their returns portal: they land there after signing in.
        register_landing_page(LandingPage("operator_home", is_hotel_operator))


def _person_panel(request: HttpRequest, person: Any) -> dict[str, Any] | None:
    """Notices and orders where the person is the subject or the protected child."""
    from django.utils import timezone

    from vigil.disruption.access import is_police_case_worker, works_with_cases
    from vigil.disruption.selectors import tool_lists

    if not works_with_cases(request.user):
        return None
    return {
        "lists": tool_lists(request.user, person=person),
        "can_issue": is_police_case_worker(request.user),
        "today": timezone.localdate(),
        # The panel is included with only its context: the user it filters names for.
        "user": request.user,
    }


def _dashboard_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Orders and notices ending, CAWN reviews due, police protection running and hotel
    returns missing or late, for the records the user may see."""
    from vigil.disruption.access import is_police_case_worker, works_with_cases
    from vigil.disruption.selectors import dashboard_alerts

    if not works_with_cases(request.user):
        return None
    return {
        "alerts": dashboard_alerts(request.user),
        "can_change": is_police_case_worker(request.user),
    }
