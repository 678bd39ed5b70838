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

        # Each tool names the people it is about (on every list, page, PDF and API answer):
        # it is visible only if they are, so it never betrays a hidden (e.g. restricted) child.
        # Secondary parties (protected person, protected children, premises) are filtered
        # where shown instead, so the tool stays visible without them.
        for label, joins in (
            ("disruption.childabductionwarningnotice", ("subject", "child")),
            ("disruption.preventionorder", ("subject",)),
            ("disruption.warningorinjunction", ("subject",)),
            ("disruption.policeprotection", ("child",)),
        ):
            register_dependent_record(label, joins)
        from vigil.web.extensions import (
            NavItem,
            PersonPanel,
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
    }
