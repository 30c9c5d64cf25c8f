"""Writes to the registry and the requests: atomic, validated, and recorded in the audit log."""

import hashlib
import secrets
import unicodedata

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from uploads.validation import CleanUpload

from . import conf, interchange
from .models import TRANSITIONS, DispatchRequest, Supporter

SUPPORTER_SAVED = "supporter_saved"
OWN_PROFILE_SAVED = "supporter_own_profile"
REGISTRY_IMPORTED = "registry_import"
REQUEST_SUBMITTED = "dispatch_request"
REQUEST_STATUS = "dispatch_status"
CONSENT_RECORDED = "dispatch_consent"

# What a supporter may change about themselves (任意登録情報); the rest is the secretariat's.
OWN_FIELDS = ("travel", "qualifications", "experience", "conflicts", "motto")


def _name_key(value: str) -> str:
    return "".join(unicodedata.normalize("NFKC", value).split()).casefold()


@transaction.atomic
def supporter_save(*, supporter: Supporter, data: dict, by, request=None) -> Supporter:
    """Creates or updates a supporter from the secretariat's form."""
    creating = supporter.pk is None
    for name, value in data.items():
        setattr(supporter, name, value)
    supporter.full_clean()
    supporter.save()
    audit.record(
        user=by,
        action=SUPPORTER_SAVED,
        target=supporter,
        detail="created" if creating else "updated",
        request=request,
    )
    return supporter


@transaction.atomic
def own_profile_save(*, supporter: Supporter, data: dict, by, request=None) -> bool:
    """A supporter's own 任意登録情報; other fields are ignored. True when something changed."""
    changed = [
        name for name in OWN_FIELDS if name in data and getattr(supporter, name) != data[name]
    ]
    for name in changed:
        setattr(supporter, name, data[name])
    if changed:
        supporter.full_clean()
        supporter.save()
        audit.record(
            user=by,
            action=OWN_PROFILE_SAVED,
            target=supporter,
            detail=",".join(changed),
            request=request,
        )
    elif request is not None:
        audit.skip(request)  # nothing was written
    return bool(changed)


def registry_import(*, data: bytes, name: str, kind: str | None, by, request=None):
    """One file, all or nothing (interchange.RegistryError lists every problem)."""
    with transaction.atomic():
        kind, report = interchange.import_file(data, name=name, kind=kind)
        audit.record(
            user=by,
            action=REGISTRY_IMPORTED,
            target=None,
            detail=f"{kind} created={report.created} updated={report.updated}",
            request=request,
        )
    return kind, report


@transaction.atomic
def request_submit(*, data: dict, consent: CleanUpload | None, by, request=None) -> DispatchRequest:
    """A request from the requesting body's form; it starts as 受付."""
    organisation = getattr(by, "organisation", None)
    exclude_names = [n for n in (data.pop("exclude_names", "") or "").splitlines() if n.strip()]
    by_name = {}
    for s in Supporter.objects.only("external_id", "name"):
        by_name.setdefault(_name_key(s.name), []).append(s.external_id)
    exclude, unresolved = [], []
    for name in exclude_names:
        found = by_name.get(_name_key(name), [])
        if found:
            exclude += found
        else:
            unresolved.append(name.strip())
    dispatch_request = DispatchRequest(
        external_id=f"req-{secrets.token_hex(5)}",
        received=timezone.localdate(),
        company_id=f"co-{hashlib.sha256(_name_key(data['company_name']).encode()).hexdigest()[:12]}",
        body_id=f"org-{organisation.pk}" if organisation else f"user-{by.pk}",
        exclude=sorted(set(exclude)),
        exclude_note="\n".join(unresolved),
        submitted_by=by,
        **data,
    )
    _save_with_consent(dispatch_request, consent)
    audit.record(user=by, action=REQUEST_SUBMITTED, target=dispatch_request, request=request)
    return dispatch_request


