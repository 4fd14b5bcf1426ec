"""Evidence files (photos, contracts, PDFs) attached to a submission. The type is read from
the content, never from the name: a program renamed .pdf is refused."""

from __future__ import annotations

import zipfile
from io import BytesIO

from django.conf import settings

# (kind, label, extensions the name may carry)
KINDS = {
    "jpeg": ("JPEG 图片", (".jpg", ".jpeg")),
    "png": ("PNG 图片", (".png",)),
    "pdf": ("PDF 文件", (".pdf",)),
    "docx": ("Word 文档", (".docx",)),
    "xlsx": ("Excel 表格", (".xlsx",)),
}
ALLOWED = "JPEG、PNG、PDF、Word（.docx）或 Excel（.xlsx）"


class EvidenceError(ValueError):
    """A file that is not accepted; the message is for the officer."""


def kind_of(data: bytes, filename: str) -> str:
    """The file's kind from its first bytes, checked against its name's extension."""
    limit = settings.ZONEPLAN_EVIDENCE_MAX_BYTES
    if not data:
        raise EvidenceError("文件是空的")
    if len(data) > limit:
        raise EvidenceError(f"文件过大（上限 {limit / 1024 / 1024:.0f} MB）")
    if data.startswith(b"\xff\xd8\xff"):
        kind = "jpeg"
    elif data.startswith(b"\x89PNG\r\n\x1a\n"):
        kind = "png"
    elif data.startswith(b"%PDF-"):
        kind = "pdf"
    elif data.startswith(b"PK\x03\x04"):
        kind = _office_kind(data)
    else:
        raise EvidenceError(f"不支持的文件类型：请上传 {ALLOWED}")
    name = filename.lower()
    if not name.endswith(KINDS[kind][1]):
        raise EvidenceError(
            f"文件内容是{KINDS[kind][0]}，与文件名“{filename[:60]}”的扩展名不符，已拒绝"
        )
    return kind


def _office_kind(data: bytes) -> str:
    try:
        names = set(zipfile.ZipFile(BytesIO(data)).namelist())
    except (zipfile.BadZipFile, ValueError):
        raise EvidenceError("压缩格式的文件已损坏") from None
    if "[Content_Types].xml" in names and any(n.startswith("word/") for n in names):
        return "docx"
    if "[Content_Types].xml" in names and any(n.startswith("xl/") for n in names):
        return "xlsx"
    raise EvidenceError(f"不支持的文件类型：请上传 {ALLOWED}")
