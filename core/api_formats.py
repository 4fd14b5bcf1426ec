"""The wire formats of the REST API: the limits on request bodies and the signed cursor pages
(core.api explains both). Kept apart from core.api because DRF's settings name these classes,
and DRF's views read those settings when they are imported."""

from __future__ import annotations

import base64
import io
from urllib import parse

from django.conf import settings
from django.core import signing
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import exceptions, pagination, parsers, status


class BodyTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "body_too_large"


class InvalidCursor(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_cursor"
    default_detail = gettext_lazy(
        "This page cursor is not one the API gave out: follow the “next” and “previous” links "
        "as they are."
    )


# ── Bodies ──


class LimitedJSONParser(parsers.JSONParser):
    """JSON bodies up to ZONEPLAN_API_MAX_BODY_BYTES, read no further than that."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.ZONEPLAN_API_MAX_BODY_BYTES
        request = (parser_context or {}).get("request")
        declared = request.headers.get("content-length") if request is not None else None
        if declared and declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        data = stream.read(limit + 1) if stream is not None else b""
        if len(data) > limit:
            raise _too_large(limit)
        if not data.strip():
            raise exceptions.ParseError(_("The request has no JSON body."))
        return super().parse(io.BytesIO(data), media_type, parser_context)


def _too_large(limit: int) -> BodyTooLarge:
    return BodyTooLarge(
        _("The request body is larger than %(size)s KB: send fewer or smaller values.")
        % {"size": f"{limit // 1024:,}"}
    )


class LimitedMultiPartParser(parsers.MultiPartParser):
    """An evidence file, refused before it is read when the body is larger than a file may be."""

    def parse(self, stream, media_type=None, parser_context=None):
        limit = settings.ZONEPLAN_EVIDENCE_MAX_BYTES + 64 * 1024  # the file and its headers
        request = (parser_context or {}).get("request")
        declared = request.headers.get("content-length", "") if request is not None else ""
        if declared.isdigit() and int(declared) > limit:
            raise _too_large(limit)
        return super().parse(stream, media_type, parser_context)


# ── Pages ──


class SignedCursorPagination(pagination.CursorPagination):
    """Cursor pages (stable while rows are added) in the order of creation, `page_size` up to
    `max_page_size`. The cursor is signed with the site's key."""

    page_size = 100
    page_size_query_param = "page_size"
    max_page_size = 500
    ordering = ("pk",)
    _signer = signing.Signer(salt="zoneplan.api.cursor")

    def encode_cursor(self, cursor):
        url = super().encode_cursor(cursor)
        parts = parse.urlsplit(url)
        query = parse.parse_qs(parts.query, keep_blank_values=True)
        raw = query[self.cursor_query_param][0]
        query[self.cursor_query_param] = [self._signer.sign(raw)]
        return parse.urlunsplit(parts._replace(query=parse.urlencode(query, doseq=True)))

    def decode_cursor(self, request):
        signed = request.query_params.get(self.cursor_query_param)
        if not signed:
            return None
        try:
            raw = self._signer.unsign(signed)
            tokens = parse.parse_qs(base64.b64decode(raw.encode("ascii")).decode("ascii"))
            offset = int(tokens.get("o", ["0"])[0])
            reverse = bool(int(tokens.get("r", ["0"])[0]))
            position = tokens.get("p", [None])[0]
        except (signing.BadSignature, TypeError, ValueError, UnicodeError):
            raise InvalidCursor() from None
        offset = max(0, min(offset, self.offset_cutoff))
        return pagination.Cursor(offset=offset, reverse=reverse, position=position)

    def get_page_size(self, request):
        value = request.query_params.get(self.page_size_query_param)
        if value is None:
            return self.page_size
        if not value.isdigit() or not 1 <= int(value) <= self.max_page_size:
            raise exceptions.ValidationError(
                {
                    self.page_size_query_param: [
                        _("A page holds from 1 to %(most)d items.") % {"most": self.max_page_size}
                    ]
                }
            )
        return int(value)
