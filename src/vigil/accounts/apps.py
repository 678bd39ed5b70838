from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "vigil.accounts"
    label = "accounts"
    verbose_name = "Agencies and users"
