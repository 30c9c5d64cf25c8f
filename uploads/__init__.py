"""Upload safety: validate and neutralise user files, preview them, store and serve them privately.

Usage from a form or service::

    from uploads.validation import IMAGE_KINDS, validate_upload

    clean = validate_upload(request.FILES["photo"], kinds=IMAGE_KINDS)  # ValidationError in Japanese
    attachment.file.save(clean.name, ContentFile(clean.content))  # upload_to=generated_path

Store ``clean.content`` (never the original bytes) and keep ``clean.name`` only as metadata.
"""
