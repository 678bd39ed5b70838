from django.apps import AppConfig


class NetworksConfig(AppConfig):
    name = "vigil.networks"
    label = "networks"
    verbose_name = "Networks"
