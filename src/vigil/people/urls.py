from django.urls import path

from vigil.people import views

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("people/new/", views.person_create, name="person_create"),
    path("people/<int:pk>/", views.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("people/<int:pk>/names/new/", views.person_name_add, name="person_name_add"),
    path(
        "people/<int:pk>/identifiers/new/",
        views.person_identifier_add,
        name="person_identifier_add",
    ),
    path(
        "people/<int:pk>/intelligence/new/", views.intelligence_create, name="intelligence_create"
    ),
    path("objects/new/", views.object_create, name="object_create"),
    path("objects/<int:pk>/", views.object_detail, name="object_detail"),
    path("objects/<int:pk>/edit/", views.object_edit, name="object_edit"),
    path("locations/new/", views.location_create, name="location_create"),
    path("locations/<int:pk>/", views.location_detail, name="location_detail"),
    path("locations/<int:pk>/edit/", views.location_edit, name="location_edit"),
    path("events/new/", views.event_create, name="event_create"),
    path("events/<int:pk>/", views.event_detail, name="event_detail"),
    path("events/<int:pk>/edit/", views.event_edit, name="event_edit"),
    path("<str:kind>/<int:pk>/links/new/", views.link_create, name="link_create"),
    path("links/<int:pk>/edit/", views.link_edit, name="link_edit"),
]
