from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "vigil.safeguarding"
    label = "safeguarding"
    verbose_name = "Warning signs and screening"

    def ready(self) -> None:
        from vigil.accounts.access import works_with_cases
        from vigil.people.services import register_record_change_hook
        from vigil.safeguarding.triggers import records_changed
        from vigil.safeguarding.views import screening_panel
        from vigil.web.extensions import NavItem, PersonPanel, register_nav, register_person_panel

        register_nav(
            NavItem(
                "Screening",
                "screening_caseload",
                20,
                works_with_cases,
                also_active_for=(
                    "screening_cohort",
                    "screening_tasks",
                    "screening_import",
                    "screening_import_report",
                ),
            )
        )
        # Re-screen the children concerned whenever a POLE record they are derived from changes.
        register_record_change_hook(records_changed)
        register_person_panel(
            PersonPanel(
                key="cse-screening",
                title="CSE screening",
                template="safeguarding/_panel.html",
                order=10,
                context=screening_panel,
            )
        )
