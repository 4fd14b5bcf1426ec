"""The API of the statistics system: /api/v1/data_sets/ and /api/v1/submissions/.

A submission is read with its values, its state and the steps the user may take on it now
(the buttons of its page). It is written only through reporting.services, as the page writes
it: `POST /submissions/` opens a unit's draft for a period, `PATCH /submissions/{id}/` saves
values, `POST /submissions/{id}/steps/` submits, approves, returns or unlocks it, and
`POST /submissions/{id}/evidence/` attaches a file. Each write of a submission needs its ETag
in If-Match, which stands for the version the page carries: a client that read it before
someone else saved or reviewed it is told (412), and nothing is overwritten.

Values are exact decimal strings in the indicator's base unit (m², yuan, a ratio from 0 to 1);
a value sent may be a JSON number or text as an officer types it ("12.5万"), read by the same
parser as the form and the Excel upload.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from accounts.api import ScopedCode
from accounts.scoping import restrict
from core.api import FILE_UPLOAD, ETagged, StrictFields, etag_of
from core.api_formats import LimitedMultiPartParser, SignedCursorPagination
from territory.choices import UnitKind
from territory.models import Unit

from .choices import Step
from .filtersets import SubmissionFilter
from .models import DataSet, Event, Evidence, Submission
from .selectors import open_periods
from .services import (
    attach_evidence,
    is_locked,
    open_submission,
    save_values,
    steps_for,
    take_step,
)

MAX_VALUES = 500  # indicators in one save; a data set has far fewer
VALUE_LENGTH = 100  # characters of one value, as the form's field allows


# ── Data sets ──


PERIOD_FIELDS = {
    "start": serializers.DateField(),
    "end": serializers.DateField(),
    "due": serializers.DateField(),
    "locks": serializers.DateField(),
}


class DataSetSerializer(serializers.ModelSerializer):
    indicators = serializers.SerializerMethodField()
    units = serializers.SerializerMethodField()
    rules = serializers.SerializerMethodField()
    open_periods = serializers.SerializerMethodField()

    class Meta:
        model = DataSet
        fields = [
            "code", "name", "name_en", "period_type", "due_days", "lock_days", "starts_on",
            "indicators", "units", "rules", "open_periods",
        ]  # fmt: skip
        read_only_fields = fields

    @extend_schema_field(
        inline_serializer(
            "DataSetIndicator",
            {
                "code": serializers.CharField(),
                "name": serializers.CharField(),
                "measure": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_indicators(self, data_set) -> list[dict]:
        return [
            {"code": i.code, "name": i.name, "measure": i.measure}
            for i in sorted(data_set.indicators.all(), key=lambda i: i.code)
        ]

    def get_units(self, data_set) -> list[str]:
        """The reporting units the user sees (data_set.visible_units, prefetched)."""
        return sorted(unit.code for unit in data_set.visible_units)

    @extend_schema_field(inline_serializer("OpenPeriod", PERIOD_FIELDS, many=True))
    def get_open_periods(self, data_set) -> list[dict]:
        """The periods that have ended and are not yet locked, oldest first: what a unit may
        report today (`end` is the `period_end` that opens a submission)."""
        return [
            {
                "start": start,
                "end": end,
                "due": end + dt.timedelta(days=data_set.due_days),
                "locks": end + dt.timedelta(days=data_set.lock_days),
            }
            for start, end in open_periods(data_set, timezone.localdate())
        ]

    @extend_schema_field(
        inline_serializer(
            "DataSetRule",
            {
                "expression": serializers.CharField(),
                "severity": serializers.CharField(),
                "message": serializers.CharField(),
            },
            many=True,
        )
    )
    def get_rules(self, data_set) -> list[dict]:
        return [
            {"expression": r.expression, "severity": r.severity, "message": r.message}
            for r in data_set.rules.all()
        ]


class DataSetViewSet(viewsets.ReadOnlyModelViewSet):
    """What is reported, how often, when it is due and locks, its indicators and rules, and
    which of the units the user sees report it."""

    serializer_class = DataSetSerializer
    lookup_field = "code"
    lookup_value_regex = r"[A-Za-z0-9_.-]{1,64}"

    def get_queryset(self):
        seen = restrict(Unit.objects.all(), self.request.user, via="")
        return DataSet.objects.prefetch_related(
            "indicators",
            "rules",
            Prefetch("units", queryset=seen, to_attr="visible_units"),
        ).order_by("pk")


# ── Submissions ──

VALUE_FIELDS = {
    "indicator": serializers.CharField(),
    "name": serializers.CharField(),
    "measure": serializers.CharField(),
    "value": serializers.DecimalField(max_digits=20, decimal_places=4, allow_null=True),
    "flagged": serializers.BooleanField(),
}


class SubmissionSerializer(serializers.ModelSerializer):
    data_set = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    unit_name = serializers.CharField(source="unit.name", read_only=True)
    state_label = serializers.CharField(source="get_state_display", read_only=True)
    locked = serializers.SerializerMethodField()
    values = serializers.SerializerMethodField()
    steps = serializers.SerializerMethodField()

    class Meta:
        model = Submission
        fields = [
            "id", "data_set", "unit", "unit_name", "period_start", "period_end", "state",
            "state_label", "locked", "unlock_requested", "unlocked_until", "version",
            "updated_at", "values", "steps",
        ]  # fmt: skip
        read_only_fields = fields

    def get_locked(self, submission) -> bool:
        return is_locked(submission)

    @extend_schema_field(inline_serializer("SubmissionValue", VALUE_FIELDS, many=True))
    def get_values(self, submission) -> list[dict]:
        """Every indicator of the data set, in code order; null where nothing was entered."""
        stored = {v.indicator_id: v for v in submission.values.all()}
        rows = []
        for indicator in sorted(submission.data_set.indicators.all(), key=lambda i: i.code):
            row = stored.get(indicator.pk)
            value = None if row is None or row.value is None else row.value
            rows.append(
                {
                    "indicator": indicator.code,
                    "name": indicator.name,
                    "measure": indicator.measure,
                    "value": None if value is None else f"{value:.4f}",
                    "flagged": bool(row and row.flagged),
                }
            )
        return rows

    def get_steps(self, submission) -> list[str]:
        """The steps the user may take now (`save` means the values may be changed)."""
        return [str(step) for step in steps_for(self.context["request"].user, submission)]


class OpenSerializer(StrictFields, serializers.Serializer):
    data_set = serializers.SlugRelatedField(slug_field="code", queryset=DataSet.objects.all())
    unit = ScopedCode(queryset=Unit.objects.filter(kind__in=[UnitKind.ZONE, UnitKind.DISTRICT]))
    period_end = serializers.DateField()


class ValueText(serializers.CharField):
    """A value as a JSON number or as text an officer would type; null or "" clears it."""

    def to_internal_value(self, data):
        if isinstance(data, bool):
            self.fail("invalid")
        if isinstance(data, int | float):
            try:
                data = format(Decimal(repr(data)), "f")
            except ArithmeticError:
                self.fail("invalid")
        return super().to_internal_value(data)


class ValuesSerializer(StrictFields, serializers.Serializer):
    values = serializers.DictField(
        child=ValueText(allow_null=True, allow_blank=True, max_length=VALUE_LENGTH),
        allow_empty=False,
        help_text="indicator code → value; only the indicators named change",
    )

    def validate_values(self, values: dict) -> dict:
        if len(values) > MAX_VALUES:
            raise serializers.ValidationError(
                _("At most %(count)d values may be saved at once.") % {"count": MAX_VALUES}
            )
        return {str(code)[:64]: text or "" for code, text in values.items()}


class StepSerializer(StrictFields, serializers.Serializer):
    step = serializers.ChoiceField(choices=[c for c in Step.choices if c[0] != Step.SAVE])
    comment = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class EventSerializer(serializers.ModelSerializer):
    step_label = serializers.CharField(source="get_step_display", read_only=True)
    user = serializers.CharField(source="user.username", read_only=True, allow_null=True)

    class Meta:
        model = Event
        fields = ["id", "step", "step_label", "from_state", "to_state", "comment", "user", "at"]
        read_only_fields = fields


class EvidenceSerializer(serializers.ModelSerializer):
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True)

    class Meta:
        model = Evidence
        fields = ["id", "name", "kind", "size", "uploaded_by", "uploaded_at"]
        read_only_fields = fields


IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The ETag the submission was read with.",
)


class SubmissionViewSet(
    ETagged,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Submissions of the units the user sees, newest period first in the page's list, here in
    the order they were opened (cursor pages). Filter by data_set, unit, state and period."""

    serializer_class = SubmissionSerializer
    filterset_class = SubmissionFilter
    filter_backends = [DjangoFilterBackend]
    pagination_class = SignedCursorPagination
    lookup_value_regex = r"[0-9]{1,18}"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return restrict(
            Submission.objects.select_related("data_set", "unit").prefetch_related(
                "values", "data_set__indicators"
            ),
            self.request.user,
            via="unit",
        ).order_by("pk")

    def etag_for(self, obj, data=None) -> str:
        """A submission's version moves on with every save and step, so it is the ETag: the
        same whatever the language its labels are read in (a weak one, for that reason)."""
        return "W/" + etag_of({"submission": obj.pk, "version": obj.version})

    def _shown(self, submission_id: int, *, status_code: int = status.HTTP_200_OK) -> Response:
        submission = self.get_queryset().get(pk=submission_id)
        data = SubmissionSerializer(submission, context=self.get_serializer_context()).data
        return Response(data, status=status_code, headers={"ETag": self.etag_for(submission)})

    @extend_schema(
        request=OpenSerializer, responses={200: SubmissionSerializer, 201: SubmissionSerializer}
    )
    def create(self, request):
        """Open a unit's submission for the period ending on `period_end` (a draft), or find
        the one already open: 201 when it was created, 200 when it was there."""
        form = OpenSerializer(data=request.data, context=self.get_serializer_context())
        form.is_valid(raise_exception=True)
        data_set, unit = form.validated_data["data_set"], form.validated_data["unit"]
        end = form.validated_data["period_end"]
        existed = Submission.objects.filter(data_set=data_set, unit=unit, period_end=end).exists()
        with transaction.atomic():
            submission = open_submission(data_set, unit, end, user=request.user)
        return self._shown(
            submission.pk, status_code=status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        )

    @extend_schema(request=ValuesSerializer, responses=SubmissionSerializer)
    def partial_update(self, request, pk=None):
        """Save values (indicator code → value), all or none: refused as the form refuses them
        (a value that is not a number, a report already submitted or locked)."""
        form = ValuesSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with transaction.atomic():
            submission = self._locked()
            save_values(
                submission,
                form.validated_data["values"],
                user=request.user,
                version=submission.version,
            )
        return self._shown(submission.pk)

    @extend_schema(request=StepSerializer, responses=SubmissionSerializer, parameters=[IF_MATCH])
    @action(detail=True, methods=["post"], url_path="steps", serializer_class=StepSerializer)
    def steps(self, request, pk=None):
        """Take a step of the approval chain: submit, district_approve, city_approve, return
        (with a comment), request_unlock (with a comment) or unlock. Needs If-Match."""
        form = StepSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        with transaction.atomic():
            submission = self._locked()
            take_step(
                submission,
                form.validated_data["step"],
                user=request.user,
                version=submission.version,
                comment=form.validated_data.get("comment", ""),
            )
        return self._shown(submission.pk)

    @extend_schema(responses=EventSerializer(many=True))
    @action(
        detail=True,
        methods=["get"],
        url_path="events",
        serializer_class=EventSerializer,
        filterset_class=None,
    )
    def events(self, request, pk=None):
        """The submission's history: every save and step, who took it and when (cursor pages,
        oldest first)."""
        submission = self.get_object()
        paginator = SignedCursorPagination()
        page = paginator.paginate_queryset(
            submission.events.select_related("user").order_by("pk"), request, view=self
        )
        return paginator.get_paginated_response(EventSerializer(page, many=True).data)

    @extend_schema(methods=["GET"], responses=EvidenceSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=FILE_UPLOAD,
        responses={201: EvidenceSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="evidence",
        parser_classes=[LimitedMultiPartParser],
        serializer_class=EvidenceSerializer,
        filterset_class=None,
        pagination_class=None,
    )
    def evidence(self, request, pk=None):
        """GET: the files backing the submission (what is known of them, not their content).
        POST (a multipart `file`): attach one, while the reporting unit may still change it."""
        submission = self.get_object()
        if request.method == "GET":
            files = submission.evidence.defer("content").select_related("uploaded_by")
            return Response(EvidenceSerializer(files, many=True).data)
        with transaction.atomic():
            stored = attach_evidence(submission, request.FILES.get("file"), user=request.user)
        return Response(EvidenceSerializer(stored).data, status=status.HTTP_201_CREATED)


ROUTES = [
    ("data_sets", DataSetViewSet, "api-data-set"),
    ("submissions", SubmissionViewSet, "api-submission"),
]
