from django.urls import path

from vigil.networks import api, views

urlpatterns = [
    path("people/<int:pk>/network/", views.person_network, name="person_network"),
    path("networks/", views.network_groups, name="network_groups"),
    path("networks/analyse/", views.network_refresh, name="network_refresh"),
    path("networks/groups/<str:key>/", views.network_group, name="network_group"),
    path(
        "networks/groups/<str:key>/export/",
        views.network_group_export,
        name="network_group_export",
    ),
    path("api/networks/groups/", api.GroupsApi.as_view(), name="api_network_groups"),
    path("api/networks/people/<int:pk>/path/", api.PathApi.as_view(), name="api_network_path"),
    path(
        "api/networks/<str:kind>/<int:pk>/",
        api.NeighbourhoodApi.as_view(),
        name="api_network_neighbourhood",
    ),
]
