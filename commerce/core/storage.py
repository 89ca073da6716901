"""Private file storage: files kept outside MEDIA_ROOT, with no public URL.

Uploaded import files (price lists, contract prices, the catalog) go here; a
view that checks the staff permission streams them (``commerce.imports``).
"""

from __future__ import annotations

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class PrivateStorage(FileSystemStorage):
    """``PRIVATE_MEDIA_ROOT`` on disk, read from settings on every use; ``url()`` refuses."""

    @property
    def base_location(self):
        return str(settings.PRIVATE_MEDIA_ROOT)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


_private = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The storage for ``FileField(storage=private_storage)`` (a callable, so migrations
    record where files go, not a path)."""
    return _private
