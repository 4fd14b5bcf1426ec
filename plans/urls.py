from django.urls import path

from . import views

urlpatterns = [
    path("plan/", views.plan_detail, name="plan_current"),
    path("plans/<slug:code>/", views.plan_detail, name="plan_detail"),
]
