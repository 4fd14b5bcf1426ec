"""The one router of the REST API, versioned under /api/v1/ (docs/api.md). Each app's
`api.py` lists its ROUTES (path, viewset, basename); the schema, Swagger UI and Redoc are
served from this site (drf-spectacular with its sidecar, no CDN)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path
from drf_spectacular.views import (
    SpectacularAPIView,
    SpectacularRedocView,
    SpectacularSwaggerSplitView,
)
from rest_framework.routers import SimpleRouter

from assessment.api import ROUTES as ASSESSMENT_ROUTES
from carriers.api import ROUTES as CARRIER_ROUTES
from chains.api import ROUTES as CHAIN_ROUTES
from core.api import not_found
from investment.api import ROUTES as INVESTMENT_ROUTES
from opportunities.api import ROUTES as OPPORTUNITY_ROUTES
from plans.api import ROUTES as PLAN_ROUTES
from reporting.api import ROUTES as REPORTING_ROUTES
from territory.api import ROUTES as TERRITORY_ROUTES

router = SimpleRouter(trailing_slash=True)
for prefix, viewset, basename in [
    *TERRITORY_ROUTES,
    *PLAN_ROUTES,
    *CARRIER_ROUTES,
    *INVESTMENT_ROUTES,
    *CHAIN_ROUTES,
    *OPPORTUNITY_ROUTES,
    *REPORTING_ROUTES,
    *ASSESSMENT_ROUTES,
]:
    router.register(prefix, viewset, basename=basename)

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The reading pages are pages: a browser that is not logged in is sent to log in.
    path(
        "docs/",
        login_required(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path(
        "redoc/",
        login_required(SpectacularRedocView.as_view(url_name="api-schema")),
        name="api-redoc",
    ),
    re_path(r"", not_found),  # last: whatever else is asked under /api/v1/
]
