from django.urls import path

from vigil.offences import api, views

urlpatterns = [
    path("offences/", views.offence_finder, name="offence_finder"),
    path("api/offences/", api.OffenceFinderApi.as_view(), name="api_offences"),
]
