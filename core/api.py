"""What every endpoint of the REST API (/api/v1/, docs/api.md) shares.

- **Errors** have one JSON shape: `{"error": {"code": …, "message": …, "fields": {…}}}`. The
  message is what a person reads, in the request's language (Accept-Language); `fields` names
  each refused field with its messages, as the form would show them.
- **Bodies** are JSON of at most ZONEPLAN_API_MAX_BODY_BYTES (evidence files are multipart, up
  to ZONEPLAN_EVIDENCE_MAX_BYTES); a larger one is refused before it is read whole.
- **Pages** are cursor pages in the order of creation. A cursor is signed, so one that was
  changed by hand is refused rather than read as another position.
- **Lost updates**: each object has an ETag (a hash of what the API shows of it); a PUT, PATCH
  or DELETE must send it back in If-Match and is refused (428 without, 412 when the object has
  changed since) under a lock on the row, so two clients never overwrite each other unseen.
- **Registries** are served by `RegistryViewSet`, built on a registry's pages
  (core.registry_pages.RegistryPages): the same scoping, the same filterset and the same save and
  delete services as the forms, so the same rules refuse the same values with the same words.

Rights are never decided here: the pages' `scope` asks accounts.scoping.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import logging

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.decorators import api_view as _api_view
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from . import evidence
from .api_formats import LimitedJSONParser, LimitedMultiPartParser, SignedCursorPagination
from .models import Attachment
from .refusals import Forbidden, Refusal, Stale

log = logging.getLogger(__name__)

VIEW, CHANGE = "view", "change"
WRITES = {"PUT", "PATCH", "DELETE"}


# ── Errors ──


class PreconditionRequired(exceptions.APIException):
    status_code = 428
    default_code = "precondition_required"
    default_detail = gettext_lazy(
        "Send the object's ETag in an If-Match header: read the object first, then change it."
    )


class PreconditionFailed(exceptions.APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "precondition_failed"
    default_detail = gettext_lazy(
        "The object has changed since you read it (its ETag differs): read it again and "
        "repeat your change."
    )


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"
    default_detail = gettext_lazy(
        "The change conflicts with data already stored; nothing was written."
    )


def _messages(detail) -> object:
    """DRF's nested error details as plain strings, keeping their structure."""
    if isinstance(detail, dict):
        return {str(key): _messages(value) for key, value in detail.items()}
    if isinstance(detail, list):
        return [_messages(item) for item in detail]
    return str(detail)


def _code(exc: exceptions.APIException) -> str:
    codes = exc.get_codes()
    if isinstance(codes, str):
        return codes
    return getattr(exc, "default_code", "error")


def exception_handler(exc, context):
    """Every error of the API in one shape, with the message a person reads."""
    if isinstance(exc, DjangoValidationError):
        if hasattr(exc, "error_dict"):
            exc = exceptions.ValidationError(
                {key or "non_field_errors": value for key, value in exc.message_dict.items()}
            )
        else:
            exc = exceptions.ValidationError({"non_field_errors": exc.messages})
    elif isinstance(exc, Forbidden):
        exc = exceptions.PermissionDenied(str(exc))
    elif isinstance(exc, Stale):
        exc = PreconditionFailed(str(exc))
    elif isinstance(exc, Refusal):
        exc = exceptions.ValidationError({"non_field_errors": [str(exc)]})
    elif isinstance(exc, Http404):
        exc = exceptions.NotFound(_("There is no such object, or you may not see it."))
    elif isinstance(exc, DjangoPermissionDenied):
        message = str(exc) or _("You may not do this.")
        exc = exceptions.PermissionDenied(message)
    elif isinstance(exc, IntegrityError):
        log.warning("API write refused by the database: %s", exc)
        exc = Conflict()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        fields = _messages(exc.detail)
        if not isinstance(fields, dict):
            fields = {"non_field_errors": fields}
        general = fields.pop("non_field_errors", None)
        message = (
            general[0]
            if isinstance(general, list) and general
            else _("The request was refused: see the messages by field.")
        )
        body = {"code": "invalid", "message": str(message), "fields": fields}
        if general and len(general) > 1:
            body["messages"] = general
    else:
        detail = exc.detail if isinstance(exc, exceptions.APIException) else str(exc)
        body = {"code": _code(exc), "message": str(_messages(detail))}
    response.data = {"error": body}
    return response


# ── Lost updates ──


