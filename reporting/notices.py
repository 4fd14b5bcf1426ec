"""Notices that reach people: each step of a report's approval chain tells those who act next
(the district's reviewers after a submission, the city after the district) and the reporting
unit of what came back (a return with its comment, an approval, an unlock). Each notice shows
in the person's to-do inbox and, where they have an e-mail address, is mailed to them in the
language they use. Who is told is decided by accounts.scoping."""

from __future__ import annotations

from django.core.mail import send_mail
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.scoping import city_administrators, district_reviewers, unit_reporters

from .choices import Step
from .models import Event, Notice


def recipients(event: Event):
    """Who a step reaches, the person who took it left out."""
    unit = event.submission.unit
    if event.step == Step.SUBMIT:
        people = district_reviewers(unit)
    elif event.step in (Step.DISTRICT_APPROVE, Step.REQUEST_UNLOCK):
        people = city_administrators()
    elif event.step in (Step.RETURN, Step.CITY_APPROVE, Step.UNLOCK):
        people = unit_reporters(unit)
    else:
        return []
    return list(people.exclude(pk=event.user_id).order_by("pk"))


def notify_step(event: Event) -> int:
    """Create the step's notices (inside the step's transaction) and mail them once it
    commits. Returns how many people were told."""
    submission = event.submission
    people = recipients(event)
    notices = [
        Notice(
            user=person,
            kind=Notice.Kind.STEP,
            data_set=submission.data_set,
            unit=submission.unit,
            period_end=submission.period_end,
            event=event,
            text="",
        )
        for person in people
    ]
    with translation.override("zh-hans"):
        for notice in notices:
            notice.text = notice.message[:300]  # the record keeps the Chinese, as reminders do
    Notice.objects.bulk_create(notices)

    def mail_each() -> None:
        for notice in notices:
            mail(notice)

    transaction.on_commit(mail_each)
    return len(notices)


def mail(notice: Notice) -> bool:
    """Mail a notice to its reader, in their language, when they have an address."""
    user = notice.user
    if not user.email:
        return False
    with translation.override(user.language):
        body = notice.message
        subject = _("[Industrial Zone Plan Platform] %(message)s") % {"message": body}
    send_mail(subject[:200], body, None, [user.email], fail_silently=True)
    return True
