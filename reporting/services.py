"""Writes to submissions: values and the approval chain. Every refusal is a `Refused` with the
message an officer reads; nothing is written when one is raised."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.scoping import is_city_admin, reports_for_unit, reviews_for_district
from core import files
from core.bulk import save_rows
from core.refusals import Forbidden, Refusal, Stale
from core.tabular.cells import CellError, parse_decimal

from .choices import EDITABLE, PeriodType, State, Step
from .models import DataSet, Event, Notice, Submission, SubmissionValue
from .notices import notify_step

UNLOCK_DAYS = 7  # how long an unlocked submission stays open past its data set's lock


class Refused(Refusal):
    """A write that must not happen, with the reason in the user's language."""


class StaleVersion(Refused, Stale):
    """Someone else saved or reviewed the submission since the user opened it."""


class NotAllowed(Refused, Forbidden):
    """The user's role or units do not let them take this step on this submission."""


def period_of(period_type: str, day: dt.date) -> tuple[dt.date, dt.date]:
    """The period of `period_type` that contains `day`, as (first day, last day)."""
    if period_type == PeriodType.YEAR:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    months = 3 if period_type == PeriodType.QUARTER else 1
    first_month = (day.month - 1) // months * months + 1
    start = dt.date(day.year, first_month, 1)
    next_start = dt.date(
        start.year + (first_month + months - 1) // 12, (first_month + months - 1) % 12 + 1, 1
    )
    return start, next_start - dt.timedelta(days=1)


def is_locked(submission: Submission, today: dt.date | None = None) -> bool:
    """Approved by the city, or past the data set's lock without an unlock in force."""
    today = today or timezone.localdate()
    if submission.state == State.CITY_APPROVED:
        return True
    lock_day = submission.period_end + dt.timedelta(days=submission.data_set.lock_days)
    return today > lock_day and not (
        submission.unlocked_until and today <= submission.unlocked_until
    )


def open_submission(
    data_set: DataSet, unit, period_end: dt.date, *, today=None, user=None
) -> Submission:
    """The unit's submission for the period ending on `period_end`, created as a draft. With
    `user`, only for one who reports for the unit (its own officers, or the city's admins)."""
    today = today or timezone.localdate()
    if user is not None and not reports_for_unit(user, unit):
        raise NotAllowed(_("“%(unit)s” reports through its own officers.") % {"unit": unit.name})
    start, end = period_of(data_set.period_type, period_end)
    if end != period_end:
        raise Refused(
            _("%(day)s is not the last day of a reporting period (it should be %(end)s).")
            % {"day": period_end, "end": end}
        )
    if start > today:
        raise Refused(
            _("The period starting on %(start)s has not begun yet: it cannot be reported.")
            % {"start": start}
        )
    if not data_set.units.filter(pk=unit.pk).exists():
        raise Refused(
            _("“%(unit)s” is not one of the units that report “%(data_set)s”.")
            % {"unit": unit.name, "data_set": data_set.name}
        )
    submission, _created = Submission.objects.get_or_create(
        data_set=data_set, unit=unit, period_end=end, defaults={"period_start": start}
    )
    return submission


def _reports_for(user, submission: Submission) -> bool:
    """The reporting unit's own officers (or the city's admins) edit and submit."""
    return reports_for_unit(user, submission.unit)


def _reviews_for_district(user, submission: Submission) -> bool:
    return reviews_for_district(user, submission.unit)


def _check_version(submission: Submission, version: int) -> None:
    if submission.version != version:
        raise StaleVersion(
            _(
                "Someone else changed this report since you opened it (saved or reviewed it): "
                "your change was not saved. Reload the page and enter it again."
            )
        )


def _locked_for_update(submission: Submission) -> Submission:
    return (
        Submission.objects.select_for_update()
        .select_related("data_set", "unit")
        .get(pk=submission.pk)
    )


