"""The dashboards' pages, one module per page: home (and the zone pages), cockpit, briefing,
map, shapes (drawing core areas and scenes); what they share is in `common`."""

from .briefing import briefing, briefing_file
from .cockpit import cockpit
from .home import home, zone_detail, zone_list
from .map import map_data_view, shapes_geojson, shapes_kml, zone_map
from .public import zone_profile, zone_profiles
from .shapes import zone_scene, zone_shape
from .todo import notices_read, todo_badge, todo_page, todo_review

__all__ = [
    "briefing",
    "briefing_file",
    "cockpit",
    "home",
    "map_data_view",
    "notices_read",
    "shapes_geojson",
    "shapes_kml",
    "todo_badge",
    "todo_page",
    "todo_review",
    "zone_detail",
    "zone_list",
    "zone_map",
    "zone_profile",
    "zone_profiles",
    "zone_scene",
    "zone_shape",
]
