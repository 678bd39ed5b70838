from django.urls import path  # noqa: F401 - screens and API routes of this area go here

urlpatterns: list = []
