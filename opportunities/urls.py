from django.urls import path

from . import public, views

urlpatterns = [
    path("opportunities/", views.opportunity_list, name="opportunity_list"),
    path("opportunities/new/", views.opportunity_create, name="opportunity_create"),
    path("opportunities/<int:pk>/", views.opportunity_detail, name="opportunity_detail"),
    path("opportunities/<int:pk>/edit/", views.opportunity_edit, name="opportunity_edit"),
    path("opportunities/<int:pk>/submit/", views.opportunity_submit, name="opportunity_submit"),
    path("opportunities/<int:pk>/review/", views.opportunity_review, name="opportunity_review"),
    path(
        "opportunities/<int:pk>/withdraw/", views.opportunity_withdraw, name="opportunity_withdraw"
    ),
    # The public portal: no log-in, published versions only.
    path("open/", public.portal_home, name="open_home"),
    path("open/opportunities/", public.portal_list, name="open_opportunity_list"),
    path("open/opportunities/<int:pk>/", public.portal_detail, name="open_opportunity_detail"),
    path("open/feed.atom", public.portal_feed, name="open_feed"),
]
