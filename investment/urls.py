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
    path("enterprises/<int:pk>/merge/", views.enterprise_merge, name="enterprise_merge"),
    path(
        "enterprises/merges/<int:pk>/undo/",
        views.enterprise_merge_undo,
        name="enterprise_merge_undo",
    ),
    path("funnel/", views.funnel_page, name="funnel"),
    path("conflicts/", views.conflict_list, name="conflict_list"),
    path("conflicts/search/", views.conflict_search, name="conflict_search"),
    path("conflicts/<int:pk>/", views.conflict_detail, name="conflict_detail"),
]
