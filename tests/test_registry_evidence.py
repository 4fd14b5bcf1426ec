"""Evidence files on registry items (photos, contracts, PDFs), checked on every registry: the
zone's officer attaches one and anyone who may see the item downloads it; a viewer cannot
attach; a disguised, oversized or missing file is refused with a message and nothing is
written; deleting the item deletes its files."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from core.models import Attachment
from territory.models import Unit

from .factories import REGISTRY_KEYS, registry_items

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def items(db):
    return registry_items(Unit.objects.get(code="z-new-economy"))


def _file(data: bytes, name: str):
    upload = io.BytesIO(data)
    upload.name = name
    return upload


def _attach(client, prefix, item, data=PDF, name="入驻合同.pdf"):
    url = reverse(f"{prefix}_attach", args=[item.pk])
    payload = {"file": _file(data, name)} if data is not None else {}
    return client.post(url, payload, follow=True)


@pytest.mark.parametrize("prefix", REGISTRY_KEYS)
def test_an_officer_attaches_a_contract_and_a_colleague_downloads_it(login, items, prefix):
    item = items[REGISTRY_KEYS[prefix]]
    page = _attach(login("xinjingji"), prefix, item).content.decode()
    assert "已上传附件：入驻合同.pdf" in page
    attachment = Attachment.objects.of(item).get()
    assert attachment.kind == "pdf" and attachment.size == len(PDF)
    card = page[page.index('id="object-attachments"') :]
    assert "入驻合同.pdf" in card[: card.index("</form>") if "</form>" in card else None]

    download = login("gaoxin").get(reverse(f"{prefix}_attachment", args=[item.pk, attachment.pk]))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert download["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("prefix", REGISTRY_KEYS)
def test_a_viewer_cannot_attach_and_sees_no_upload_form(login, items, prefix):
    item = items[REGISTRY_KEYS[prefix]]
    viewer = login("viewer")
    response = viewer.post(
        reverse(f"{prefix}_attach", args=[item.pk]), {"file": _file(PDF, "合同.pdf")}
    )
    assert response.status_code in (403, 404)
    assert not Attachment.objects.exists()
    detail = viewer.get(reverse(f"{prefix}_detail", args=[item.pk])).content.decode()
    assert 'name="file"' not in detail


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00" + b"\x00" * 100, "合同.pdf", "不支持的文件类型"),  # a program renamed
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "照片.pdf", "与文件名“照片.pdf”的扩展名不符"),
        (b"", "空.pdf", "文件是空的"),
        (None, "", "请选择要上传的文件"),
        (b"PK\x03\x04not really a zip", "合同.docx", "压缩格式的文件已损坏"),
    ],
    ids=["program", "disguised", "empty", "missing", "broken-zip"],
)
@pytest.mark.parametrize("prefix", ["carrier", "enterprise"])
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_written(
    login, items, prefix, data, name, message
):
    item = items[REGISTRY_KEYS[prefix]]
    page = _attach(login("xinjingji"), prefix, item, data, name).content.decode()
    assert "附件未上传：" in page and message in page
    assert not Attachment.objects.exists()


def test_an_oversized_file_is_refused_before_it_is_read(login, items, settings):
    settings.ZONEPLAN_EVIDENCE_MAX_BYTES = 1024
    page = _attach(
        login("xinjingji"), "carrier", items["carrier"], PDF + b" " * 2000
    ).content.decode()
    assert "文件过大（2 KB，上限 1 KB）" in page
    assert not Attachment.objects.exists()


def test_more_than_fifty_files_on_one_item_are_refused(login, items):
    client = login("xinjingji")
    for n in range(50):
        _attach(client, "project", items["project"], name=f"照片{n}.pdf")
    page = _attach(client, "project", items["project"], name="第51个.pdf").content.decode()
    assert "每条记录最多 50 个附件" in page
    assert Attachment.objects.of(items["project"]).count() == 50


def test_an_officer_of_another_zone_cannot_attach_or_download(login, items):
    _attach(login("xinjingji"), "carrier", items["carrier"])
    attachment = Attachment.objects.get()
    outsider = login("bailuwan")
    assert (
        outsider.post(
            reverse("carrier_attach", args=[items["carrier"].pk]), {"file": _file(PDF, "x.pdf")}
        ).status_code
        == 404
    )
    assert (
        outsider.get(
            reverse("carrier_attachment", args=[items["carrier"].pk, attachment.pk])
        ).status_code
        == 404
    )
    assert Attachment.objects.count() == 1


def test_a_file_is_only_reached_through_its_own_item(login, items):
    _attach(login("xinjingji"), "carrier", items["carrier"])
    attachment = Attachment.objects.get()
    other = items["platform"]  # same zone, different item
    response = login("xinjingji").get(
        reverse("platform_attachment", args=[other.pk, attachment.pk])
    )
    assert response.status_code == 404


def test_deleting_an_item_deletes_its_files(login, items):
    client = login("xinjingji")
    _attach(client, "project", items["project"])
    assert Attachment.objects.count() == 1
    client.post(reverse("project_delete", args=[items["project"].pk]))
    assert not Attachment.objects.exists()
