"""Remove a person's authenticator from the server's console (the last secretariat member lost
their phone, or nobody with the right is reachable). Recorded in the audit log like a reset made
in the user directory."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts import twofactor


class Command(BaseCommand):
    help = (
        "利用者の認証アプリを削除します（次回ログイン時に登録し直します）。監査ログに記録します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="対象の利用者のメールアドレス")
        parser.add_argument(
            "--reason", required=True, help="理由（監査ログに残ります。例: 端末の紛失）"
        )

    def handle(self, *args, email, reason, **options):
        User = get_user_model()
        try:
            user = User.objects.get(email__iexact=email.strip())
        except User.DoesNotExist as exc:
            raise CommandError(f"{email} の利用者は見つかりません。") from exc
        if twofactor.device_reset(user=user, by=None, detail=f"コンソールから: {reason}"):
            self.stdout.write(
                f"{user.email} の認証アプリを削除しました。次回ログイン時に登録し直します。"
            )
        else:
            self.stdout.write(f"{user.email} には登録済みの認証アプリがありませんでした。")
