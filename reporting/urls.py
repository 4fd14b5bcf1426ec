from django.urls import path

from . import views

urlpatterns = [
    path("reporting/", views.submission_list, name="submission_list"),
    path("reporting/open/", views.submission_open, name="submission_open"),
    path("reporting/completeness/", views.completeness_page, name="completeness"),
    path("reporting/data-sets/", views.data_set_list, name="data_set_list"),
    path("reporting/data-sets/new/", views.data_set_edit, name="data_set_create"),
    path("reporting/data-sets/<int:pk>/", views.data_set_edit, name="data_set_edit"),
    path("reporting/<int:pk>/", views.submission_page, name="submission_page"),
    path("reporting/<int:pk>/form.xlsx", views.submission_workbook, name="submission_workbook"),
    path(
        "reporting/<int:pk>/evidence/<int:evidence_pk>/", views.evidence_file, name="evidence_file"
    ),
]
