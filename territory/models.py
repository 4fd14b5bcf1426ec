"""The unit tree and the reference data that describes zones.

Every place that owns data is a `Unit` in one tree (City → District → Zone | DevelopmentUnit);
partner cities and enclave parks are roots of their own, outside the city's subtree.
"""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .choices import IndustryCategory, UnitKind


class ReferenceData(models.Model):
    """Shared fields of configurable reference data: a stable code and bilingual names."""

    code = models.CharField(_("code"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)
    source = models.CharField(_("source"), max_length=500, blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Generated for demonstration, not a fact.")
    )

    class Meta:
        abstract = True
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class IndustryGroup(ReferenceData):
    """One industry of the "5+5+1" system: 5 advanced manufacturing, 5 modern services, 1
    new economy."""

    category = models.CharField(_("category"), max_length=20, choices=IndustryCategory.choices)

    class Meta(ReferenceData.Meta):
        verbose_name = _("industry group")
        verbose_name_plural = _("industry groups")


class Ecosystem(ReferenceData):
    """An industrial ecosystem (产业生态圈): groups zones and chains. 14 in 2020."""

    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    class Meta(ReferenceData.Meta):
        verbose_name = _("ecosystem")
        verbose_name_plural = _("ecosystems")


class Stage(ReferenceData):
    """A zone's development stage (发展阶段); it picks the zone's assessment scheme."""

    description = models.TextField(_("description"), blank=True)

    class Meta(ReferenceData.Meta):
        verbose_name = _("development stage")
        verbose_name_plural = _("development stages")


class UnitQuerySet(models.QuerySet):
    def active_on(self, day) -> UnitQuerySet:
        """Units in force on `day`: zones are merged, moved and redrawn."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day),
            Q(valid_to__isnull=True) | Q(valid_to__gte=day),
        )

    def of_kind(self, kind: str) -> UnitQuerySet:
        return self.filter(kind=kind)

    def subtree_of(self, unit: Unit) -> UnitQuerySet:
        """The unit and everything below it: one indexed prefix match."""
        return self.filter(path__startswith=unit.path)


class Unit(models.Model):
    """A place that owns data: the city, a district, a development unit, a zone, or a
    partner city or enclave park outside the city."""

    code = models.CharField(
        _("code"),
        max_length=64,
        unique=True,
        help_text=_("Stable identifier; GB/T 2260 code for administrative districts."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices, db_index=True)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    # Materialised path of primary keys, "/1/5/23/": a subtree is a prefix match, which an
    # index answers in one query at any size. Maintained by services.save_unit, never by hand.
    path = models.CharField(_("tree path"), max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0, editable=False)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    order = models.PositiveIntegerField(_("order"), default=0)

    # Districts
    is_central = models.BooleanField(
        _("central district (11+2)"),
        default=False,
        help_text=_("One of the “11+2” central districts."),
    )
    eastern_expansion = models.BooleanField(
        _("eastern expansion area"),
        default=False,
        help_text=_("Part of the eastern expansion (东进) area."),
    )

    # Zones
    extra_districts = models.ManyToManyField(
        "self",
        verbose_name=_("further districts"),
        symmetrical=False,
        blank=True,
        related_name="shared_zones",
        help_text=_("Districts a zone spans besides its primary district (its parent)."),
    )
    ecosystems = models.ManyToManyField(
        Ecosystem, verbose_name=_("ecosystems"), blank=True, related_name="zones"
    )
    industry_groups = models.ManyToManyField(
        IndustryGroup, verbose_name=_("industry groups"), blank=True, related_name="zones"
    )
    stage = models.ForeignKey(
        Stage,
        verbose_name=_("development stage"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="zones",
    )
    lead_industry = models.CharField(_("lead industry"), max_length=200, blank=True)

    source = models.CharField(_("source"), max_length=500, blank=True)
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(
        _("demo data"), default=False, help_text=_("Generated for demonstration, not a fact.")
    )

    history = HistoricalRecords(excluded_fields=["path", "depth"])
    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["path"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True)
                | Q(valid_from__isnull=True)
                | Q(valid_to__gte=models.F("valid_from")),
                name="unit_valid_to_after_valid_from",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_zone(self) -> bool:
        return self.kind == UnitKind.ZONE

    def ancestor_ids(self) -> list[int]:
        """Primary keys from the root down to this unit, read from the path (no query)."""
        return [int(part) for part in self.path.strip("/").split("/") if part]


# The first version of a unit with a history holds "since it began".
BEGINNING = dt.date(1900, 1, 1)


class UnitVersion(models.Model):
    """How a unit stood from `valid_from` on: its parent, names and kind. A unit has versions
    only once a dated change (a move, a rename) is recorded; the `Unit` row always holds the
    latest version. Figures for a day roll up over the tree as these versions give it on that
    day (territory.history), so a later move never changes a past figure."""

    unit = models.ForeignKey(
        Unit, verbose_name=_("unit"), on_delete=models.CASCADE, related_name="versions"
    )
    valid_from = models.DateField(_("in force from"))
    parent = models.ForeignKey(
        Unit,
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind.choices)
    name = models.CharField(_("name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unit version")
        verbose_name_plural = _("unit versions")
        ordering = ["unit", "valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "valid_from"], name="unit_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.name} · {self.valid_from}"


class UnitSuccession(models.Model):
    """From `on`, what was registered on `predecessor` counts for `successor`: a merge (two or
    more predecessors, one successor), a split (one predecessor, several successors; the
    primary one takes its items) or a replacement (closed and opened anew)."""

    class Kind(models.TextChoices):
        MERGE = "merge", _("Merge")
        SPLIT = "split", _("Split")

    predecessor = models.ForeignKey(
        Unit, verbose_name=_("predecessor"), on_delete=models.CASCADE, related_name="successions"
    )
    successor = models.ForeignKey(
        Unit, verbose_name=_("successor"), on_delete=models.PROTECT, related_name="predecessions"
    )
    on = models.DateField(_("from"))
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    primary = models.BooleanField(
        _("takes the items"),
        default=True,
        help_text=_("In a split, the successor the predecessor's items count for."),
    )

    class Meta:
        verbose_name = _("unit succession")
        verbose_name_plural = _("unit successions")
        ordering = ["on", "predecessor"]
        constraints = [
            models.UniqueConstraint(
                fields=["predecessor", "successor"], name="unit_succession_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.predecessor} → {self.successor} ({self.on})"


class Belt(ReferenceData):
    """A cross-region industrial belt (产业带) anchored on a zone, built with a partner city."""

    anchor_zone = models.ForeignKey(
        Unit,
        verbose_name=_("anchor zone"),
        on_delete=models.PROTECT,
        related_name="anchored_belts",
        limit_choices_to={"kind": UnitKind.ZONE},
    )
    partner_city = models.ForeignKey(
        Unit,
        verbose_name=_("partner city"),
        on_delete=models.PROTECT,
        related_name="belts",
        limit_choices_to={"kind": UnitKind.PARTNER_CITY},
    )

    class Meta(ReferenceData.Meta):
        verbose_name = _("industrial belt")
        verbose_name_plural = _("industrial belts")


class ZoneShape(models.Model):
    """The drawn shape of a zone: its ~1 km² core starting area (核心起步区), or its whole
    boundary. Stored as GeoJSON in WGS84, with its geodesic area and bounding box."""

    class Kind(models.TextChoices):
        CORE_AREA = "core_area", _("Core starting area")
        BOUNDARY = "boundary", _("Zone boundary")

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="shapes",
        limit_choices_to={"kind": UnitKind.ZONE},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    geojson = models.TextField(_("geometry (GeoJSON, WGS84)"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=16, decimal_places=2)
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()
    source_crs = models.CharField(_("coordinate system of the upload"), max_length=10)
    delineated_on = models.DateField(_("delineated on"))
    note = models.TextField(_("note"), blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("zone shape")
        verbose_name_plural = _("zone shapes")
        constraints = [models.UniqueConstraint(fields=["zone", "kind"], name="zone_shape_unique")]

    def __str__(self) -> str:
        return f"{self.zone} · {self.get_kind_display()}"

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(west, south, east, north) in degrees."""
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)


