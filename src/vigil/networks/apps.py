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
