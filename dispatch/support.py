"""Support requests (支援要請, report §2-2-2): the writes, each atomic and audited, and their mails.

The engagement's supporter or requesting body asks the secretariat for help (受付); a secretariat
member takes it (対応中), answers in the request's own thread (回答済み) and closes it (完了). The
team may write back after an answer, which puts the request back to 対応中. Who may do what is
checked by the views (dispatch/access.py); the services keep the steps in order.

Mails go out after the commit, one per person, with links built from BASE_URL or the request's
own address (core.mail): a new request and a team's reply to the secretariat, every other step
to the engagement's team (supporter, requesting body, support member; never the company), or
for a private request to its author only.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, roles
from core.mail import absolute_url, send_notification
from core.mail import on_commit as mail_on_commit
from engagements.access import TEAM_ROLES
from engagements.models import Engagement
from engagements.notifications import secretariat_users

from .models import SUPPORT_TRANSITIONS, SupportMessage, SupportRequest

RAISED = "support_request"
ASSIGNED = "support_assign"
ANSWERED = "support_answer"
REPLIED = "support_reply"
CLOSED = "support_close"

Status = SupportRequest.Status


def _locked(support_request: SupportRequest) -> SupportRequest:
    return SupportRequest.objects.select_for_update().get(pk=support_request.pk)


def _move(current: SupportRequest, status: str) -> None:
    """Refuses a step the table does not allow, with the Japanese reason."""
    if status not in SUPPORT_TRANSITIONS.get(current.status, ()):
        raise ValidationError(
            _("「%(from)s」の支援要請は「%(to)s」にできません。")
            % {"from": Status(current.status).label, "to": Status(status).label}
        )
    current.status = status


def _sync(support_request: SupportRequest, current: SupportRequest) -> None:
    """The caller's object shows what was saved."""
    for name in ("status", "assignee_id", "closed_at", "updated_at"):
        setattr(support_request, name, getattr(current, name))


@transaction.atomic
def raise_request(
    *, engagement: Engagement, category: str, body: str, by, private: bool = False, request=None
) -> SupportRequest:
    """A new request (受付) from the engagement's team; the secretariat is mailed. A private one
    is the author's and the secretariat's only (the rest of the team neither sees nor hears)."""
    if engagement.status != Engagement.Status.ACTIVE:
        raise ValidationError(_("支援が終了した案件には支援要請を出せません。"))
    support_request = SupportRequest(
        engagement=engagement, category=category, body=body.strip(), raised_by=by, private=private
    )
    support_request.full_clean()
    support_request.save()
    audit.record(user=by, action=RAISED, target=support_request, detail=category, request=request)
    _notify(support_request, RAISED, by=by)
    return support_request


def assignable_users() -> QuerySet:
    """Who can take a support request: the active members of the secretariat."""
    return (
        get_user_model()
        .objects.filter(is_active=True, groups__name=roles.SECRETARIAT)
        .distinct()
        .order_by("display_name", "email")
    )


@transaction.atomic
def assign(*, support_request: SupportRequest, assignee, by, request=None) -> None:
    """A secretariat member takes the request (対応中); the team and the assignee are mailed."""
    if not assignable_users().filter(pk=assignee.pk).exists():
        raise ValidationError(_("担当者には事務局のメンバーを選んでください。"))
    current = _locked(support_request)
    _move(current, Status.ASSIGNED)
    current.assignee = assignee
    current.save(update_fields=["status", "assignee", "updated_at"])
    _sync(support_request, current)
    audit.record(
        user=by, action=ASSIGNED, target=current, detail=f"assignee={assignee.pk}", request=request
    )
    _notify(current, ASSIGNED, by=by)


def _add_message(
    support_request: SupportRequest, current: SupportRequest, *, step: str, body: str, by, request
) -> SupportMessage:
    """Saves the message and the status `current` was moved to; audits and mails the step."""
    kind = SupportMessage.Kind.ANSWER if step == ANSWERED else SupportMessage.Kind.REPLY
    message = SupportMessage(support_request=current, kind=kind, body=body.strip(), author=by)
    message.full_clean()
    message.save()
    current.save(update_fields=["status", "updated_at"])
    _sync(support_request, current)
    audit.record(user=by, action=step, target=current, request=request)
    _notify(current, step, by=by, message=message)
    return message


@transaction.atomic
def answer(*, support_request: SupportRequest, body: str, by, request=None) -> SupportMessage:
    """The secretariat's answer in the thread (回答済み); the team is mailed with its text."""
    current = _locked(support_request)
    if current.status == Status.OPEN:
        raise ValidationError(_("回答する前に担当者を決めてください。"))
    _move(current, Status.ANSWERED)
    return _add_message(support_request, current, step=ANSWERED, body=body, by=by, request=request)


