"""ZONEPLAN_STORAGE moves the bytes of evidence files and staged uploads out of their rows into
a file store: a folder every server shares, or an S3-compatible store through django-storages
(here moto's S3 server, run as a separate process and spoken to over HTTP as any S3 store
would be). Through the pages: a file attached is in the store and not in its row, downloads
come back whole, an import previewed is committed from the store, deleting an item removes its
file, a store that cannot be reached is a clear refusal that writes nothing, and a backup
carries the stored files and restores them."""

from __future__ import annotations

import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from carriers.tests.test_carrier_import import GOOD_ROWS, token_of, upload, xlsx
from conftest import free_port, process_env
from core import backup, files
from core.models import Attachment, StagedUpload
from territory.models import Unit

from .factories import registry_items

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n" + b"x" * 5000
BUCKET = "zoneplan-test-files"


@pytest.fixture(scope="module")
def s3_server():
    port = free_port()
    process = subprocess.Popen(
        [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)],
        env=process_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    import boto3

    client = boto3.client(
        "s3", endpoint_url=url, aws_access_key_id="test", aws_secret_access_key="test",
        region_name="us-east-1",
    )  # fmt: skip
    deadline = time.monotonic() + 30
    while True:
        try:
            client.create_bucket(Bucket=BUCKET)
            break
        except Exception:
            if time.monotonic() > deadline:
                process.kill()
                raise
            time.sleep(0.3)
    yield url, client
    process.terminate()
    process.wait(10)


@pytest.fixture(params=["filesystem", "s3"])
def store(request, settings, tmp_path):
    """The settings for one kind of store, and a way to list what it holds."""
    if request.param == "filesystem":
        folder = tmp_path / "shared"
        entry = {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        }

        def held() -> dict[str, bytes]:
            return {
                str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()
            }
    else:
        url, client = request.getfixturevalue("s3_server")
        prefix = f"t{time.monotonic_ns()}"
        entry = {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": BUCKET, "endpoint_url": url, "access_key": "test",
                "secret_key": "test", "region_name": "us-east-1", "location": prefix,
                "default_acl": None, "file_overwrite": False, "addressing_style": "path",
            },
        }  # fmt: skip

        def held() -> dict[str, bytes]:
            listed = client.list_objects_v2(Bucket=BUCKET, Prefix=f"{prefix}/")
            return {
                o["Key"].removeprefix(f"{prefix}/"): client.get_object(Bucket=BUCKET, Key=o["Key"])[
                    "Body"
                ].read()
                for o in listed.get("Contents", [])
            }

    settings.ZONEPLAN_STORAGE = request.param
    settings.STORAGES = settings.STORAGES | {files.STORE: entry}
    return held


@pytest.fixture
def item(db):
    return registry_items(Unit.objects.get(code="z-new-economy"))["service"]


def _attach(client, item, data=PDF, name="入驻合同.pdf"):
    payload = io.BytesIO(data)
    payload.name = name
    return client.post(reverse("service_attach", args=[item.pk]), {"file": payload}, follow=True)


def test_an_attached_file_lives_in_the_store_and_downloads_whole(login, store, item):
    assert "已上传附件：入驻合同.pdf" in _attach(login("xinjingji"), item).content.decode()
    attachment = Attachment.objects.of(item).get()
    assert attachment.stored_as.startswith("evidence/") and bytes(attachment.content) == b""
    assert store() == {attachment.stored_as: PDF}
    download = login("gaoxin").get(reverse("service_attachment", args=[item.pk, attachment.pk]))
    assert download.status_code == 200 and download.content == PDF


def test_deleting_the_item_removes_its_file_from_the_store(
    login, store, item, django_capture_on_commit_callbacks
):
    client = login("xinjingji")
    _attach(client, item)
    assert len(store()) == 1
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("service_delete", args=[item.pk]))
    assert not Attachment.objects.exists() and store() == {}


def test_an_import_is_staged_in_the_store_and_committed_from_it(login, store, db):
    client = login("xinjingji")
    token = token_of(upload(client, xlsx(GOOD_ROWS)))
    staged = StagedUpload.objects.get(token=token)
    assert staged.stored_as.startswith("staged/") and list(store()) == [staged.stored_as]
    response = client.post(reverse("carrier_import_commit", args=[token]), follow=True)
    assert "已导入" in response.content.decode()
    assert not StagedUpload.objects.filter(token=token).exists()


def test_a_store_that_cannot_be_reached_refuses_clearly_and_writes_nothing(
    login, settings, item, tmp_path
):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the store's folder should be")
    settings.ZONEPLAN_STORAGE = "filesystem"
    settings.STORAGES = settings.STORAGES | {
        files.STORE: {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(blocked)},
        }
    }
    client = login("xinjingji")
    page = _attach(client, item).content.decode()
    assert "文件存储暂时无法访问" in page and not Attachment.objects.exists()
    response = upload(client, xlsx(GOOD_ROWS))
    assert response.status_code == 503 and "文件存储暂时无法访问" in response.content.decode()
    assert not StagedUpload.objects.exists()


def test_a_backup_carries_the_stored_files_and_restores_them_into_the_rows(
    loaded_data, login, store, tmp_path, settings
):
    # A restore replaces the database in its own transaction: not inside a test's.
    from investment.models import InvestmentProject

    item = InvestmentProject.objects.create(
        zone=Unit.objects.get(code="z-new-economy"), name="备份项目", tier="core_supplier"
    )
    payload = io.BytesIO(PDF)
    payload.name = "入驻合同.pdf"
    login("xinjingji").post(reverse("project_attach", args=[item.pk]), {"file": payload})
    attachment = Attachment.objects.of(item).get()
    path = tmp_path / "backup.zip"
    backup.backup(path)
    manifest = backup.check(path)
    assert [(f["model"], f["pk"]) for f in manifest["files"]] == [
        ("core.Attachment", attachment.pk)
    ]
    with zipfile.ZipFile(path) as zf:
        assert zf.read(f"files/core.Attachment/{attachment.pk}") == PDF
    settings.ZONEPLAN_STORAGE = "database"  # restored where the files are kept in their rows
    backup.restore(path, force=True)
    restored = Attachment.objects.get(pk=attachment.pk)
    assert restored.stored_as == "" and bytes(restored.content) == PDF


def test_a_backup_whose_stored_file_was_altered_is_refused(login, store, item, tmp_path):
    _attach(login("xinjingji"), item)
    attachment = Attachment.objects.of(item).get()
    path = tmp_path / "backup.zip"
    backup.backup(path)
    altered = tmp_path / "altered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(altered, "w") as target:
        for member in source.namelist():
            data = source.read(member)
            target.writestr(member, b"tampered" if member.startswith("files/") else data)
    with pytest.raises(backup.BackupRefused, match=f"core.Attachment {attachment.pk}"):
        backup.check(altered)
