"""What core keeps: evidence files on any registry item (photos, contracts, PDFs), and uploads
waiting between an import's preview and its commit.

A registry item is named by its content type and primary key, so every registry gets
attachments without a table of its own and core imports none of them. The file is kept in the
database, so the file and its row are written (or not) in one transaction and backed up
together; sizes are bounded by ZONEPLAN_EVIDENCE_MAX_BYTES (core.evidence checks the type).
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class AttachmentQuerySet(models.QuerySet):
    def of(self, obj) -> "AttachmentQuerySet":
        return self.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)


class StoredFile(models.Model):
    """A file kept in the database with who uploaded it and when (core.evidence checks it)."""

    name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=10)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content = models.BinaryField(_("content"), blank=True, default=b"")
    # Set when the bytes are in the file store instead of `content` (core.files).
    stored_as = models.CharField(_("stored as"), max_length=300, blank=True, default="")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name


class Attachment(StoredFile):
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE)
    object_id = models.PositiveBigIntegerField()

    objects = AttachmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("evidence file")
        verbose_name_plural = _("evidence files")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["content_type", "object_id"])]


class StagedUpload(models.Model):
    """An uploaded workbook between the import preview and its commit (core.uploads). In the
    database, so a preview on one app server is committed on another, or by a task worker."""

    token = models.CharField(max_length=64, unique=True)
    user_id = models.BigIntegerField()
    registry = models.CharField(max_length=60)
    filename = models.CharField(max_length=200)
    sha256 = models.CharField(max_length=64)
    rows = models.PositiveIntegerField(default=0)  # data rows the preview found
    content = models.BinaryField(blank=True, default=b"")
    stored_as = models.CharField(max_length=300, blank=True, default="")  # core.files
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("staged upload")
        verbose_name_plural = _("staged uploads")

    def __str__(self) -> str:
        return self.filename