class Scene(models.Model):
    """A production, living or ecology scene (生产/生活/生态场景) inside a zone's core area: the
    plan asks for the three to be shown together there."""

    class Kind(models.TextChoices):
        PRODUCTION = "production", _("Production scene")
        LIVING = "living", _("Living scene")
        ECOLOGY = "ecology", _("Ecology scene")

    zone = models.ForeignKey(
        Unit,
        verbose_name=_("zone"),
        on_delete=models.PROTECT,
        related_name="scenes",
        limit_choices_to={"kind": UnitKind.ZONE},
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    # A scene drawn as an area; its point (above) is then a point inside it, for counts and pins.
    geojson = models.TextField(_("area (GeoJSON, WGS84)"), blank=True)
    # From when the scene is shown (a figure for an earlier day does not count it); blank: all
    # along.
    shown_from = models.DateField(_("shown from"), null=True, blank=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scene")
        verbose_name_plural = _("scenes")
        ordering = ["zone", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="scene_name_unique")]

    def __str__(self) -> str:
        return self.name


class Outline(models.Model):
    """The outline of a district or development unit, imported by an administrator: the map's
    base layer when no tile service is reachable (an intranet)."""

    unit = models.OneToOneField(
        Unit,
        verbose_name=_("unit"),
        on_delete=models.PROTECT,
        related_name="outline",
        limit_choices_to={"kind__in": [UnitKind.DISTRICT, UnitKind.DEVELOPMENT_UNIT]},
    )
    geojson = models.TextField(_("geometry (GeoJSON, WGS84)"))
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=16, decimal_places=2)
    source_crs = models.CharField(_("coordinate system of the upload"), max_length=10)
    source = models.CharField(_("source"), max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("outline")
        verbose_name_plural = _("outlines")

    def __str__(self) -> str:
        return f"{self.unit} · {self._meta.verbose_name}"
