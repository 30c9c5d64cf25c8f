"""The default file storage: public media under MEDIA_ROOT, private media outside it.

Wagtail keeps every image, rendition and document in the default storage and derives a
rendition's file name from its original's (``images/<original stem>.<filter>.<ext>``), dropping
the folder. So privacy is carried by the file name itself: a name whose last part starts with
PRIVATE_PREFIX is stored under PRIVATE_MEDIA_ROOT/media/, which neither nginx nor the DEBUG media
route can reach, and its URL is the permission-checked view of publishing/media.py. Renditions
of a private original inherit the prefix and therefore land in private storage too.

Which items are private is decided by their collection (publishing/media.py), which moves the
file when an item changes side; this module only routes names.
"""

import os
import posixpath
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage, Storage
from django.urls import reverse
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from uploads.storage import PrivateStorage

PRIVATE_PREFIX = "private-"
# Inside PRIVATE_MEDIA_ROOT, beside the engagement uploads (uploads/…).
PRIVATE_FOLDER = "media"


def is_private_name(name: str) -> bool:
    return posixpath.basename(name or "").startswith(PRIVATE_PREFIX)


def private_name(name: str) -> str:
    """The same path with the private prefix on its last part."""
    folder, base = posixpath.split(name)
    return (
        name if base.startswith(PRIVATE_PREFIX) else posixpath.join(folder, PRIVATE_PREFIX + base)
    )


def public_name(name: str) -> str:
    """The same path without the private prefix."""
    folder, base = posixpath.split(name)
    if base.startswith(PRIVATE_PREFIX):
        base = base[len(PRIVATE_PREFIX) :] or "file"
    return posixpath.join(folder, base)


@deconstructible
class _PrivateMediaStorage(PrivateStorage):
    """PRIVATE_MEDIA_ROOT/media/, read lazily so test overrides of the setting take effect."""

    @cached_property
    def base_location(self) -> str:
        return self._value_or_setting(
            self._location, os.path.join(str(settings.PRIVATE_MEDIA_ROOT), PRIVATE_FOLDER)
        )


@deconstructible
class MediaStorage(Storage):
    """Routes each name to the public or the private file system storage (see the module doc)."""

    def __init__(self) -> None:
        self.public = FileSystemStorage()
        self.private = _PrivateMediaStorage()

    def _for(self, name: str) -> Storage:
        return self.private if is_private_name(name) else self.public

    def _open(self, name: str, mode: str = "rb") -> Any:
        return self._for(name)._open(name, mode)

    def _save(self, name: str, content: Any) -> str:
        return self._for(name)._save(name, content)

    def get_available_name(self, name: str, max_length: int | None = None) -> str:
        # A suffix is added before the extension, so the prefix (and the side) is kept.
        return self._for(name).get_available_name(name, max_length=max_length)

    def delete(self, name: str) -> None:
        self._for(name).delete(name)

    def exists(self, name: str) -> bool:
        return self._for(name).exists(name)

    def listdir(self, path: str) -> tuple[list[str], list[str]]:
        return self.public.listdir(path)

    def size(self, name: str) -> int:
        return self._for(name).size(name)

    def path(self, name: str) -> str:
        return self._for(name).path(name)

    def url(self, name: str | None) -> str:
        if name and is_private_name(name):
            return reverse("private_media", kwargs={"name": name})
        return self.public.url(name)

    def get_accessed_time(self, name: str):
        return self._for(name).get_accessed_time(name)

    def get_created_time(self, name: str):
        return self._for(name).get_created_time(name)

    def get_modified_time(self, name: str):
        return self._for(name).get_modified_time(name)