def save_values(
    submission: Submission, values: dict[str, str], *, user, version: int
) -> Submission:
    """Save the entered values (indicator code → text as typed). All or nothing."""
    with transaction.atomic():
        current = _locked_for_update(submission)
        if not _reports_for(user, current):
            raise NotAllowed(_("You may not fill in this unit's reports."))
        _check_version(current, version)
        if current.state not in EDITABLE:
            raise Refused(
                _("The report is “%(state)s”: it cannot be changed.")
                % {"state": current.get_state_display()}
            )
        if is_locked(current):
            raise Refused(
                _("The report is past its lock day: ask for it to be unlocked to change it.")
            )
        indicators = {i.code: i for i in current.data_set.indicators.all()}
        unknown = sorted(set(values) - set(indicators))
        if unknown:
            raise Refused(
                _("The report has no indicator %(codes)s.") % {"codes": _(", ").join(unknown)}
            )
        parsed: dict[str, Decimal | None] = {}
        errors: list[str] = []
        for code, text in values.items():
            text = (text or "").strip()
            if not text:
                parsed[code] = None
                continue
            try:
                parsed[code] = parse_decimal(text, allow_negative=True)
            except CellError as error:
                errors.append(
                    _("“%(indicator)s”: %(error)s")
                    % {"indicator": indicators[code].name, "error": error}
                )
        if errors:
            raise Refused(_("; ").join(errors))
        existing = {
            row["indicator_id"]: row
            for row in current.values.values("id", "indicator_id", "value", "flagged")
        }
        added: list[dict] = []
        changed: list[dict] = []
        for code, number in parsed.items():
            row = existing.get(indicators[code].pk)
            if row is None:
                added.append({"indicator_id": indicators[code].pk, "value": number})
            elif row["value"] != number:
                changed.append(dict(row) | {"value": number})
        # A form is saved often: a few statements in all, with a history row per changed value
        # (who, when, what it became; the row before it says what it was).
        save_rows(
            SubmissionValue,
            creates=[row | {"flagged": False} for row in added],
            updates=changed,
            constants={"submission_id": current.pk},
            user=user,
            reason="",
        )
        current.version += 1
        current.save(update_fields=["version", "updated_at"])
        Event.objects.create(
            submission=current,
            step=Step.SAVE,
            from_state=current.state,
            to_state=current.state,
            user=user,
        )
        return current


# step → (states it starts from, state it leads to, who may take it)
_STEPS = {
    Step.SUBMIT: (EDITABLE, State.SUBMITTED, _reports_for),
    Step.DISTRICT_APPROVE: ({State.SUBMITTED}, State.DISTRICT_APPROVED, _reviews_for_district),
    Step.CITY_APPROVE: (
        {State.DISTRICT_APPROVED},
        State.CITY_APPROVED,
        lambda u, s: is_city_admin(u),
    ),
}


def _may_return(user, submission: Submission) -> bool:
    if submission.state == State.SUBMITTED:
        return _reviews_for_district(user, submission)
    if submission.state == State.DISTRICT_APPROVED:
        return is_city_admin(user)
    return False


def take_step(
    submission: Submission, step: str, *, user, version: int, comment: str = ""
) -> Submission:
    """Move a submission along the chain. Returns need a comment; approval by the city writes
    the values where the plan's progress reads them."""
    comment = (comment or "").strip()
    if len(comment) > 2000:
        raise Refused(_("A comment may not be longer than 2000 characters."))
    with transaction.atomic():
        current = _locked_for_update(submission)
        _check_version(current, version)
        before = current.state
        if step in _STEPS:
            sources, target, allowed = _STEPS[Step(step)]
            if not allowed(user, current):
                raise NotAllowed(_("You may not take this step."))
            if before not in sources:
                raise Refused(
                    _("The report is “%(state)s”: this step cannot be taken now.")
                    % {"state": current.get_state_display()}
                )
            if step == Step.SUBMIT and is_locked(current):
                raise Refused(
                    _("The report is past its lock day: ask for it to be unlocked to submit it.")
                )
            if step == Step.SUBMIT:
                flag_outliers(current)
                errors, warnings = rule_failures(current)
                if errors:
                    raise Refused(
                        _("The report fails its checks and cannot be submitted: %(errors)s")
                        % {"errors": _("; ").join(errors)}
                    )
                if warnings and not comment:
                    raise Refused(
                        _("Explain these warnings in the comment, then submit: %(warnings)s")
                        % {"warnings": _("; ").join(warnings)}
                    )
            current.state = target
        elif step == Step.RETURN:
            if not _may_return(user, current):
                raise Refused(
                    _("You may not return this report, or it cannot be returned in its state.")
                )
            if not comment:
                raise Refused(_("When returning a report, say in the comment what must change."))
            current.state = State.RETURNED
        elif step == Step.REQUEST_UNLOCK:
            if not _reports_for(user, current) or not is_locked(current):
                raise Refused(
                    _("Only the reporting unit may ask for a locked report to be unlocked.")
                )
            if not comment:
                raise Refused(_("Say in the comment why it should be unlocked."))
            current.unlock_requested = True
        elif step == Step.UNLOCK:
            if not is_city_admin(user) or not is_locked(current):
                raise Refused(_("Only the city's administrators may unlock a locked report."))
            current.state = State.RETURNED
            current.unlock_requested = False
            current.unlocked_until = timezone.localdate() + dt.timedelta(days=UNLOCK_DAYS)
        else:
            raise Refused(_("There is no such step."))
        current.version += 1
        current.save()
        event = Event.objects.create(
            submission=current,
            step=step,
            from_state=before,
            to_state=current.state,
            user=user,
            comment=comment,
        )
        notify_step(event)
        if current.state == State.CITY_APPROVED:
            _publish(current)
        return current


