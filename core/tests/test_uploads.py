"""An upload waiting between preview and commit is kept in the database, bound to its user and
registry, for a day, and refused when its content no longer matches what was staged — so the
commit may reach any app server, or a task worker."""

import datetime as dt

from django.utils import timezone

from core import uploads
from core.models import StagedUpload

DATA = b"PK\x03\x04 a workbook"


def test_a_staged_upload_is_fetched_by_its_user_and_registry_only(db):
    staged = uploads.stage(DATA, filename="载体.xlsx", user_id=7, registry="carriers")
    found = uploads.fetch(staged.token, user_id=7, registry="carriers")
    assert found.data == DATA and found.filename == "载体.xlsx"
    assert uploads.fetch(staged.token, user_id=8, registry="carriers") is None
    assert uploads.fetch(staged.token, user_id=7, registry="platforms") is None
    assert uploads.fetch("not a token!", user_id=7, registry="carriers") is None


def test_it_lives_in_the_database_not_on_this_servers_disk(db):
    staged = uploads.stage(DATA, filename="a.xlsx", user_id=7, registry="carriers")
    assert bytes(StagedUpload.objects.get(token=staged.token).content) == DATA


def test_an_expired_or_altered_upload_is_refused_and_swept(db):
    old = uploads.stage(DATA, filename="a.xlsx", user_id=7, registry="carriers")
    StagedUpload.objects.filter(token=old.token).update(
        created_at=timezone.now() - dt.timedelta(days=1, minutes=1)
    )
    assert uploads.fetch(old.token, user_id=7, registry="carriers") is None
    altered = uploads.stage(DATA, filename="b.xlsx", user_id=7, registry="carriers")
    StagedUpload.objects.filter(token=altered.token).update(content=b"something else")
    assert uploads.fetch(altered.token, user_id=7, registry="carriers") is None
    uploads.stage(DATA, filename="c.xlsx", user_id=7, registry="carriers")  # sweeps the old one
    assert not StagedUpload.objects.filter(token=old.token).exists()


def test_a_committed_upload_is_discarded(db):
    staged = uploads.stage(DATA, filename="a.xlsx", user_id=7, registry="carriers")
    uploads.discard(staged.token)
    assert not StagedUpload.objects.exists()
