from django.urls import path

from vigil.missing import api, views

urlpatterns = [
    path("missing/", views.missing_now, name="missing_now"),
    path("missing/interviews/", views.interviews, name="missing_interviews"),
    path("missing/repeat/", views.repeat_missing, name="missing_repeat"),
    path("missing/where-found/", views.where_found, name="missing_where_found"),
    path("missing/together/", views.missing_together, name="missing_together"),
    path("missing/import/", views.import_export, name="missing_import"),
    path("missing/report/<int:person_pk>/", views.report_missing, name="missing_report"),
    path("missing/episodes/<int:pk>/", views.episode_detail, name="missing_episode"),
    path("missing/episodes/<int:pk>/regrade/", views.episode_regrade, name="missing_regrade"),
    path("missing/episodes/<int:pk>/return/", views.episode_return, name="missing_return"),
    path(
        "missing/episodes/<int:pk>/interview/",
        views.interview_update,
        name="missing_interview_update",
    ),
    path(
        "missing/episodes/<int:pk>/interview/disclosures/new/",
        views.disclosure_add,
        name="missing_disclosure_add",
    ),
    path(
        "missing/disclosures/<int:pk>/intelligence/",
        views.disclosure_intelligence,
        name="missing_disclosure_intelligence",
    ),
    path(
        "missing/disclosures/<int:pk>/observation/",
        views.disclosure_observation,
        name="missing_disclosure_observation",
    ),
    # API
    path("api/missing/episodes/", api.EpisodeListApi.as_view(), name="api_missing_episodes"),
    path(
        "api/missing/episodes/<int:pk>/",
        api.EpisodeDetailApi.as_view(),
        name="api_missing_episode",
    ),
    path(
        "api/missing/episodes/<int:pk>/regrade/",
        api.EpisodeRegradeApi.as_view(),
        name="api_missing_regrade",
    ),
    path(
        "api/missing/episodes/<int:pk>/return/",
        api.EpisodeReturnApi.as_view(),
        name="api_missing_return",
    ),
    path(
        "api/missing/episodes/<int:pk>/interview/",
        api.InterviewStatusApi.as_view(),
        name="api_missing_interview",
    ),
    path("api/missing/interviews/", api.InterviewListApi.as_view(), name="api_missing_interviews"),
    path("api/missing/repeat/", api.RepeatMissingApi.as_view(), name="api_missing_repeat"),
    path("api/missing/where-found/", api.WhereFoundApi.as_view(), name="api_missing_where_found"),
]
