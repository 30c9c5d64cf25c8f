"""Writes to engagements: each one atomic, with notifications sent only after commit."""

import hashlib

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import F, Max

from core.mail import on_commit as mail_on_commit
from uploads.validation import CleanUpload

from . import notifications
from .models import Attachment, Comment, Engagement, Record, RecordVersion, Visit, name_key


class Conflict(Exception):
    """The record was saved by someone else since the editor loaded it."""


def record_for(engagement: Engagement, kind: str, visit: Visit | None = None) -> Record:
    """The record of that kind, created empty (version 0) on first use."""
    record, _ = Record.objects.get_or_create(engagement=engagement, visit=visit, kind=kind)
    return record


@transaction.atomic
def record_save(*, record: Record, base_version: int, data: dict, author) -> RecordVersion:
    """Adds a version; refuses when someone saved since `base_version` (no lost update)."""
    updated = Record.objects.filter(pk=record.pk, version=base_version).update(
        version=F("version") + 1
    )
    if not updated:
        raise Conflict
    record.version = base_version + 1
    return RecordVersion.objects.create(
        record=record, number=record.version, data=data, author=author
    )


@transaction.atomic
def visit_create(*, engagement: Engagement, scheduled_on=None) -> Visit:
    number = (engagement.visits.aggregate(n=Max("number"))["n"] or 0) + 1
    return Visit.objects.create(engagement=engagement, number=number, scheduled_on=scheduled_on)


def attachment_add(*, visit: Visit, slot: str, upload: CleanUpload, user) -> Attachment:
    """Stores a validated upload; a file with the same name becomes that file's next version."""
    for _attempt in range(3):
        try:
            with transaction.atomic():
                attachment = Attachment(
                    visit=visit,
                    slot=slot,
                    name=upload.name,
                    kind=upload.kind,
                    content_type=upload.content_type,
                    size=len(upload.content),
                    sha256=hashlib.sha256(upload.content).hexdigest(),
                    uploaded_by=user,
                )
                latest = Attachment.objects.filter(
                    visit=visit, slot=slot, name_key=name_key(upload.name)
                ).aggregate(v=Max("version"))["v"]
                attachment.version = (latest or 0) + 1
                attachment.file.save(upload.name, ContentFile(upload.content), save=False)
                try:
                    attachment.save()
                except Exception:
                    attachment.file.delete(save=False)  # no orphan file without a row
                    raise
                return attachment
        except IntegrityError:
            # Two uploads of the same name at once: the loser takes the next version number.
            continue
    raise IntegrityError("attachment version race")


@transaction.atomic
def comment_add(*, visit: Visit, author, body: str) -> Comment:
    comment = Comment.objects.create(visit=visit, author=author, body=body)
    mail_on_commit(lambda: notifications.comment_posted(comment))
    return comment
