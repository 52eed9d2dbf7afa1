"""Edits made anywhere (admin, shell) bump the catalogue version, so search follows them."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save

from .models import Agency, Category, Service, ServiceCategory, SynonymGroup

# The bulk loader bumps the version once itself instead of once per saved row.
_bulk_loading: ContextVar[bool] = ContextVar("catalog_bulk_loading", default=False)


@contextmanager
def bulk_loading() -> Iterator[None]:
    token = _bulk_loading.set(True)
    try:
        yield
    finally:
        _bulk_loading.reset(token)


def _changed(sender: type, **kwargs: Any) -> None:
    if kwargs.get("raw") or _bulk_loading.get():
        return
    from .services import catalog_changed

    transaction.on_commit(catalog_changed, robust=True)


for model in (Agency, Category, Service, ServiceCategory, SynonymGroup):
    post_save.connect(_changed, sender=model, dispatch_uid=f"catalog-save-{model.__name__}")
    post_delete.connect(_changed, sender=model, dispatch_uid=f"catalog-delete-{model.__name__}")
m2m_changed.connect(_changed, sender=Service.categories.through, dispatch_uid="catalog-m2m")
