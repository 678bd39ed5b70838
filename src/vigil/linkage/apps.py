from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class LinkageConfig(AppConfig):
    name = "vigil.linkage"
    label = "linkage"
    verbose_name = "Record linkage"

    def ready(self) -> None:
        from vigil.accounts.access import works_with_cases
        from vigil.linkage.services import refresh_people_linkage, refresh_person_linkage
        from vigil.people.services import register_person_index_hook
        from vigil.web.extensions import (
            NavItem,
            PersonPanel,
            register_nav,
            register_person_form_opened,
            register_person_panel,
        )

        # Keep "already known?" current as people are added and changed.
        register_person_index_hook(refresh_person_linkage, many=refresh_people_linkage)
        # Build the "already known?" scorer while the user starts typing, not on their first
        # lookup (about 3 seconds in a new process or after a new run).
        register_person_form_opened(_warm_already_known)

        register_nav(
            NavItem(
                "Possible duplicates",
                "linkage_queue",
                60,
                works_with_cases,
                also_active_for=("linkage_match",),
            )
        )
        register_person_panel(
            PersonPanel(
                key="same-person",
                title="Same person as",
                template="linkage/_same_person_panel.html",
                order=5,
                context=_same_person_context,
            )
        )


def _same_person_context(request: Any, person: Any) -> dict[str, Any] | None:
    from vigil.linkage import selectors

    others = selectors.same_person_as(request.user, person)
    pending = selectors.pending_for(request.user, person)
    if not others and not pending:
        return None
    return {"others": others or [], "pending": pending}


def _warm_already_known(request: Any) -> None:
    from vigil.linkage import selectors

    selectors.warm_already_known()
