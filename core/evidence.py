"""Evidence files (photos, contracts, PDFs) attached to a submission or a registry item. The
type is read from the content, never from the name: a program renamed .pdf is refused."""

from __future__ import annotations

import zipfile
from io import BytesIO
from pathlib import PurePath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import files

# (kind, label, extensions the name may carry)
KINDS = {
    "jpeg": (gettext_lazy("a JPEG image"), (".jpg", ".jpeg")),
    "png": (gettext_lazy("a PNG image"), (".png",)),
    "pdf": (gettext_lazy("a PDF file"), (".pdf",)),
    "docx": (gettext_lazy("a Word document"), (".docx",)),
    "xlsx": (gettext_lazy("an Excel workbook"), (".xlsx",)),
}


def _unsupported() -> str:
    return _(
        "This kind of file is not accepted: upload JPEG, PNG, PDF, Word (.docx) or Excel (.xlsx)"
    )


def size_text(size: int) -> str:
    """A size as an officer reads it: 20 MB, 1.5 MB, 800 KB."""
    if size >= 1024 * 1024:
        return f"{size / 1024 / 1024:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


class EvidenceError(ValueError):
    """A file that is not accepted; the message is for the officer."""


def kind_of(data: bytes, filename: str) -> str:
    """The file's kind from its first bytes, checked against its name's extension."""
    limit = settings.ZONEPLAN_EVIDENCE_MAX_BYTES
    if not data:
        raise EvidenceError(_("The file is empty"))
    if len(data) > limit:
        raise EvidenceError(
            _("The file is too large (at most %(limit)s)") % {"limit": size_text(limit)}
        )
    if data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data)
    else:
        raise EvidenceError(_unsupported())
    name = filename.lower()
    if not name.endswith(KINDS[kind][1]):
        raise EvidenceError(
            _("The file holds %(kind)s, which its name “%(name)s” does not end as: refused")
            % {"kind": KINDS[kind][0], "name": filename[:60]}
        )
    return kind


def _office_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        raise EvidenceError(_("The compressed file is damaged")) from None
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise EvidenceError(_unsupported())


def read_upload(upload) -> tuple[bytes, str]:
    """An uploaded file's bytes and kind; the size is checked before anything is read."""
    limit = settings.ZONEPLAN_EVIDENCE_MAX_BYTES
    if upload is None:
        raise EvidenceError(_("Choose a file to upload"))
    if upload.size > limit:
        raise EvidenceError(
            _("The file is too large (%(size)s, at most %(limit)s)")
            % {"size": size_text(upload.size), "limit": size_text(limit)}
        )
    data = upload.read()
    return data, kind_of(data, upload.name or "")


MAX_PER_OBJECT = 50


def attach(obj, upload, *, user):
    """Attach an evidence file to a registry item (the caller has checked the user may change
    it). Nothing is written when the file is refused."""
    from .models import Attachment

    if Attachment.objects.of(obj).count() >= MAX_PER_OBJECT:
        raise EvidenceError(_("An item has at most %(count)d files") % {"count": MAX_PER_OBJECT})
    data, kind = read_upload(upload)
    try:
        with files.kept("evidence", data) as holding:
            return Attachment.objects.create(
                content_type=ContentType.objects.get_for_model(obj),
                object_id=obj.pk,
                name=PurePath(upload.name).name[-200:],
                kind=kind,
                size=len(data),
                uploaded_by=user,
                **holding,
            )
    except files.StorageUnavailable as error:
        raise EvidenceError(str(error)) from None


def download(name: str, content: bytes) -> HttpResponse:
    """A stored file, always as a download (never shown inline, so a crafted file cannot run
    in the page's origin)."""
    response = HttpResponse(bytes(content), content_type="application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, name)
    response["X-Content-Type-Options"] = "nosniff"
    return response
