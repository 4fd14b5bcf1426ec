from django.db import models
from django.utils.translation import gettext_lazy as _


class UnitKind(models.TextChoices):
    CITY = "city", _("City")
    DISTRICT = "district", _("District")
    DEVELOPMENT_UNIT = "development_unit", _("Development unit")
    ZONE = "zone", _("Zone")
    PARTNER_CITY = "partner_city", _("Partner city")
    ENCLAVE = "enclave", _("Enclave park")


# Which kinds a unit's parent may be. Partner cities and enclaves stand outside the city.
ALLOWED_PARENT_KINDS: dict[str, set[str | None]] = {
    UnitKind.CITY: {None},
    UnitKind.DISTRICT: {UnitKind.CITY},
    UnitKind.DEVELOPMENT_UNIT: {UnitKind.CITY, UnitKind.DISTRICT},
    UnitKind.ZONE: {UnitKind.DISTRICT},
    UnitKind.PARTNER_CITY: {None},
    UnitKind.ENCLAVE: {None},
}


class IndustryCategory(models.TextChoices):
    MANUFACTURING = "manufacturing", _("Advanced manufacturing")
    SERVICE = "service", _("Modern services")
    NEW_ECONOMY = "new_economy", _("New economy")
