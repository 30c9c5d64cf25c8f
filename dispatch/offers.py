"""Asking candidates (打診) by mail, and what their answer does.

Each offer is mailed as a link carrying a signed token (the offer and a random nonce) that works
until the offer's deadline (DISPATCH_OFFER_HOURS). Accepting creates the engagement and its team
in one transaction — the company, the supporter (invited if they have no account yet) and the
person of the requesting body who submitted the request — and marks the request 案件化.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit, roles
from accounts import services as account_services
from accounts.models import Organisation, User
from core.mail import absolute_url
from core.mail import on_commit as mail_on_commit
from engagements.models import Engagement, EngagementMember

from . import conf
from .models import DispatchRequest, Offer, Supporter

SALT = "dispatch.offer"
OFFERS_SENT = "dispatch_offer"
OFFER_ANSWERED = "dispatch_offer_answer"
ASKABLE = (
    DispatchRequest.Status.RECEIVED,
    DispatchRequest.Status.SELECTING,
    DispatchRequest.Status.ASKING,
)


class OfferClosed(Exception):
    """The link no longer works (answered, expired, or the request moved on); says why."""


def token_for(offer: Offer) -> str:
    return signing.dumps({"o": offer.pk, "n": offer.nonce}, salt=SALT, compress=True)


def offer_from_token(token: str) -> Offer | None:
    """The offer of a link, or None when the link was not made here (the nonce must match)."""
    try:
        data = signing.loads(token, salt=SALT)
        offer = Offer.objects.select_related("request", "supporter").get(pk=data["o"])
    except (signing.BadSignature, Offer.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    return offer if secrets.compare_digest(offer.nonce, str(data.get("n", ""))) else None


def _mail(offer: Offer) -> None:
    # BASE_URL, or the address of the request that sent it (core.mail), as every other mail.
    url = absolute_url(reverse("dispatch:offer_respond", args=[token_for(offer)]))
    context = {
        "offer": offer,
        "r": offer.request,
        "supporter": offer.supporter,
        "url": url,
        "site_name": settings.WAGTAIL_SITE_NAME,
    }
    message = EmailMultiAlternatives(
        subject=f"【{settings.WAGTAIL_SITE_NAME}】" + _("伴走支援員派遣のご相談"),
        body=render_to_string("dispatch/email/offer.txt", context),
        to=[offer.supporter.email],
        reply_to=[settings.SECRETARIAT_EMAIL],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string("dispatch/email/offer.html", context), "text/html")
    message.send()


@transaction.atomic
def offers_send(
    *, dispatch_request: DispatchRequest, supporters: list[Supporter], by, request=None
) -> list[Offer]:
    """Asks each supporter once; the request becomes 打診中. Mails go out after the commit."""
    current = DispatchRequest.objects.select_for_update().get(pk=dispatch_request.pk)
    if current.status not in ASKABLE:
        raise ValidationError(
            _("「%(status)s」の依頼では打診できません。") % {"status": current.get_status_display()}
        )
    asked = set(current.offers.values_list("supporter_id", flat=True))
    expires = timezone.now() + timedelta(hours=conf.offer_hours())
    offers = [
        Offer.objects.create(
            request=current,
            supporter=supporter,
            nonce=secrets.token_hex(16),
            sent_by=by,
            expires_at=expires,
        )
        for supporter in supporters
        if supporter.pk not in asked
    ]
    if current.status != DispatchRequest.Status.ASKING:
        current.status = DispatchRequest.Status.ASKING
        current.save(update_fields=["status", "updated_at"])
    dispatch_request.status = current.status
    for offer in offers:
        mail_on_commit(lambda offer=offer: _mail(offer))
    audit.record(
        user=by,
        action=OFFERS_SENT,
        target=current,
        detail=",".join(o.supporter.external_id for o in offers),
        request=request,
    )
    return offers


def _account(supporter: Supporter, invited_by) -> User:
    """The supporter's account: linked, found by address, or created with an invitation."""
    if supporter.user_id:
        return supporter.user
    user = User.objects.filter(email__iexact=supporter.email).first()
    if user is None:
        user = account_services.user_invite(
            email=supporter.email,
            display_name=supporter.name,
            organisation=None,
            role_names=[roles.SUPPORTER],
            invited_by=invited_by,
        )
    supporter.user = user
    supporter.save(update_fields=["user", "updated_at"])
    return user


def _engagement_for(dispatch_request: DispatchRequest) -> Engagement:
    if dispatch_request.engagement_id:
        return dispatch_request.engagement
    company, _created = Organisation.objects.get_or_create(
        name=dispatch_request.company_name,
        kind=Organisation.Kind.COMPANY,
        defaults={"prefecture": dispatch_request.prefecture, "industry": dispatch_request.industry},
    )
    submitter = dispatch_request.submitted_by
    body = getattr(submitter, "organisation", None)
    engagement = Engagement.objects.create(
        code=f"D-{dispatch_request.pk:06d}",
        title=dispatch_request.company_name,
        company=company,
        requesting_body=body if body and body.kind == Organisation.Kind.REQUESTING_BODY else None,
        started_on=timezone.localdate(),
    )
    if submitter is not None and roles.has_any_role(submitter, {roles.REQUESTING_BODY}):
        EngagementMember.objects.create(
            engagement=engagement, user=submitter, role=EngagementMember.Role.REQUESTING_BODY
        )
    dispatch_request.engagement = engagement
    dispatch_request.status = DispatchRequest.Status.ENGAGED
    dispatch_request.save(update_fields=["engagement", "status", "updated_at"])
    return engagement


@transaction.atomic
def offer_answer(*, offer: Offer, accept: bool, request=None) -> Engagement | None:
    """Records the answer; an acceptance makes (or joins) the engagement and its team."""
    offer = (
        Offer.objects.select_for_update().select_related("request", "supporter").get(pk=offer.pk)
    )
    dispatch_request = DispatchRequest.objects.select_for_update().get(pk=offer.request_id)
    if offer.status != Offer.Status.SENT:
        raise OfferClosed(
            _("この打診にはすでに「%(status)s」と回答済みです。")
            % {"status": offer.get_status_display()}
        )
    if timezone.now() >= offer.expires_at:
        raise OfferClosed(_("回答期限を過ぎています。事務局にご連絡ください。"))
    if dispatch_request.status not in (
        DispatchRequest.Status.ASKING,
        DispatchRequest.Status.ENGAGED,
    ):
        raise OfferClosed(_("この依頼の打診は終了しました。事務局にご連絡ください。"))
    offer.status = Offer.Status.ACCEPTED if accept else Offer.Status.DECLINED
    offer.answered_at = timezone.now()
    offer.save(update_fields=["status", "answered_at"])
    engagement = None
    if accept:
        user = _account(offer.supporter, offer.sent_by)
        dispatch_request.chosen.add(offer.supporter)
        engagement = _engagement_for(dispatch_request)
        EngagementMember.objects.get_or_create(
            engagement=engagement, user=user, role=EngagementMember.Role.SUPPORTER
        )
    audit.record(
        user=None,
        action=OFFER_ANSWERED,
        target=offer,
        detail=offer.status,
        request=request,
    )
    return engagement