def _publish(submission: Submission) -> None:
    """Approved values become the reported values the plan's progress reads."""
    from plans.cache import bump
    from plans.models import ReportedValue

    for row in submission.values.exclude(value=None):
        assert row.value is not None  # excluded above
        ReportedValue.objects.update_or_create(
            indicator_id=row.indicator_id,
            unit=submission.unit,
            period_end=submission.period_end,
            defaults={"value": row.value},
        )
    bump()


def steps_for(user, submission: Submission) -> list[Step]:
    """The steps `user` may take on `submission` now: the page shows only these buttons (the
    services check again on every post)."""
    state, steps = submission.state, []
    locked = is_locked(submission)
    if state in EDITABLE and not locked and _reports_for(user, submission):
        steps += [Step.SAVE, Step.SUBMIT]
    if state == State.SUBMITTED and _reviews_for_district(user, submission):
        steps += [Step.DISTRICT_APPROVE, Step.RETURN]
    if state == State.DISTRICT_APPROVED and is_city_admin(user):
        steps += [Step.CITY_APPROVE, Step.RETURN]
    if locked and _reports_for(user, submission) and not submission.unlock_requested:
        steps.append(Step.REQUEST_UNLOCK)
    if locked and is_city_admin(user):
        steps.append(Step.UNLOCK)
    return steps


def rule_failures(submission: Submission) -> tuple[list[str], list[str]]:
    """The messages of the data set's rules this submission breaks: (errors, warnings). A rule
    whose values are not all there is not applied."""
    from .choices import Severity
    from .rules import RuleError, evaluate, parse

    codes = dict(submission.data_set.indicators.values_list("code", "pk"))
    by_pk = {v.indicator_id: v.value for v in submission.values.all()}
    values = {code: by_pk.get(pk) for code, pk in codes.items()}
    earlier = (
        Submission.objects.filter(
            data_set=submission.data_set,
            unit=submission.unit,
            period_end__lt=submission.period_end,
            state=State.CITY_APPROVED,
        )
        .order_by("-period_end")
        .first()
    )
    before = (
        {v.indicator.code: v.value for v in earlier.values.select_related("indicator")}
        if earlier
        else {}
    )
    errors: list[str] = []
    warnings: list[str] = []
    for rule in submission.data_set.rules.all():
        try:
            tree = parse(rule.expression, set(codes))
        except RuleError:
            continue  # refused when saved; an indicator removed since leaves it inapplicable
        if evaluate(tree, values, before.get) is False:
            (errors if rule.severity == Severity.ERROR else warnings).append(rule.message)
    return errors, warnings


def flag_outliers(submission: Submission) -> list[str]:
    """Flag the values far from the unit's last 12 city-approved values of the same indicator;
    the names of the flagged indicators. Two queries."""
    from .outliers import is_outlier

    rows = list(submission.values.select_related("indicator").exclude(value=None))
    history: dict[int, list] = {}
    for indicator_id, value in (
        SubmissionValue.objects.filter(
            submission__data_set=submission.data_set,
            submission__unit=submission.unit,
            submission__state=State.CITY_APPROVED,
            submission__period_end__lt=submission.period_end,
            indicator_id__in=[r.indicator_id for r in rows],
        )
        .exclude(value=None)
        .order_by("-submission__period_end")
        .values_list("indicator_id", "value")
    ):
        if len(history.setdefault(indicator_id, [])) < 12:
            history[indicator_id].append(value)
    flagged = []
    for row in rows:
        outlier = row.value is not None and is_outlier(row.value, history.get(row.indicator_id, []))
        if outlier != row.flagged:
            SubmissionValue.objects.filter(pk=row.pk).update(flagged=outlier)
        if outlier:
            flagged.append(row.indicator.name)
    return flagged


