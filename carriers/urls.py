from .views import PAGES, PLATFORM_PAGES

# <prefix>_list, _detail, _create, _edit, _delete, _export, _template, _import,
# _import_commit and _import_errors, for prefix "carrier" and "platform".
urlpatterns = PAGES.urlpatterns("carriers/") + PLATFORM_PAGES.urlpatterns("platforms/")
