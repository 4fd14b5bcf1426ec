"""Work that runs on a schedule, started by the workers themselves (no cron).

An app registers a `Periodic` in its AppConfig.ready: a name, the kind of job, the task, and
the local time of day it is due. Every worker, at each wake-up, starts what is due
(`start_due`): the latest slot that has passed, once — a row per name and slot, under a unique
constraint, is written in the same transaction as the job, so two workers that wake together
start it once. A slot missed while no worker ran (a night's outage) is started when one comes
back; slots before it are not made up, since each run covers everything outstanding.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .choices import JobKind


@dataclass(frozen=True)
class Periodic:
    name: str  # stable: the slots already run are recorded under it
    kind: JobKind
    task: str  # dotted path of a task that takes job_id and attempt
    at: dt.time  # local time of day


_REGISTERED: dict[str, Periodic] = {}


def register(periodic: Periodic) -> None:
    _REGISTERED[periodic.name] = periodic


def registered() -> list[Periodic]:
    return sorted(_REGISTERED.values(), key=lambda p: p.name)


def latest_slot(periodic: Periodic, now: dt.datetime) -> dt.datetime:
    """The latest moment at or before `now` when it was due (local time, aware)."""
    local = timezone.localtime(now)
    slot = timezone.make_aware(dt.datetime.combine(local.date(), periodic.at))
    return slot if slot <= local else slot - dt.timedelta(days=1)


def start_due(*, now: dt.datetime | None = None) -> list:
    """Start each registered periodic job whose latest slot has not been started; returns the
    jobs started."""
    from .models import PeriodicRun
    from .services import start

    now = now or timezone.now()
    started = []
    for periodic in registered():
        slot = latest_slot(periodic, now)
        if PeriodicRun.objects.filter(name=periodic.name, slot=slot).exists():
            continue
        try:
            with transaction.atomic():
                run = PeriodicRun.objects.create(name=periodic.name, slot=slot)
                job = start(
                    kind=periodic.kind,
                    task=import_string(periodic.task),
                    params={"slot": slot.isoformat(), "day": slot.date().isoformat()},
                )
                PeriodicRun.objects.filter(pk=run.pk).update(job=job)
        except IntegrityError:
            continue  # another worker started this slot a moment ago
        started.append(job)
    return started
