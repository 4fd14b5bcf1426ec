from django.contrib import admin
from django.urls import include, path, re_path

from core.api import not_found

admin.site.site_header = "产业功能区建设管理平台"
admin.site.site_title = "Zoneplan"
admin.site.index_title = "参考数据管理"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("zoneplan.api")),
    re_path(r"^api/", not_found),  # another version, or none: the API's JSON 404
    path("", include("accounts.urls")),
    path("", include("jobs.urls")),
    path("", include("plans.urls")),
    path("", include("carriers.urls")),
    path("", include("investment.urls")),
    path("", include("chains.urls")),
    path("", include("opportunities.urls")),
    path("", include("reporting.urls")),
    path("", include("assessment.urls")),
    path("", include("dashboards.urls")),
]
