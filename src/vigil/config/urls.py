from csp.decorators import csp_update
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.templatetags.static import static
from django.urls import include, path
from django.views.generic import RedirectView
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import DefaultRouter

from vigil.people import api as people_api

router = DefaultRouter(trailing_slash=True)
router.include_root_view = False
router.register("people", people_api.PersonViewSet, basename="api-person")
router.register("objects", people_api.ObjectViewSet, basename="api-object")
router.register("locations", people_api.LocationViewSet, basename="api-location")
router.register("events", people_api.EventViewSet, basename="api-event")
router.register("links", people_api.LinkViewSet, basename="api-link")
router.register(
    "intelligence-reports", people_api.IntelligenceReportViewSet, basename="api-intelligence"
)

admin.site.site_header = "Vigil administration"

urlpatterns = [
    path("favicon.ico", RedirectView.as_view(url=static("vigil/favicon.svg"), permanent=True)),
    path("sign-in/", auth_views.LoginView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("admin/", admin.site.urls),
    path("api/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI and Redoc style themselves inline; only their pages allow it.
    path(
        "api/docs/",
        csp_update({"style-src": ["'unsafe-inline'"]})(
            SpectacularSwaggerSplitView.as_view(url_name="api_schema")
        ),
        name="api_docs",
    ),
    path(
        "api/redoc/",
        csp_update({"style-src": ["'unsafe-inline'"], "worker-src": ["blob:"]})(
            SpectacularRedocView.as_view(url_name="api_schema")
        ),
        name="api_redoc",
    ),
    path("", include("vigil.accounts.urls")),
    path("", include("vigil.offences.urls")),
    path("", include("vigil.safeguarding.urls")),
    path("", include("vigil.missing.urls")),
    path("", include("vigil.disruption.urls")),
    path("", include("vigil.networks.urls")),
    path("", include("vigil.linkage.urls")),
    path("", include("vigil.people.urls")),
]
