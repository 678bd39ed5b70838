from django.urls import path

from vigil.linkage import api, views

urlpatterns = [
    path("duplicates/", views.review_queue, name="linkage_queue"),
    path("duplicates/<int:pk>/", views.match_review, name="linkage_match"),
    path("duplicates/runs/", views.run_start, name="linkage_run_start"),
    path("duplicates/runs/latest/", views.run_status, name="linkage_run_status"),
    path("people/<int:pk>/same-person/unmerge/", views.unmerge, name="linkage_unmerge"),
    path(
        "api/linkage/already-known/",
        api.AlreadyKnownApi.as_view(),
        name="linkage_already_known",
    ),
]
