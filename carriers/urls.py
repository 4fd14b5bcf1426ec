from django.urls import path

from .views import PAGES, PLATFORM_PAGES, SERVICE_PAGES, schedule_list

# <prefix>_list, _detail, _create, _edit, _delete, _export, _template, _import,
# _import_commit and _import_errors, for prefixes "carrier", "platform" and "service".
urlpatterns = (
    PAGES.urlpatterns("carriers/")
    + PLATFORM_PAGES.urlpatterns("platforms/")
    + SERVICE_PAGES.urlpatterns("services/")
    + [path("schedules/", schedule_list, name="schedule_list")]
)
