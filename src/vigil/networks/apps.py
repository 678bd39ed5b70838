from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "vigil.networks"
    label = "networks"
    verbose_name = "Networks"

    def ready(self) -> None:
        from vigil.accounts.access import works_with_cases
        from vigil.networks.views import person_panel_context
        from vigil.web.extensions import NavItem, PersonPanel, register_nav, register_person_panel

        register_nav(
            NavItem(
                "Networks",
                "network_groups",
                30,
                works_with_cases,
                also_active_for=("network_group", "network_group_export"),
            )
        )
        register_person_panel(
            PersonPanel(
                key="network",
                title="Network",
                template="networks/_person_panel.html",
                order=50,
                context=person_panel_context,
            )
        )
        # A group-based CSE flag feeds the screening of its children (issue 10).
        from vigil.safeguarding.derived import register_derived_source
        from vigil.safeguarding.sources import network_group_observations

        register_derived_source("networks", network_group_observations)

        # A run that flags or unflags a group re-screens its children at once.
        from vigil.networks.services import register_analysis_hook
        from vigil.safeguarding.triggers import rescreen_group_members

        def rescreen_changed_groups(before: list[dict], after: list[dict]) -> None:
            # Only the groups found by one run and not the other change anyone's screening.
            kept = {frozenset(g["members"]) for g in before} & {
                frozenset(g["members"]) for g in after
            }
            rescreen_group_members(
                [g for g in (*before, *after) if frozenset(g["members"]) not in kept]
            )

        register_analysis_hook(rescreen_changed_groups)
