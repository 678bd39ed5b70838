from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class MissingConfig(AppConfig):
    name = "vigil.missing"
    label = "missing"
    verbose_name = "Missing episodes"

    def ready(self) -> None:
        from vigil.accounts.access import works_with_cases
        from vigil.web.extensions import NavItem, PersonPanel, register_nav, register_person_panel

        register_nav(
            NavItem(
                "Missing",
                "missing_now",
                20,
                works_with_cases,
                also_active_for=(
                    "missing_interviews",
                    "missing_repeat",
                    "missing_where_found",
                    "missing_together",
                    "missing_import",
                    "missing_report",
                    "missing_episode",
                    "missing_regrade",
                    "missing_return",
                    "missing_interview_update",
                    "missing_disclosure_add",
                    "missing_disclosure_intelligence",
                    "missing_disclosure_observation",
                ),
            )
        )
        register_person_panel(
            PersonPanel(
                key="missing",
                title="Missing episodes",
                template="missing/_person_panel.html",
                order=20,
                context=person_panel_context,
            )
        )
        # Screening counts what the child's episodes show (issue 7: derived indicators).
        from vigil.safeguarding.derived import register_derived_source
        from vigil.safeguarding.sources import missing_episode_observations

        register_derived_source("missing", missing_episode_observations)


def person_panel_context(request: Any, person: Any) -> dict[str, Any] | None:
    """The child's missing summary and episode timeline; left out for users without case
    access. Adults with no episodes get no panel (missing episodes are recorded for children)."""
    from vigil.accounts.access import works_with_cases
    from vigil.missing import selectors

    if not works_with_cases(request.user):
        return None
    summary = selectors.child_summary(request.user, person)
    if not summary.rows and not _is_child(person):
        return None
    return {"summary": summary}


def _is_child(person: Any) -> bool:
    from django.utils import timezone

    from vigil.core.dates import age_on
    from vigil.core.missing import missing_policy

    dob = person.date_of_birth
    if dob is None:
        return True  # age unknown: offer the panel rather than hide a child's record
    today = timezone.localdate()
    return dob > today or age_on(dob, today) < missing_policy().adult_age
