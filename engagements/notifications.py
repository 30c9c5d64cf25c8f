"""Who hears about what happens in an engagement."""

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import roles
from core.mail import absolute_url, send_notification

from .access import TEAM_ROLES


def secretariat_users():
    return get_user_model().objects.filter(is_active=True, groups__name=roles.SECRETARIAT)


def comment_posted(comment) -> None:
    """Tells the visit's team and the secretariat, except the author, about a new comment."""
    engagement = comment.visit.engagement
    team = get_user_model().objects.filter(
        is_active=True,
        engagement_roles__engagement=engagement,
        engagement_roles__role__in=TEAM_ROLES,
    )
    recipients = (team | secretariat_users()).exclude(pk=comment.author_id).distinct()
    url = absolute_url(reverse("engagements:visit", args=[comment.visit.pk]) + "#comments")
    for user in recipients:
        send_notification(
            user,
            subject=_("%(visit)sにコメントがありました（%(code)s）")
            % {"visit": comment.visit, "code": engagement.code},
            template="engagements/email/comment_posted",
            context={"comment": comment, "engagement": engagement, "url": url},
        )
