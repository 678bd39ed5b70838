from django.apps import AppConfig


class DisruptionConfig(AppConfig):
    name = "vigil.disruption"
    label = "disruption"
    verbose_name = "Disruption"
