"""Included under /audit/ by vigil.accounts.urls."""

from django.urls import path

from vigil.audit import views

urlpatterns = [
    path("", views.audit_home, name="audit_home"),
    path("people/<int:pk>/", views.audit_person, name="audit_person"),
    path("people/<int:pk>/export.csv", views.audit_person_export, name="audit_person_export"),
    path("users/", views.audit_user, name="audit_user"),
    path("users/export.csv", views.audit_user_export, name="audit_user_export"),
    path("verify/", views.audit_verify, name="audit_verify"),
]
