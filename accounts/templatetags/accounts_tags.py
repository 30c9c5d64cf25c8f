from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import selectors

register = template.Library()


@register.simple_tag(takes_context=True)
def account_links(context) -> list[dict]:
    """The account pages the signed-in person may open, marking the current one."""
    request = context["request"]
    user = request.user
    if not user.is_authenticated:
        return []
    links = [("accounts:profile", _("登録情報")), ("accounts:password_change", _("パスワード変更"))]
    if selectors.can_view_directory(user):
        links.append(("accounts:user_list", _("ユーザー一覧")))
    if selectors.can_manage_users(user):
        links += [
            ("accounts:user_invite", _("ユーザーの招待")),
            ("accounts:user_import", _("一括登録")),
            ("accounts:audit_log", _("監査ログ")),
        ]
    result = []
    for name, label in links:
        url = reverse(name)
        result.append({"url": url, "label": label, "current": request.path == url})
    return result
