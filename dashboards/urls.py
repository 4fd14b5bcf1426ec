from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("todo/", views.todo_page, name="todo"),
    path("todo/badge/", views.todo_badge, name="todo_badge"),
    path("todo/read/", views.notices_read, name="notices_read"),
    path("todo/review/", views.todo_review, name="todo_review"),
    path("zones/", views.zone_list, name="zone_list"),
    path("zones/<str:code>/", views.zone_detail, name="zone_detail"),
    path("zones/<str:code>/shape/<str:kind>/", views.zone_shape, name="zone_shape"),
    path("zones/<str:code>/scene/", views.zone_scene, name="zone_scene"),
    path("shapes.geojson", views.shapes_geojson, name="shapes_geojson"),
    path("shapes.kml", views.shapes_kml, name="shapes_kml"),
    path("map/", views.zone_map, name="map"),
    path("map/data.json", views.map_data_view, name="map_data"),
    path("open/zones/", views.zone_profiles, name="open_zone_list"),
    path("open/zones/<str:code>/", views.zone_profile, name="open_zone_detail"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("cockpit/briefing.<str:kind>", views.briefing, name="briefing"),
    path("cockpit/<str:code>/", views.cockpit, name="cockpit_unit"),
    path("cockpit/<str:code>/briefing.<str:kind>", views.briefing, name="briefing_unit"),
]
