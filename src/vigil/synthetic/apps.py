from django.apps import AppConfig


class SyntheticConfig(AppConfig):
    name = "vigil.synthetic"
    label = "synthetic"
    verbose_name = "Synthetic demonstration data"
