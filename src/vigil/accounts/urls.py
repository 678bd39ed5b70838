from django.urls import include, path

from vigil.accounts import views

urlpatterns = [
    # The auditor's screens: included here so the site's URLconf names one module for access.
    path("audit/", include("vigil.audit.urls")),
    path("sign-in/code/", views.second_factor, name="second_factor"),
    path("account/", views.account, name="account"),
    path("account/authenticator/", views.second_factor_setup, name="second_factor_setup"),
    path("account/sign-out-everywhere/", views.sign_out_everywhere, name="sign_out_everywhere"),
    path("why-are-you-looking/", views.why_are_you_looking, name="why_are_you_looking"),
    path("records/<str:kind>/<int:pk>/access/", views.record_access, name="record_access"),
    path("records/<str:kind>/<int:pk>/share/", views.record_share, name="record_share"),
    path("records/<str:kind>/<int:pk>/withdraw/", views.record_withdraw, name="record_withdraw"),
    path("records/<str:kind>/<int:pk>/restrict/", views.record_restrict, name="record_restrict"),
    path(
        "records/<str:kind>/<int:pk>/lift-restriction/",
        views.record_lift_restriction,
        name="record_lift_restriction",
    ),
]
