from django.urls import path

from . import views

urlpatterns = [
    path("jobs/", views.job_list, name="jobs"),
    path("jobs/<uuid:pk>/", views.job_page, name="job"),
]