@transaction.atomic
def reply(*, support_request: SupportRequest, body: str, by, request=None) -> SupportMessage:
    """The team writes back after an answer: the request is 対応中 again for its assignee."""
    current = _locked(support_request)
    if current.status == Status.CLOSED:
        raise ValidationError(_("完了した支援要請には書き込めません。新しく要請してください。"))
    if current.status == Status.ANSWERED:
        _move(current, Status.ASSIGNED)
    return _add_message(support_request, current, step=REPLIED, body=body, by=by, request=request)


@transaction.atomic
def close(*, support_request: SupportRequest, by, request=None) -> None:
    """The secretariat closes an answered request (完了); the team is mailed."""
    current = _locked(support_request)
    if current.status in (Status.OPEN, Status.ASSIGNED):
        raise ValidationError(_("回答してから完了にしてください。"))
    _move(current, Status.CLOSED)
    current.closed_at = timezone.now()
    current.save(update_fields=["status", "closed_at", "updated_at"])
    _sync(support_request, current)
    audit.record(user=by, action=CLOSED, target=current, request=request)
    _notify(current, CLOSED, by=by)


# Mails -------------------------------------------------------------------------------------------


def team_users(engagement: Engagement) -> QuerySet:
    """The engagement's team as it stands now (the company contact is not on it)."""
    return get_user_model().objects.filter(
        is_active=True,
        engagement_roles__engagement=engagement,
        engagement_roles__role__in=TEAM_ROLES,
    )


def _subject(step: str, support_request: SupportRequest) -> str:
    values = {
        "code": support_request.engagement.code,
        "category": support_request.get_category_display(),
    }
    return {
        RAISED: _("支援要請が届きました（%(code)s・%(category)s）"),
        ASSIGNED: _("支援要請の担当者が決まりました（%(code)s）"),
        ANSWERED: _("支援要請に事務局から回答がありました（%(code)s）"),
        REPLIED: _("支援要請にチームから返信がありました（%(code)s）"),
        CLOSED: _("支援要請が完了しました（%(code)s）"),
    }[step] % values


def _lead(step: str, support_request: SupportRequest, by) -> str:
    values = {
        "code": support_request.engagement.code,
        "title": support_request.engagement.title,
        "category": support_request.get_category_display(),
        "by": by,
        "assignee": support_request.assignee,
    }
    return {
        RAISED: _(
            "%(by)s さんから、案件 %(code)s（%(title)s）について「%(category)s」の支援要請がありました。"
        ),
        ASSIGNED: _(
            "案件 %(code)s の支援要請（%(category)s）は、事務局の %(assignee)s さんが担当します。"
        ),
        ANSWERED: _(
            "案件 %(code)s の支援要請（%(category)s）に、事務局の %(by)s さんから回答がありました。"
        ),
        REPLIED: _("案件 %(code)s の支援要請（%(category)s）に、%(by)s さんから返信がありました。"),
        CLOSED: _("案件 %(code)s の支援要請（%(category)s）を、事務局が完了にしました。"),
    }[step] % values


def _recipients(support_request: SupportRequest, step: str) -> QuerySet:
    if step == RAISED:
        return secretariat_users()
    if step == REPLIED:
        # The person handling it; the whole secretariat if nobody has taken it yet.
        if support_request.assignee_id and support_request.assignee.is_active:
            return get_user_model().objects.filter(pk=support_request.assignee_id)
        return secretariat_users()
    team = team_users(support_request.engagement)
    if support_request.private:
        team = team.filter(pk=support_request.raised_by_id)
    if step == ASSIGNED and support_request.assignee_id:
        team = team | get_user_model().objects.filter(
            pk=support_request.assignee_id, is_active=True
        )
    return team


def _notify(support_request: SupportRequest, step: str, *, by, message=None) -> None:
    """One mail per person after the commit; the person who acted is not told of their own act."""

    def send() -> None:
        url = absolute_url(reverse("dispatch:support_detail", args=[support_request.pk]))
        subject = _subject(step, support_request)
        lead = _lead(step, support_request, by)
        quoted = message.body if message else (support_request.body if step == RAISED else "")
        people = _recipients(support_request, step).exclude(pk=getattr(by, "pk", None)).distinct()
        for user in people:
            send_notification(
                user,
                subject=subject,
                template="dispatch/email/support_request",
                context={"lead": lead, "quoted": quoted, "url": url},
            )

    mail_on_commit(send)
