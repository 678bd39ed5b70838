from django.apps import AppConfig


class OffencesConfig(AppConfig):
    name = "vigil.offences"
    label = "offences"
    verbose_name = "Offence finder"
