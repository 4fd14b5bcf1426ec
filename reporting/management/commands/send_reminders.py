from django.core.management.base import BaseCommand
from django.utils import timezone

from reporting.reminders import send_reminders


class Command(BaseCommand):
    help = "发送报表提醒（截止日前）和逾期升级通知（截止日后，发给区级统筹员）；可每日运行，不会重复发送。"

    def handle(self, *args, **options):
        sent = send_reminders(timezone.localdate())
        self.stdout.write(
            self.style.SUCCESS(
                f"已发送提醒 {sent['reminder']} 条，逾期升级通知 {sent['escalation']} 条。"
            )
        )
