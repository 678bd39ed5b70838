from django.urls import path

from vigil.safeguarding import api, views

urlpatterns = [
    # A child's screening, from their person page.
    path("people/<int:pk>/concerns/new/", views.concern_record, name="concern_record"),
    path("people/<int:pk>/screening/", views.screening_detail, name="screening_detail"),
    path("people/<int:pk>/screening.pdf", views.screening_pdf, name="screening_pdf"),
    path("people/<int:pk>/screening/judgement/", views.override_propose, name="override_propose"),
    path(
        "people/<int:pk>/screening/judgement/withdraw/",
        views.override_withdraw,
        name="override_withdraw",
    ),
    path(
        "people/<int:pk>/screening/judgement/decide/",
        views.override_decide,
        name="override_decide",
    ),
    path(
        "people/<int:pk>/screening/observations/withdraw/",
        views.observation_withdraw,
        name="observation_withdraw",
    ),
    path(
        "people/<int:pk>/screening/actions/<str:advice_id>/",
        views.advice_action,
        name="advice_action",
    ),
    path("people/<int:pk>/screening/tasks/close/", views.task_close, name="screening_task_close"),
    # Caseload, tasks, cohort and import.
    path("screening/", views.caseload, name="screening_caseload"),
    path("screening/export.csv", views.caseload_export, name="screening_export"),
    path("screening/cohort/", views.cohort, name="screening_cohort"),
    path("screening/tasks/", views.task_list, name="screening_tasks"),
    path("screening/import/", views.observation_import, name="screening_import"),
    # API.
    path(
        "api/safeguarding/observations/",
        api.ObservationListCreateApi.as_view(),
        name="api_observations",
    ),
    path(
        "api/safeguarding/observations/<int:pk>/withdraw/",
        api.ObservationWithdrawApi.as_view(),
        name="api_observation_withdraw",
    ),
    path(
        "api/safeguarding/children/<int:pk>/screening/",
        api.ChildScreeningApi.as_view(),
        name="api_child_screening",
    ),
    path(
        "api/safeguarding/children/<int:pk>/judgement/",
        api.ChildOverrideApi.as_view(),
        name="api_child_judgement",
    ),
]
