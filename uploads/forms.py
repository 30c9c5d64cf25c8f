"""Wagtail's image and document upload forms, put through the same checks as every upload.

Images are re-encoded without metadata (no GPS, camera or author), documents are checked by
content and stripped of author metadata: what an editor uploads for a case can be published.
"""

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from wagtail.documents.forms import BaseDocumentForm
from wagtail.images.forms import BaseImageForm

from .validation import DOCUMENT_KINDS, IMAGE_KINDS, validate_upload


def _cleaned(uploaded, kinds) -> UploadedFile:
    if not isinstance(uploaded, UploadedFile):
        return uploaded  # unchanged file on an edit
    uploaded.seek(0)
    clean = validate_upload(uploaded, kinds=kinds)  # ValidationError: shown on the form
    return SimpleUploadedFile(clean.name, clean.content, content_type=clean.content_type)


class SafeImageForm(BaseImageForm):
    def clean_file(self):
        return _cleaned(self.cleaned_data.get("file"), IMAGE_KINDS)


class SafeDocumentForm(BaseDocumentForm):
    def clean_file(self):
        return _cleaned(self.cleaned_data.get("file"), DOCUMENT_KINDS)
