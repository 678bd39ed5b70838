from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vigil.people"
    label = "people"
    verbose_name = "People, objects, locations and events"

    def ready(self) -> None:
        from vigil.accounts.access import works_with_cases
        from vigil.web.extensions import NavItem, register_nav

        def signed_in(user: object) -> bool:
            return True

        register_nav(NavItem("Home", "home", 0, signed_in))
        register_nav(
            NavItem(
                "Search",
                "search",
                10,
                works_with_cases,
                also_active_for=("person_detail", "object_detail", "location_detail"),
            )
        )
        register_nav(NavItem("Add a person", "person_create", 80, works_with_cases))
        register_nav(NavItem("API", "api_docs", 99, works_with_cases))