MAX_EVIDENCE_PER_SUBMISSION = 50


def attach_evidence(submission: Submission, upload, *, user):
    """Attach a file to a submission the user reports for and may still change."""
    from core.evidence import EvidenceError, read_upload

    from .models import Evidence

    if upload is None:
        raise Refused(_("Choose a file to upload."))
    if not _reports_for(user, submission):
        raise NotAllowed(_("You may not attach files to this report."))
    if submission.state not in EDITABLE or is_locked(submission):
        raise Refused(
            _("The report has been submitted or is locked: files can no longer be attached.")
        )
    if submission.evidence.count() >= MAX_EVIDENCE_PER_SUBMISSION:
        raise Refused(
            _("A report may have at most %(count)d files.") % {"count": MAX_EVIDENCE_PER_SUBMISSION}
        )
    try:
        data, kind = read_upload(upload)
    except EvidenceError as error:
        raise Refused(str(error)) from None
    try:
        with files.kept("evidence", data) as holding:
            return Evidence.objects.create(
                submission=submission,
                name=upload.name[-200:],
                kind=kind,
                size=len(data),
                uploaded_by=user,
                **holding,
            )
    except files.StorageUnavailable as error:
        raise Refused(str(error)) from None


def save_data_set(form, rules: list[tuple[str, str, str]]):
    """Write a checked data set form, its new indicators and its rules in one transaction."""
    from plans.choices import IndicatorKind
    from plans.models import Indicator

    from .models import ValidationRule

    with transaction.atomic():
        data_set = form.save()
        new = [
            Indicator.objects.create(
                code=code, name=name, kind=IndicatorKind.REPORTED, measure=measure
            )
            for code, name, measure in form.cleaned_data["new_indicators"]
        ]
        data_set.indicators.set([*form.cleaned_data["indicators"], *new])
        data_set.units.set(form.cleaned_data["units"])
        data_set.rules.all().delete()
        ValidationRule.objects.bulk_create(
            [
                ValidationRule(data_set=data_set, expression=e, severity=s, message=m)
                for e, s, m in rules
            ]
        )
    return data_set


def mark_notices_read(*, user, notice_id: int | None = None) -> int:
    """Mark the user's own notices read: every one, or the one named. Another person's notice
    is never touched (it counts as not found). Returns how many were marked."""
    notices = Notice.objects.filter(user=user, read=False)
    if notice_id is not None:
        notices = notices.filter(pk=notice_id)
    return notices.update(read=True)


BATCH_LIMIT = 200  # reports reviewed in one go


def review_many(
    *, user, items: list[tuple[int, int]], approve: bool, comment: str = ""
) -> list[Submission]:
    """Approve or return several reports at once, each as its own step (its own event and
    notices), in one transaction: if one cannot be taken (another person moved it, or it is
    not the user's to review), nothing is changed and the message names the report.

    `items` are (submission id, the version the user saw). Approving takes the step the report
    is at: the district's approval of a submitted report, the city's of a district-approved
    one."""
    if not items:
        raise Refused(_("Choose the reports to review."))
    if len(items) > BATCH_LIMIT:
        raise Refused(
            _("At most %(limit)s reports can be reviewed at once; you chose %(count)s.")
            % {"limit": BATCH_LIMIT, "count": len(items)}
        )
    if not approve and not (comment or "").strip():
        raise Refused(_("When returning a report, say in the comment what must change."))
    done = []
    with transaction.atomic():
        found = {s.pk: s for s in Submission.objects.filter(pk__in=[pk for pk, _v in items])}
        for pk, version in items:
            submission = found.get(pk)
            if submission is None:
                raise Refused(_("One of the chosen reports no longer exists: nothing was changed."))
            if approve:
                step = (
                    Step.CITY_APPROVE
                    if submission.state == State.DISTRICT_APPROVED
                    else Step.DISTRICT_APPROVE
                )
            else:
                step = Step.RETURN
            try:
                done.append(
                    take_step(submission, step, user=user, version=version, comment=comment)
                )
            except Refused as error:
                raise type(error)(
                    _("%(report)s: %(reason)s Nothing was changed.")
                    % {
                        "report": f"{submission.data_set} · {submission.unit} · {submission.period_end:%Y-%m}",
                        "reason": error,
                    }
                ) from None
    return done
