from .views import ENTERPRISE_PAGES, PROJECT_PAGES

# <prefix>_list, _detail, _create, _edit, _delete, _export, _template, _import,
# _import_commit and _import_errors, for prefixes "enterprise" and "project".
urlpatterns = ENTERPRISE_PAGES.urlpatterns("enterprises/") + PROJECT_PAGES.urlpatterns("projects/")
