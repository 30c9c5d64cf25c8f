"""Private file storage: outside MEDIA_ROOT, under generated names, never served by URL."""

import uuid
from typing import Any

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils import timezone
from django.utils.deconstruct import deconstructible
from django.utils.functional import cached_property

from uploads.validation import KIND_BY_EXTENSION, split_extension

# One extension per kind, chosen here: the stored name carries nothing the uploader typed.
_STORED_EXTENSION = {"pdf": "pdf", "xlsx": "xlsx", "docx": "docx", "pptx": "pptx"}
_IMAGE_EXTENSION = {"jpg": "jpg", "jpeg": "jpg", "png": "png", "webp": "webp"}


@deconstructible
class PrivateStorage(FileSystemStorage):
    """FileSystemStorage at PRIVATE_MEDIA_ROOT with no URL; files go out through a view."""

    def _clear_cached_properties(self, setting: str, **kwargs: Any) -> None:
        super()._clear_cached_properties(setting, **kwargs)
        if setting == "PRIVATE_MEDIA_ROOT":
            self.__dict__.pop("base_location", None)
            self.__dict__.pop("location", None)

    @cached_property
    def base_location(self) -> str:
        # Read lazily (like MEDIA_ROOT) so settings overrides in tests take effect.
        return self._value_or_setting(self._location, str(settings.PRIVATE_MEDIA_ROOT))

    @cached_property
    def base_url(self) -> None:
        # FileSystemStorage falls back to MEDIA_URL when base_url is None; this storage must not.
        return None

    def url(self, name: str | None) -> str:
        raise ValueError("Private files have no URL; serve them through a permission-checked view.")


private_storage = PrivateStorage()


def generated_path(instance: Any, filename: str) -> str:
    """Return uploads/<yyyy>/<mm>/<uuid4 hex>.<ext>, the extension mapped from the file's kind."""
    extension = split_extension(filename)[1]
    kind = KIND_BY_EXTENSION.get(extension)
    stored = (
        _IMAGE_EXTENSION.get(extension) if kind == "image" else _STORED_EXTENSION.get(kind or "")
    )
    today = timezone.localdate()
    suffix = f".{stored}" if stored else ""
    return f"uploads/{today:%Y}/{today:%m}/{uuid.uuid4().hex}{suffix}"
