"""Issued documents remember the one-time key of the request that asked for them, so a
repeated request gets the same document (docs/signing.md, "Issued documents")."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("signing", "0004_signaturecheck_status"),
    ]

    operations = [
        migrations.AddField(
            model_name="issueddocument",
            name="request_key",
            field=models.CharField(
                blank=True, default="", editable=False, max_length=40, verbose_name="request key"
            ),
        ),
        migrations.AddConstraint(
            model_name="issueddocument",
            constraint=models.UniqueConstraint(
                condition=models.Q(("request_key", ""), _negated=True),
                fields=("issued_to", "request_key"),
                name="signing_issued_once_per_request",
            ),
        ),
    ]
