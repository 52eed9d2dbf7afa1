"""Signature checks run in a background job: a check is pending until the job has made
its report. Checks made before this migration were made on upload: they are done."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("signing", "0003_signaturecheck"),
    ]

    operations = [
        # Existing rows were checked on upload (done); new rows start pending.
        migrations.AddField(
            model_name="signaturecheck",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "being checked"),
                    ("done", "checked"),
                    ("failed", "could not be checked"),
                ],
                default="done",
                max_length=8,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="signaturecheck",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "being checked"),
                    ("done", "checked"),
                    ("failed", "could not be checked"),
                ],
                default="pending",
                max_length=8,
                verbose_name="status",
            ),
        ),
        migrations.AlterField(
            model_name="signaturecheck",
            name="checked_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="checked"),
        ),
    ]
