from django.db import models
from django.utils.translation import gettext_lazy as _

from territory.choices import UnitKind

# Carriers stand in zones and in development units: the plan sets the nine development units
# of the eastern area 20万 m² of sci-tech space each, and what is built there counts for them.
HOLDER_KINDS = (UnitKind.ZONE, UnitKind.DEVELOPMENT_UNIT)


class CarrierKind(models.TextChoices):
    SCITECH_SPACE = "scitech_space", _("Sci-tech space")
    STANDARD_FACTORY = "standard_factory", _("Standard factory")
    PROFESSIONAL_BUILDING = "professional_building", _("Professional building")
    TALENT_APARTMENT = "talent_apartment", _("Talent apartment")


# The plan's own words, for spreadsheets (officers write these, not codes).
CARRIER_KIND_ZH = {
    CarrierKind.SCITECH_SPACE: "高品质科创空间",
    CarrierKind.STANDARD_FACTORY: "标准厂房",
    CarrierKind.PROFESSIONAL_BUILDING: "专业楼宇",
    CarrierKind.TALENT_APARTMENT: "人才公寓",
}


class PlatformKind(models.TextChoices):
    PROTOTYPE = "prototype_modelling", _("Prototype modelling")
    PILOT = "pilot_testing", _("Pilot testing")
    INSPECTION = "inspection_testing", _("Inspection and testing")
    OTHER = "other", _("Other")


PLATFORM_KIND_ZH = {
    PlatformKind.PROTOTYPE: "原型机建模",
    PlatformKind.PILOT: "中试",
    PlatformKind.INSPECTION: "检验检测",
    PlatformKind.OTHER: "其他",
}
