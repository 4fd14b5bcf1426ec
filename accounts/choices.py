from django.db import models
from django.utils.translation import gettext_lazy as _

from territory.choices import UnitKind


class Role(models.TextChoices):
    CITY_ADMIN = "city_admin", _("City administrator")
    CITY_VIEWER = "city_viewer", _("City viewer")
    DISTRICT_OFFICER = "district_officer", _("District officer")
    ZONE_OFFICER = "zone_officer", _("Zone officer")


# The kind of unit each role's membership names.
ROLE_UNIT_KINDS = {
    Role.CITY_ADMIN: {UnitKind.CITY},
    Role.CITY_VIEWER: {UnitKind.CITY},
    Role.DISTRICT_OFFICER: {UnitKind.DISTRICT},
    Role.ZONE_OFFICER: {UnitKind.ZONE},
}

# Roles that may write data within their subtree; a city viewer only reads.
WRITING_ROLES = {Role.CITY_ADMIN, Role.DISTRICT_OFFICER, Role.ZONE_OFFICER}


class Action(models.TextChoices):
    VIEW = "view", _("view")
    CHANGE = "change", _("change")
