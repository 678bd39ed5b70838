from django.apps import AppConfig


class OffencesConfig(AppConfig):
    name = "vigil.offences"
    label = "offences"
    verbose_name = "Offence finder"

    def ready(self) -> None:
        from vigil.accounts.access import works_with_cases
        from vigil.web.extensions import NavItem, register_nav

        register_nav(NavItem("Offence finder", "offence_finder", 40, works_with_cases))