def etag_of(data) -> str:
    """A strong ETag of an object's representation: it changes when anything shown changes."""
    text = json.dumps(data, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return '"' + hashlib.sha256(text.encode()).hexdigest()[:32] + '"'


def require_match(request, current: str) -> None:
    sent = request.headers.get("If-Match")
    if not sent:
        raise PreconditionRequired()
    offered = {tag.strip().removeprefix("W/") for tag in sent.split(",")}
    if current.removeprefix("W/") not in offered:
        raise PreconditionFailed()


class StrictFields:
    """A serializer mixin: a field it does not know is an error, not silently dropped (a typo
    in a field name must not look like a successful change)."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(str(key)[:64] for key in data if key not in writable)
            if unknown:
                readonly = {name for name, field in self.fields.items() if field.read_only}
                raise serializers.ValidationError(
                    {
                        key: [
                            _("This field is read-only.")
                            if key in readonly
                            else _("There is no such field.")
                        ]
                        for key in unknown[:20]
                    }
                )
        return super().to_internal_value(data)


class BuiltOnce:
    """A ModelSerializer whose fields are built from the model once per class, then copied
    for each instance. DRF builds them anew for every serializer (reading the model's fields,
    their validators and choices), then deep-copies them: a millisecond or two of every API
    request, for the same result. A shallow copy is enough: binding a field to its serializer
    only sets attributes of the copy, and nothing else a request does changes a field (its
    queryset is cloned for each use)."""

    def get_fields(self):
        cls = type(self)
        built = cls.__dict__.get("_built_fields")
        if built is None:
            built = super().get_fields()
            cls._built_fields = built
        return {name: copy.copy(field) for name, field in built.items()}


class RegistrySerializer(BuiltOnce, StrictFields, serializers.ModelSerializer):
    """A registry item: written through the registry's save service (`pages.save`), never by
    `Model.save` here, so the form's rules, rights and history apply."""

    def __init__(self, *args, pages=None, **kwargs):
        self.pages = pages
        super().__init__(*args, **kwargs)

    def _save_through_pages(self, obj):
        request = self.context["request"]
        reason = getattr(request.auth, "history_reason", None)
        if reason:
            obj._change_reason = reason
        return self.pages.save(user=request.user, obj=obj)

    def create(self, validated_data):
        return self._save_through_pages(self.Meta.model(**validated_data))

    def update(self, instance, validated_data):
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self._save_through_pages(instance)


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "name", "kind", "size", "uploaded_at"]
        read_only_fields = fields


class ETagged:
    """A viewset mixin: `retrieve` sends the object's ETag, and `_locked` finds the object for
    a write, locks its row until the end of the transaction and matches If-Match against the
    object's ETag (so a client that read a stale copy is told). By default the ETag is a hash
    of what `serializer_class` shows of the object; `etag_for` may say otherwise."""

    def etag_for(self, obj, data=None) -> str:
        if data is None:
            data = type(self).serializer_class(obj, context=self.get_serializer_context()).data
        return etag_of(data)

    def retrieve(self, request, *args, **kwargs):
        obj = self.get_object()
        data = self.get_serializer(obj).data
        return Response(data, headers={"ETag": self.etag_for(obj, data)})

    def _locked(self):
        queryset = self.get_queryset().select_for_update(of=("self",))
        obj = get_object_or_404(queryset, pk=self.kwargs["pk"])
        require_match(self.request, self.etag_for(obj))
        return obj


# The body of an evidence upload: one multipart `file`.
FILE_UPLOAD = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
        "required": ["file"],
    }
}


