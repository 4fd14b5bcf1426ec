"""The forms that draw a zone on the map: its core area or boundary, and its scenes.

Each form reads and checks what the officer sent; the view shows its errors and, when it is
valid, hands the cleaned values to territory.services (save_shape, add_scene). Rights are
checked by the view before the form is built (accounts.writes.require_change).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import shapely
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.geo import CRS

from .geometry import GeometryError, check_coordinates, read_shape
from .models import Scene, Unit
from .services import scene_area_problems, scene_problems

DATE_MESSAGE = gettext_lazy(
    "The delineation date must be a valid date, today or earlier (YYYY-MM-DD)."
)
DRAWN_MAX_CHARACTERS = 100_000  # a drawn shape longer than this is not sent back to the page


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB"


def read_drawn(text: str):
    """A shape drawn on a map (WGS84 GeoJSON text), read with the upload's reader and limits."""
    limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
    if len(text.encode()) > limit:
        raise GeometryError(
            _("The drawn shape is too large (at most %(limit)s).") % {"limit": _megabytes(limit)}
        )
    geometry = read_shape(text.encode(), "drawn.geojson")
    problems = check_coordinates(geometry)
    if problems:
        raise GeometryError(problems[0].message)
    return geometry


class ZoneShapeForm(forms.Form):
    """A core area or boundary: a file (GeoJSON, KML, zipped Shapefile) or a shape drawn on the
    map, in a named coordinate system, delineated on a day no later than today."""

    file = forms.FileField(required=False)
    geojson = forms.CharField(required=False, strip=True)
    crs = forms.ChoiceField(
        choices=CRS.CHOICES,
        error_messages={
            "required": gettext_lazy("Choose the coordinate system the file uses."),
            "invalid_choice": gettext_lazy("Choose the coordinate system the file uses."),
        },
    )
    delineated_on = forms.DateField(
        input_formats=["%Y-%m-%d"],
        error_messages={"required": DATE_MESSAGE, "invalid": DATE_MESSAGE},
    )
    confirm = forms.BooleanField(required=False)

    def clean_delineated_on(self) -> dt.date:
        day = self.cleaned_data["delineated_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(DATE_MESSAGE)
        return day

    def clean(self):
        cleaned = super().clean()
        upload, drawn = cleaned.get("file"), cleaned.get("geojson", "")
        if upload is None and not drawn:
            raise forms.ValidationError(
                _(
                    "Choose a file to upload (GeoJSON, KML or a zipped Shapefile), or draw on the map."
                )
            )
        size = upload.size if upload is not None else len(drawn.encode())
        limit = settings.ZONEPLAN_GEOMETRY_MAX_BYTES
        if size > limit:
            raise forms.ValidationError(
                _("The file is too large (%(size)s, at most %(limit)s).")
                % {"size": _megabytes(size), "limit": _megabytes(limit)}
            )
        if self.errors:
            return cleaned
        try:
            if upload is not None:
                cleaned["raw"] = read_shape(upload.read(), upload.name or "")
            else:
                cleaned["raw"] = read_shape(drawn.encode(), "drawn.geojson")
        except GeometryError as error:
            raise forms.ValidationError(str(error)) from error
        return cleaned

    def first_error(self) -> str:
        """The one message the page shows above the form."""
        for errors in self.errors.values():
            return errors[0]
        return ""


class SceneForm(forms.Form):
    """A scene of a zone: a point, or an area drawn on the map, inside the zone's core area."""

    kind = forms.ChoiceField(
        choices=Scene.Kind.choices,
        error_messages={
            "required": gettext_lazy("Choose the kind of scene."),
            "invalid_choice": gettext_lazy("Choose the kind of scene."),
        },
    )
    name = forms.CharField(
        max_length=200,
        error_messages={
            "required": gettext_lazy("The scene's name is required, at most 200 characters."),
            "max_length": gettext_lazy("The scene's name is required, at most 200 characters."),
        },
    )
    shown_from = forms.DateField(
        required=False,
        input_formats=["%Y-%m-%d"],
        error_messages={
            "invalid": gettext_lazy(
                "The date from which the scene is shown must be a date (2020-06-30)."
            )
        },
    )
    geojson = forms.CharField(required=False, strip=True)
    longitude = forms.CharField(required=False, strip=True)
    latitude = forms.CharField(required=False, strip=True)

    def __init__(self, *args, zone: Unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if Scene.objects.filter(zone=self.zone, name=name).exists():
            raise forms.ValidationError(
                _("This zone already has a scene named “%(name)s”.") % {"name": name}
            )
        return name

    def clean(self):
        cleaned = super().clean()
        drawn = cleaned.get("geojson", "")
        cleaned["area"] = ""
        if drawn:
            try:
                geometry = read_drawn(drawn)
            except GeometryError as error:
                raise forms.ValidationError(str(error)) from error
            problems = scene_area_problems(zone=self.zone, geometry=geometry)
            if problems:
                raise forms.ValidationError(problems)
            point = geometry.representative_point()  # inside the area, unlike a centroid
            cleaned["longitude"] = Decimal(str(round(point.x, 6)))
            cleaned["latitude"] = Decimal(str(round(point.y, 6)))
            cleaned["area"] = shapely.to_geojson(geometry)
            return cleaned
        try:
            longitude = Decimal(cleaned.get("longitude", ""))
            latitude = Decimal(cleaned.get("latitude", ""))
            if not (longitude.is_finite() and latitude.is_finite()):
                raise ArithmeticError
        except ArithmeticError as error:  # decimal.InvalidOperation is one
            raise forms.ValidationError(
                _(
                    "Longitude and latitude must be numbers (e.g. 104.06 and 30.65), "
                    "or draw the scene's area on the map."
                )
            ) from error
        problems = scene_problems(zone=self.zone, longitude=longitude, latitude=latitude)
        if problems:
            raise forms.ValidationError(problems)
        cleaned["longitude"], cleaned["latitude"] = longitude, latitude
        return cleaned

    def messages(self) -> list[str]:
        """Every error, in the order of the form's fields, then those of the whole form."""
        return [message for errors in self.errors.values() for message in errors]

    def drawn(self) -> str:
        """The drawn area sent back to the page, so a correction need not redraw it."""
        text = self.data.get("geojson", "")
        return "" if len(text) > DRAWN_MAX_CHARACTERS else text
