"""The draft's rendered PDF, kept once per version of the draft (docs/signing.md, "The
signing step"): the sign page, its preview and `prepare` read the same bytes.

Numbered 0006 because another change of the signing room adds 0005 at the same time; it
depends on the latest migration that existed when it was written (0004)."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import onewindow.signing.models


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0002_append_only_triggers"),
        ("signing", "0005_issueddocument_request_key"),
    ]

    operations = [
        migrations.CreateModel(
            name="DraftRendition",
            fields=[
                (
                    "id",
                    models.UUIDField(
                        default=uuid.uuid4, editable=False, primary_key=True, serialize=False
                    ),
                ),
                (
                    "version",
                    models.CharField(max_length=64, verbose_name="draft version (SHA-256)"),
                ),
                ("key", models.CharField(max_length=64, verbose_name="rendition key (SHA-256)")),
                (
                    "attachment_ids",
                    models.JSONField(default=list, verbose_name="embedded attachments"),
                ),
                (
                    "file",
                    models.FileField(
                        max_length=200,
                        upload_to=onewindow.signing.models._rendition_file_name,
                        verbose_name="PDF",
                    ),
                ),
                ("sha256", models.CharField(max_length=64, verbose_name="SHA-256")),
                ("size", models.PositiveIntegerField(verbose_name="size")),
                ("pages", models.PositiveIntegerField(verbose_name="pages")),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="rendered"
                    ),
                ),
                (
                    "draft",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="renditions",
                        to="applications.draft",
                    ),
                ),
            ],
            options={
                "verbose_name": "draft rendition",
                "verbose_name_plural": "draft renditions",
                "ordering": ("-created_at",),
                "constraints": [
                    models.UniqueConstraint(fields=("draft", "key"), name="signing_rendition_key")
                ],
            },
        ),
    ]
