"""Catalogue search: an in-memory index of the services, for Georgian, English and
Georgian typed in Latin letters.

No Django here: the catalogue app builds a `SearchIndex` from its services whenever they
change, and the index can be tested and measured on its own.
"""

from .index import SearchDocument, SearchHit, SearchIndex

__all__ = ["SearchDocument", "SearchHit", "SearchIndex"]
