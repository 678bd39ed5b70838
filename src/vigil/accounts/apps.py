from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = "Agencies and users"

    def ready(self) -> None:
        from vigil.accounts import checks  # noqa: F401 - registers the deploy checks
        from vigil.accounts.templatetags.record_access import access_summary
        from vigil.web.extensions import NavItem, PersonPanel, register_nav, register_person_panel

        def signed_in(user: Any) -> bool:
            return bool(user.is_authenticated)

        def access_panel(request: Any, person: Any) -> dict[str, Any]:
            return access_summary(request.user, "person", person)

        register_nav(NavItem("Your account", "account", 95, signed_in))
        register_person_panel(
            PersonPanel(
                "access", "Who can see this record", "accounts/_access_panel.html", 90, access_panel
            )
        )
