from django.urls import path

from . import views

urlpatterns = [
    path("assessment/", views.run_list, name="assessment_runs"),
    path("assessment/schemes/", views.scheme_list, name="assessment_schemes"),
    path("assessment/<int:pk>/", views.run_page, name="assessment_run"),
    path("assessment/<int:pk>/publish/", views.publish, name="assessment_publish"),
    path("assessment/<int:pk>/zones/<str:code>/", views.zone_scorecard, name="assessment_zone"),
    path("assessment/<int:pk>/report.<str:kind>", views.run_report, name="assessment_report"),
    path(
        "assessment/<int:pk>/consequences/",
        views.consequences_page,
        name="assessment_consequences",
    ),
    path("assessment/<int:pk>/verify/", views.verify_run, name="assessment_verify"),
    path("results/", views.public_results, name="assessment_public"),
]
