"""The API of plans and their progress: /api/v1/plans/ and /api/v1/targets/?plan=CODE&day=
YYYY-MM-DD. A target's item carries the fields of `manage.py progress --format json`, read by
the same selector as the cockpit (plans.selectors.plan_progress), limited to the targets set on
units the user sees (accounts.scoping)."""

from __future__ import annotations

import hashlib

from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers, viewsets
from rest_framework.response import Response

from accounts.scoping import visible_units
from core.api import OneObjectSchema, day_param
from territory.models import Unit

from . import cache
from .models import Plan
from .selectors import current_plan, plan_progress, progress_record


class PlanSerializer(serializers.ModelSerializer):
    class Meta:
        model = Plan
        fields = ["code", "title", "title_en", "year", "starts_on", "ends_on", "issuer", "source"]
        read_only_fields = fields


class PlanViewSet(viewsets.ReadOnlyModelViewSet):
    """The work plans loaded, newest first (every logged-in role reads them)."""

    serializer_class = PlanSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_.-]{1,64}"

    def get_queryset(self):
        return Plan.objects.order_by("-year", "-starts_on", "pk")


PROGRESS_FIELDS = {
    "target": serializers.CharField(),
    "title": serializers.CharField(),
    "unit": serializers.CharField(),
    "indicator": serializers.CharField(allow_null=True),
    "rule": serializers.CharField(allow_null=True),
    # Exact decimals in base units, as strings ("66", "10000000"), as the command prints them.
    "value": serializers.CharField(allow_null=True),
    "target_value": serializers.CharField(allow_null=True),
    "display_unit": serializers.CharField(allow_blank=True, allow_null=True),
    "deadline": serializers.DateField(allow_null=True),
    "percent": serializers.FloatField(allow_null=True),
    "status": serializers.CharField(),
    "status_label": serializers.CharField(),
    "pending": serializers.BooleanField(),
    "basis": serializers.CharField(allow_blank=True),
}


class TargetViewSet(viewsets.ViewSet):
    """Every target of a plan the user sees, with its value and status on a day."""

    schema = OneObjectSchema()

    @extend_schema(
        parameters=[
            OpenApiParameter("plan", OpenApiTypes.STR, description="plan code (default: latest)"),
            OpenApiParameter(
                "day", OpenApiTypes.DATE, description="default: today, within the plan"
            ),
            OpenApiParameter(
                "unit", OpenApiTypes.STR, description="only targets on this unit and below"
            ),
        ],
        responses=inline_serializer(
            "PlanProgress",
            {
                "plan": serializers.CharField(),
                "day": serializers.DateField(),
                "results": inline_serializer("TargetProgress", PROGRESS_FIELDS, many=True),
            },
        ),
    )
    def list(self, request):
        params = request.query_params
        code = params.get("plan")
        plan = Plan.objects.filter(code=code[:64]).first() if code else current_plan()
        if plan is None:
            known = "、".join(Plan.objects.values_list("code", flat=True)) or _("none")
            raise exceptions.ValidationError(
                {
                    "plan": [
                        _("No plan with code %(code)s (plans loaded: %(known)s).")
                        % {"code": (code or "")[:64], "known": known}
                    ]
                }
            )
        day = day_param(request, default=min(timezone.localdate(), plan.ends_on))
        units = visible_units(request.user)
        unit_code = params.get("unit")
        if unit_code:
            unit = units.filter(code=unit_code[:64]).first()
            if unit is None:
                raise exceptions.ValidationError(
                    {"unit": [_("No unit with code %(code)s.") % {"code": unit_code[:64]}]}
                )
            units = units.filter(pk__in=Unit.objects.subtree_of(unit).values("pk"))
        # Computed once per data version for everyone who sees the same units (plans.cache,
        # as the cockpit): a big screen polling every few seconds costs a cache read.
        seen = sorted(units.values_list("pk", flat=True))
        scope = hashlib.sha256(",".join(map(str, seen)).encode()).hexdigest()[:16]

        def compute():
            sections = plan_progress(
                plan, day=day, units=Unit.objects.filter(pk__in=seen), with_drivers=False
            )
            return [progress_record(row) for section in sections for row in section.rows]

        records = cache.cached(
            f"api-progress:{plan.pk}:{day.isoformat()}:{get_language()}:{scope}", compute
        )
        return Response({"plan": plan.code, "day": day.isoformat(), "results": records})


ROUTES = [
    ("plans", PlanViewSet, "api-plan"),
    ("targets", TargetViewSet, "api-target"),
]
