from django.urls import path

from . import views
from .views import ENTERPRISE_PAGES, PROJECT_PAGES

# <prefix>_list, _detail, _create, _edit, _delete, _export, _template, _import,
# _import_commit and _import_errors, for prefixes "enterprise" and "project"; and a project's
# stage log and capital in place.
urlpatterns = [
    *ENTERPRISE_PAGES.urlpatterns("enterprises/"),
    *PROJECT_PAGES.urlpatterns("projects/"),
    path("projects/<int:pk>/stage/", views.project_stage, name="project_stage"),
    path("projects/<int:pk>/capital/", views.project_capital, name="project_capital"),
]
