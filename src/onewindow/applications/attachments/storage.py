"""Where attachments are kept: outside the web root, under random names.

Default: a FileSystemStorage in `ATTACHMENT_ROOT` (default: MEDIA_ROOT, which this portal
never serves directly, else `VAR_DIR / "files"`); it must not lie inside or around
STATIC_ROOT or a STATICFILES_DIRS folder, which are served. With `ATTACHMENT_S3_OPTIONS`
set (a dict of django-storages `S3Storage` options: bucket_name, endpoint_url, access_key,
secret_key, region_name, …) an S3-compatible bucket instead; that needs
`django-storages[s3]`.
"""

from __future__ import annotations

import importlib
import uuid
from functools import cache
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.files.storage import FileSystemStorage, Storage


def attachment_root() -> Path:
    default = getattr(settings, "MEDIA_ROOT", "") or Path(settings.VAR_DIR) / "files"
    return Path(getattr(settings, "ATTACHMENT_ROOT", "") or default).resolve()


def _served_roots() -> list[Path]:
    roots = [getattr(settings, "STATIC_ROOT", None), *getattr(settings, "STATICFILES_DIRS", [])]
    return [Path(str(root)).resolve() for root in roots if root]


def _filesystem() -> FileSystemStorage:
    root = attachment_root()
    for served in _served_roots():
        if root == served or root.is_relative_to(served) or served.is_relative_to(root):
            raise ImproperlyConfigured(
                f"ATTACHMENT_ROOT ({root}) must not be inside or around a folder the web "
                f"server serves ({served})."
            )
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    return FileSystemStorage(
        location=root,
        base_url=None,
        file_permissions_mode=0o600,
        directory_permissions_mode=0o700,
    )


def _s3(options: dict[str, Any]) -> Storage:
    try:
        module = importlib.import_module("storages.backends.s3")
    except ImportError as error:
        raise ImproperlyConfigured(
            "ATTACHMENT_S3_OPTIONS is set but django-storages is not installed: add "
            '"django-storages[s3]" to the requirements, or unset ATTACHMENT_S3_OPTIONS to '
            "keep attachments on the local disk."
        ) from error
    # Private objects, never a public URL; the portal serves them itself after its checks.
    defaults = {"default_acl": "private", "querystring_auth": True, "file_overwrite": False}
    storage: Storage = module.S3Storage(**{**defaults, **options})
    return storage


@cache
def _storage_for(key: str) -> Storage:
    options = getattr(settings, "ATTACHMENT_S3_OPTIONS", None)
    if options:
        return _s3(dict(options))
    return _filesystem()


def attachment_storage() -> Storage:
    """The storage of attachments (one per configuration, so tests may change settings)."""
    key = repr(
        (
            getattr(settings, "ATTACHMENT_S3_OPTIONS", None),
            str(attachment_root()),
            [str(root) for root in _served_roots()],
        )
    )
    return _storage_for(key)


def storage_name(attachment_id: uuid.UUID) -> str:
    """The name a file is kept under: its attachment's UUID, never the person's file name."""
    return f"attachments/{attachment_id.hex[:2]}/{attachment_id}"