def _save_with_consent(dispatch_request: DispatchRequest, upload: CleanUpload | None) -> None:
    """Validates and saves the request with its signed 同意書, if one came; a refused row takes its
    newly stored file with it (no orphan file without a row)."""
    if upload is not None:
        dispatch_request.consent_file.save(upload.name, ContentFile(upload.content), save=False)
        dispatch_request.consent_file_name = upload.name
        dispatch_request.consent_content_type = upload.content_type
    try:
        dispatch_request.full_clean()
        dispatch_request.save()
    except Exception:
        if upload is not None:
            dispatch_request.consent_file.delete(save=False)
        raise


@transaction.atomic
def request_set_status(*, dispatch_request: DispatchRequest, status: str, by, request=None) -> None:
    """Moves the request one step; steps that skip or go back beyond the table are refused."""
    current = DispatchRequest.objects.select_for_update().get(pk=dispatch_request.pk)
    if status not in TRANSITIONS.get(current.status, ()):
        raise ValidationError(
            _("「%(from)s」から「%(to)s」には変更できません。")
            % {
                "from": DispatchRequest.Status(current.status).label,
                "to": DispatchRequest.Status(status).label
                if status in DispatchRequest.Status.values
                else status,
            }
        )
    if status == DispatchRequest.Status.ENGAGED and current.engagement_id is None:
        raise ValidationError(_("案件化するには、先に伴走支援案件を作成してください。"))
    current.status = status
    current.save(update_fields=["status", "updated_at"])
    dispatch_request.status = status
    audit.record(user=by, action=REQUEST_STATUS, target=current, detail=status, request=request)


@transaction.atomic
def consent_record(
    *, dispatch_request: DispatchRequest, signed_on, upload: CleanUpload | None, by, request=None
) -> None:
    """The company's 同意書: the date it was signed and, when given, the signed file (private)."""
    old_name = dispatch_request.consent_file.name if dispatch_request.consent_file else ""
    dispatch_request.consent_signed = signed_on
    _save_with_consent(dispatch_request, upload)
    if upload is not None and old_name:
        storage = dispatch_request.consent_file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    audit.record(user=by, action=CONSENT_RECORDED, target=dispatch_request, request=request)


TRAINING_REMINDED = "training_reminder"


def training_reminders(*, group: str, by, request=None) -> int:
    """Mails every supporter of `group` ("not_registered" or "not_finished") which required
    courses are missing; returns how many were mailed. Mails go out after the commit."""
    people = []
    for supporter in Supporter.objects.order_by("external_id"):
        required = conf.required_courses(supporter.category)
        statuses = {c: supporter.training.get(c, "not-registered") for c in required}
        missing_registration = [c for c, s in statuses.items() if s == "not-registered"]
        unfinished = [c for c, s in statuses.items() if s == "registered"]
        if group == "not_registered" and missing_registration:
            people.append((supporter, missing_registration))
        elif group == "not_finished" and not missing_registration and unfinished:
            people.append((supporter, unfinished))

    def send(supporter: Supporter, courses: list[str]) -> None:
        context = {
            "supporter": supporter,
            "courses": [conf.course_label(c) for c in courses],
            "register": group == "not_registered",
            "site_name": settings.WAGTAIL_SITE_NAME,
        }
        subject = (
            _("研修の受講登録のお願い") if group == "not_registered" else _("研修の受講のお願い")
        )
        message = EmailMultiAlternatives(
            subject=f"【{settings.WAGTAIL_SITE_NAME}】{subject}",
            body=render_to_string("dispatch/email/training_reminder.txt", context),
            to=[supporter.email],
            reply_to=[settings.SECRETARIAT_EMAIL],
            headers={"Auto-Submitted": "auto-generated"},
        )
        message.attach_alternative(
            render_to_string("dispatch/email/training_reminder.html", context), "text/html"
        )
        message.send()

    with transaction.atomic():
        Supporter.objects.filter(pk__in=[s.pk for s, _c in people]).update(
            training_reminded_at=timezone.now()
        )
        for supporter, courses in people:
            transaction.on_commit(lambda s=supporter, c=courses: send(s, c))
        audit.record(
            user=by,
            action=TRAINING_REMINDED,
            detail=f"{group} {len(people)}",
            request=request,
        )
    return len(people)
