"""Evidence files: the type is read from the content; disguised, oversized and unwanted files
are refused with a message and nothing is stored; only those in scope can download."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import Evidence
from reporting.services import open_submission
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit

PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def submission(db):
    return open_submission(
        make_data_set(), Unit.objects.get(code="z-new-economy"), last_month_end()
    )


def _attach(client, submission, content, name):
    return client.post(
        reverse("submission_page", args=[submission.pk]),
        {"step": "evidence", "version": 0, "evidence": SimpleUploadedFile(name, content)},
    )


def _xlsx() -> bytes:
    out = io.BytesIO()
    openpyxl.Workbook().save(out)
    return out.getvalue()


def test_a_pdf_a_photo_and_a_workbook_are_attached_and_downloaded_in_scope(login, submission):
    client = login("xinjingji")
    for content, name in ((PDF, "合同.pdf"), (PNG, "现场照片.png"), (_xlsx(), "明细.xlsx")):
        assert _attach(client, submission, content, name).status_code == 302
    assert list(Evidence.objects.values_list("kind", flat=True)) == ["pdf", "png", "xlsx"]
    first = Evidence.objects.get(kind="pdf")
    url = reverse("evidence_file", args=[submission.pk, first.pk])
    response = login("gaoxin").get(url)
    assert response.content == PDF and "attachment" in response["Content-Disposition"]
    assert login("bailuwan").get(url).status_code == 404
    assert (
        "合同.pdf"
        in login("gaoxin").get(reverse("submission_page", args=[submission.pk])).content.decode()
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"MZ\x90\x00\x03" + b"\0" * 64, "合同.pdf", "不支持的文件类型"),  # a program renamed .pdf
        (PNG, "合同.pdf", "与文件名“合同.pdf”的扩展名不符"),
        (PDF, "invoice.pdf.exe", "扩展名不符"),
        (b"<html><script>alert(1)</script></html>", "a.html", "不支持的文件类型"),
        (b"PK\x03\x04broken", "a.docx", "已损坏"),
        (b"", "a.pdf", "文件是空的"),
    ],
)
def test_a_disguised_or_unwanted_file_is_refused_and_nothing_is_stored(
    login, submission, content, name, message
):
    response = _attach(login("xinjingji"), submission, content, name)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Evidence.objects.exists()


def test_oversized_files_and_outsiders_are_refused(login, submission, settings):
    settings.ZONEPLAN_EVIDENCE_MAX_BYTES = 1024
    response = _attach(login("xinjingji"), submission, PDF + b"\0" * 2000, "big.pdf")
    assert response.status_code == 400 and "文件过大" in response.content.decode()
    assert _attach(login("gaoxin"), submission, PDF, "a.pdf").status_code == 400  # reviews only
    assert _attach(login("bailuwan"), submission, PDF, "a.pdf").status_code == 404
    assert not Evidence.objects.exists()
