"""Demo accounts, one per role, for trying the site locally (never in production)."""

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction

from . import roles, twofactor
from .models import User

# Shown in the README so that people can sign in; useless anywhere DEBUG is off.
DEMO_PASSWORD = "demo-passphrase-2026"  # noqa: S105
# Base32 TOTP secret of every demo two-factor account (add it to an authenticator app by hand).
DEMO_TOTP_SECRET = "BANSOKNOWLEDGEDEMOTOTPSECRET2345"  # noqa: S105 (published on purpose)

DEMO_ACCOUNTS = [
    ("shienin@demo.example", "山本 誠", roles.SUPPORTER, "中小企業診断士"),
    ("jisshi@demo.example", "佐々木 由香", roles.REQUESTING_BODY, "経営指導員"),
    ("kigyo@demo.example", "高橋 健一", roles.COMPANY_CONTACT, "代表取締役"),
    ("chusho@demo.example", "中村 直子", roles.AGENCY, "係長"),
    ("support@demo.example", "小林 大輔", roles.SUPPORT_MEMBER, "公認会計士"),
    ("jimukyoku@demo.example", "加藤 美咲", roles.SECRETARIAT, "事務局員"),
    # A second secretariat member: a case is approved by someone other than its drafter.
    ("jimukyoku2@demo.example", "井上 真理", roles.SECRETARIAT, "事務局員"),
    ("henshu@demo.example", "吉田 翔", roles.EDITOR, "編集担当"),
    ("koshi@demo.example", "松本 恵", roles.TRAINER, "研修講師"),
]


@transaction.atomic
def create_demo_accounts(stdout, *, allow: bool = False) -> None:
    """Creates or refreshes one active account per role; only with DEBUG or allow=True."""
    if not (settings.DEBUG or allow):
        stdout.write("デモアカウントは DEBUG=True のときだけ作成します（作成しませんでした）。\n")
        return
    for email, name, role, job_title in DEMO_ACCOUNTS:
        user = User.objects.filter(email__iexact=email).first() or User(email=email)
        user.display_name, user.job_title, user.is_active = name, job_title, True
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.set([Group.objects.get(name=role)])
        if role in roles.TWO_FACTOR_ROLES:
            twofactor.install_device(user, DEMO_TOTP_SECRET)
    stdout.write(
        f"デモアカウント {len(DEMO_ACCOUNTS)} 件（パスワード {DEMO_PASSWORD}、"
        f"2 段階認証の鍵 {DEMO_TOTP_SECRET}）を用意しました。\n"
    )
