from django.core.management.base import BaseCommand

from surveys.services import send_due_requests


class Command(BaseCommand):
    help = "開始日を迎えたアンケートの回答依頼メールを送ります（何度実行しても二重送信しません）。"

    def handle(self, *args, **options):
        sent = send_due_requests()
        self.stdout.write(f"回答依頼を {sent} 件送りました。")
