"""Evidence files on an opportunity: attached by those who issue it, read by those who see it
inside, never on the portal; a wrong, missing, disguised or oversized file is refused with
its reason and nothing is kept."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from core.models import Attachment
from opportunities.services import save_draft

from .conftest import content
from .test_portal import publish

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _attach(client, opportunity, data=PDF, name="场景方案.pdf"):
    url = reverse("opportunity_attach", args=[opportunity.pk])
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, follow=True)


def test_the_issuer_attaches_a_file_those_above_read_it_and_the_portal_never_shows_it(
    login, zones, users
):
    opportunity = publish(users, zones["mine"])
    page = _attach(login("xinjingji"), opportunity).content.decode()
    assert "场景方案.pdf" in page
    attachment = Attachment.objects.of(opportunity).get()
    assert (attachment.kind, attachment.size, attachment.uploaded_by) == (
        "pdf",
        len(PDF),
        users["xinjingji"],
    )
    district = login("gaoxin")
    download = district.get(reverse("opportunity_attachment", args=[opportunity.pk, attachment.pk]))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Disposition"].startswith("attachment")
    assert 'id="attach-form"' in district.get(f"/opportunities/{opportunity.pk}/").content.decode()
    public = Client().get(f"/open/opportunities/{opportunity.pk}/").content.decode()
    assert "场景方案.pdf" not in public and "/files/" not in public


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"MZ\x90\x00 an executable", "方案.pdf", "不支持的文件类型"),
        (b"<script>alert(1)</script>", "<img src=x onerror=alert(1)>.png", "不支持的文件类型"),
        (b"", "空文件.pdf", "文件是空的"),
    ],
)
def test_a_wrong_or_disguised_file_is_refused_with_its_reason(
    login, zones, users, data, name, message
):
    opportunity = save_draft(
        user=users["xinjingji"], unit=zones["mine"], values=content()
    ).opportunity
    page = _attach(login("xinjingji"), opportunity, data, name).content.decode()
    assert message in page and "onerror=alert" not in page
    assert not Attachment.objects.exists()


def test_no_file_and_an_oversized_file_are_refused(login, zones, users, settings):
    opportunity = save_draft(
        user=users["xinjingji"], unit=zones["mine"], values=content()
    ).opportunity
    client = login("xinjingji")
    page = client.post(reverse("opportunity_attach", args=[opportunity.pk]), follow=True)
    assert "请选择要上传的文件" in page.content.decode()
    settings.ZONEPLAN_EVIDENCE_MAX_BYTES = 1024
    page = _attach(client, opportunity, PDF + b" " * 2000).content.decode()
    assert "文件过大（2 KB，上限 1 KB）" in page
    assert not Attachment.objects.exists()


def test_an_officer_of_another_zone_can_neither_attach_nor_read(login, zones, users):
    opportunity = publish(users, zones["mine"])
    _attach(login("xinjingji"), opportunity)
    attachment = Attachment.objects.get()
    outsider = login("bailuwan")
    assert _attach(outsider, opportunity, name="别人的.pdf").status_code == 404
    url = reverse("opportunity_attachment", args=[opportunity.pk, attachment.pk])
    assert outsider.get(url).status_code == 404
    assert Attachment.objects.count() == 1
    # A file of another item is not reached through this opportunity's address.
    other = publish(users, zones["mine"], title="另一条机会")
    wrong = reverse("opportunity_attachment", args=[other.pk, attachment.pk])
    assert login("xinjingji").get(wrong).status_code == 404