class RegistryViewSet(ETagged, viewsets.ModelViewSet):
    """A registry's endpoint: list (cursor pages, the list's filters), read, create, change
    and delete, plus its evidence files (`attachments`). Subclasses set `pages` and
    `serializer_class`."""

    pages = None  # a core.registry_pages.RegistryPages
    # What a list's items read of related rows, when less than the page's `objects()` joins
    # (the page shows a carrier's district, the API only its zone): fewer rows to build.
    list_related: tuple[str, ...] | None = None
    pagination_class = SignedCursorPagination
    filter_backends = [DjangoFilterBackend]
    lookup_value_regex = r"[0-9]{1,18}"
    parser_classes = [LimitedJSONParser]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    @property
    def filterset_class(self):
        return self.pages.filterset_class

    def get_queryset(self):
        action = VIEW if self.request.method in ("GET", "HEAD", "OPTIONS") else CHANGE
        objects = self.pages.objects()
        if self.action == "list" and self.list_related is not None:
            objects = objects.select_related(None).select_related(*self.list_related)
        return self.pages.scope(objects, self.request.user, action).order_by("pk")

    def get_serializer(self, *args, **kwargs):
        kwargs.setdefault("context", self.get_serializer_context())
        cls = self.get_serializer_class()
        if issubclass(cls, RegistrySerializer):
            kwargs["pages"] = self.pages
        return cls(*args, **kwargs)

    def create(self, request, *args, **kwargs):
        with transaction.atomic():
            response = super().create(request, *args, **kwargs)
        response["ETag"] = etag_of(response.data)
        return response

    def update(self, request, *args, **kwargs):
        partial = kwargs.pop("partial", False)
        with transaction.atomic():
            obj = self._locked()
            serializer = self.get_serializer(obj, data=request.data, partial=partial)
            serializer.is_valid(raise_exception=True)
            serializer.save()
        data = self.get_serializer(self.pages.objects().get(pk=obj.pk)).data
        return Response(data, headers={"ETag": etag_of(data)})

    def destroy(self, request, *args, **kwargs):
        with transaction.atomic():
            obj = self._locked()
            reason = getattr(request.auth, "history_reason", None)
            if reason:
                obj._change_reason = reason
            self.pages.delete(user=request.user, obj=obj)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(methods=["GET"], responses=AttachmentSerializer(many=True))
    @extend_schema(
        methods=["POST"],
        request=FILE_UPLOAD,
        responses={201: AttachmentSerializer},
    )
    @action(
        detail=True,
        methods=["get", "post"],
        url_path="attachments",
        parser_classes=[LimitedMultiPartParser],
        serializer_class=AttachmentSerializer,
        filter_backends=[],
        pagination_class=None,
    )
    def attachments(self, request, pk=None):
        """GET: the item's evidence files (what is known of them, not their content). POST (a
        multipart `file`): attach one, for who may change the item."""
        obj = self.get_object()  # a POST reaches it only within the user's CHANGE scope
        if request.method == "GET":
            items = Attachment.objects.of(obj).defer("content").order_by("pk")
            return Response(AttachmentSerializer(items, many=True).data)
        upload = request.FILES.get("file")
        try:
            with transaction.atomic():
                attachment = evidence.attach(obj, upload, user=request.user)
        except evidence.EvidenceError as error:
            raise exceptions.ValidationError({"file": [str(error)]}) from None
        return Response(AttachmentSerializer(attachment).data, status=status.HTTP_201_CREATED)


@extend_schema(exclude=True)
@_api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"])
def not_found(request, *args, **kwargs):
    """Any path under /api/v1/ that names no endpoint: the API's 404, in its shape (never
    Django's HTML page, which a program cannot read)."""
    raise exceptions.NotFound(_("There is no such endpoint: see /api/v1/schema/."))


class OneObjectSchema(AutoSchema):
    """The schema of a `list` that answers one object holding its items (a plan's progress:
    `{"plan", "day", "results": […]}`), not an array of them."""

    def _is_list_view(self, serializer=None) -> bool:
        return False


def day_param(request, name: str = "day", *, default: dt.date) -> dt.date:
    """A YYYY-MM-DD query parameter, or `default` when it is absent; a 400 that names it else."""
    text = request.query_params.get(name)
    if not text:
        return default
    try:
        return dt.date.fromisoformat(text[:40])
    except ValueError:
        raise exceptions.ValidationError(
            {
                name: [
                    _("The day %(day)s is not a date of the form YYYY-MM-DD.") % {"day": text[:40]}
                ]
            }
        ) from None


# ── The schema ──

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "invalid"},
                "message": {"type": "string"},
                "fields": {
                    "type": "object",
                    "additionalProperties": {},
                    "description": "Each refused field with its messages.",
                },
                "messages": {"type": "array", "items": {"type": "string"}},
            },
        }
    },
}
_ERRORS = {
    "400": "The request was refused: wrong or missing values (see `fields`).",
    "401": "No token, or one that is unknown, expired or revoked.",
    "403": "The user, or the token, may not do this.",
    "404": "No such object, or one the user may not see.",
    "412": "If-Match does not match the object's ETag: it changed since it was read.",
    "413": "The body is too large.",
    "415": "The body is not JSON (or multipart, for a file).",
    "428": "If-Match is missing.",
    "429": "Too many requests for this token: wait and try again.",
}


def document_errors(result, generator, request, public):
    """drf-spectacular post-processing: every operation may answer with the one error shape."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            codes = ["400", "401", "403", "404", "429"]
            parameters = operation.get("parameters", [])
            if any(p.get("name") == "If-Match" for p in parameters if isinstance(p, dict)):
                codes += ["412", "428"]
            elif method in ("put", "patch", "delete"):
                codes += ["412", "428"]
                operation.setdefault("parameters", []).append(
                    {
                        "name": "If-Match",
                        "in": "header",
                        "required": True,
                        "schema": {"type": "string"},
                        "description": "The ETag the object was read with.",
                    }
                )
            if method in ("post", "put", "patch"):
                codes += ["413", "415"]
            for code in codes:
                operation["responses"].setdefault(
                    code, {"description": _ERRORS[code], "content": reference}
                )
            operation["responses"].setdefault(
                "default", {"description": "An error, in the same shape.", "content": reference}
            )
    return result
