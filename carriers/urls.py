from django.urls import path

from . import views

urlpatterns = [
    path("carriers/", views.carrier_list, name="carrier_list"),
    path("carriers/new/", views.carrier_create, name="carrier_create"),
    path("carriers/export.xlsx", views.carrier_export, name="carrier_export"),
    path("carriers/template.xlsx", views.carrier_template, name="carrier_template"),
    path("carriers/import/", views.carrier_import, name="carrier_import"),
    path(
        "carriers/import/<str:token>/commit/",
        views.carrier_import_commit,
        name="carrier_import_commit",
    ),
    path(
        "carriers/import/<str:token>/errors.xlsx",
        views.carrier_import_errors,
        name="carrier_import_errors",
    ),
    path("carriers/<int:pk>/", views.carrier_detail, name="carrier_detail"),
    path("carriers/<int:pk>/edit/", views.carrier_edit, name="carrier_edit"),
    path("carriers/<int:pk>/delete/", views.carrier_delete, name="carrier_delete"),
]
