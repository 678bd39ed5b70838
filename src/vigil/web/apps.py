from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "vigil.web"
    label = "web"
    verbose_name = "Vigil web interface"
