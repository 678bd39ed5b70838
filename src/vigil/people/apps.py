from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "vigil.people"
    label = "people"
    verbose_name = "People, objects, locations and events"
