"""Word documents (.docx) the platform writes: briefings, assessment reports, attraction
lists. One place sets the body font, so every document reads the same in Chinese."""

from __future__ import annotations

import io

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def new_document():
    """A blank document whose body text is 10.5 pt, in 宋体 for Chinese."""
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Sans CJK SC"
    style.font.size = Pt(10.5)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")
    return document


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
