"""The entry form in Excel: downloaded, filled, uploaded; a wrong or hostile file says why and
writes nothing."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import Submission
from reporting.services import open_submission
from reporting.tests.factories import last_month_end, make_data_set
from territory.models import Unit


@pytest.fixture
def submission(db):
    ds = make_data_set((("output", "产值", "money"), ("occupancy", "入驻率", "ratio")))
    return open_submission(ds, Unit.objects.get(code="z-new-economy"), last_month_end())


def _filled(client, submission, **values):
    wb = openpyxl.load_workbook(
        io.BytesIO(client.get(reverse("submission_workbook", args=[submission.pk])).content)
    )
    ws = wb.active
    for row in ws.iter_rows(min_row=3):
        if row[0].value in values:
            row[3].value = values[row[0].value]
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _upload(client, submission, content, name="form.xlsx"):
    return client.post(
        reverse("submission_page", args=[submission.pk]),
        {"step": "upload", "version": 0, "file": SimpleUploadedFile(name, content)},
    )


def test_the_downloaded_form_filled_in_excel_saves_the_values(login, submission):
    client = login("xinjingji")
    content = _filled(client, submission, output="12.5万", occupancy=0.85)
    assert _upload(client, submission, content).status_code == 302
    saved = dict(Submission.objects.get().values.values_list("indicator__code", "value"))
    assert saved == {"output": 125000, "occupancy": Decimal("0.85")}
    assert (
        login("bailuwan").get(reverse("submission_workbook", args=[submission.pk])).status_code
        == 404
    )


@pytest.mark.parametrize(
    ("content", "name", "message"),
    [
        (b"", "form.xlsx", "文件是空的"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "form.xls", "旧版 Excel"),
        (b"MZ\x90\x00 not a workbook", "form.xlsx", "不是 Excel"),
        ("指标代码,指标,计量,数值\noutput,产值,金额,一百\n".encode(), "form.csv", "不是数字"),
        (
            "指标代码,指标,计量,数值\nprofit,利润,金额,5\n".encode(),
            "form.csv",
            "报表中没有指标：profit",
        ),
        ("指标代码,指标,计量,数值\noutput,,,5\noutput,,,6\n".encode(), "form.csv", "重复出现"),
        (b"code,value\noutput,5\n", "form.csv", "找不到表头"),
    ],
)
def test_a_wrong_or_hostile_file_says_why_and_writes_nothing(
    login, submission, content, name, message
):
    response = _upload(login("xinjingji"), submission, content, name)
    assert response.status_code == 400 and message in response.content.decode()
    fresh = Submission.objects.get()
    assert fresh.version == 0 and not fresh.values.exists()


def test_an_oversized_file_is_refused(login, submission, settings):
    settings.ZONEPLAN_IMPORT_MAX_BYTES = 1024
    response = _upload(login("xinjingji"), submission, b"x" * 2048)
    assert response.status_code == 400 and "文件过大" in response.content.decode()


def test_uploading_without_a_file_says_so(login, submission):
    response = login("xinjingji").post(
        reverse("submission_page", args=[submission.pk]), {"step": "upload", "version": 0}
    )
    assert response.status_code == 400 and "请选择填好的填报表" in response.content.decode()
