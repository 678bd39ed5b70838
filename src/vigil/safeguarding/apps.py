from django.apps import AppConfig


class SafeguardingConfig(AppConfig):
    name = "vigil.safeguarding"
    label = "safeguarding"
    verbose_name = "Warning signs and screening"
