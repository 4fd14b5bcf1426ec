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
    path("opportunities/<int:pk>/attach/", views.opportunity_attach, name="opportunity_attach"),
    path(
        "opportunities/<int:pk>/files/<int:attachment_pk>/",
        views.opportunity_attachment,
        name="opportunity_attachment",
    ),
    path("responses/", views.response_list, name="response_list"),
    path("responses/<int:pk>/", views.response_detail, name="response_detail"),
    path("responses/<int:pk>/file/", views.response_file, name="response_file"),
    path("responses/<int:pk>/lead/", views.response_lead, name="response_lead"),
    path("scenarios/", views.scenario_list, name="scenario_list"),
    path("scenarios/new/", views.scenario_create, name="scenario_create"),
    path("scenarios/<int:pk>/", views.scenario_detail, name="scenario_detail"),
    path("scenarios/<int:pk>/edit/", views.scenario_edit, name="scenario_edit"),
    path("scenarios/<int:pk>/publish/", views.scenario_publish, name="scenario_publish"),
    # The public portal: no log-in, published versions only.
    path("open/", public.portal_home, name="open_home"),
    path("open/screen/", public.portal_screen, name="open_screen"),
    path("open/opportunities/", public.portal_list, name="open_opportunity_list"),
    path("open/opportunities.json", public.portal_json, name="open_opportunity_json"),
    path("open/opportunities/<int:pk>/", public.portal_detail, name="open_opportunity_detail"),
    path(
        "open/opportunities/<int:pk>/respond/",
        public.portal_respond,
        name="open_opportunity_respond",
    ),
    path("open/scenarios/", public.portal_scenarios, name="open_scenario_list"),
    path("open/scenarios/<int:pk>/", public.portal_scenario, name="open_scenario_detail"),
    path("open/feed.atom", public.portal_feed, name="open_feed"),
]
