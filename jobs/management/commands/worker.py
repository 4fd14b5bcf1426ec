"""`manage.py worker`: run background jobs (the database task backend's worker) and keep the
house: before each task, and at every wake-up when idle, take back the jobs whose worker died
(jobs.services.take_back_lost) and start the periodic jobs that are due (jobs.periodic). Start as many as wanted, on any machine that reaches the
database; options as `db_worker` (`--interval`, default 0.5 s here, `--batch`, `--max-tasks`,
`--queue-name`)."""

from __future__ import annotations

import logging
import random
import time

from django.db import close_old_connections
from django.db.utils import OperationalError
from django_tasks_db.management.commands.db_worker import Command as DBWorkerCommand
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction, is_locked_database_exception

from jobs.periodic import start_due
from jobs.services import take_back_lost

log = logging.getLogger("jobs.worker")


class HouseKeepingWorker(Worker):
    def house_keeping(self) -> None:
        for duty in (take_back_lost, start_due):
            try:
                duty()
            except Exception:  # a worker that keeps the house must not die of it
                log.exception("%s failed; trying again at the next wake-up", duty.__name__)

    def claim_next(self) -> DBTaskResult | None:
        tasks = DBTaskResult.objects.ready().filter(backend_name=self.backend_name)
        if not self.process_all_queues:
            tasks = tasks.filter(queue_name__in=self.queue_names)
        if self.excluded_queue_names:
            tasks = tasks.exclude(queue_name__in=self.excluded_queue_names)
        with exclusive_transaction(tasks.db):
            try:
                claimed = tasks.get_locked()
                if claimed is not None:
                    claimed.claim(self.worker_id)  # no other worker runs it now
            except OperationalError as error:
                if is_locked_database_exception(error):
                    return None  # SQLite is busy: try again at the next wake-up
                raise
        return claimed

    def run(self) -> None:
        log.info("worker %s takes tasks from %s", self.worker_id, ",".join(self.queue_names))
        if self.startup_delay and self.interval:
            time.sleep(random.random())  # noqa: S311 - spreads workers started together
        while self.running:
            close_old_connections()
            self.house_keeping()
            claimed = self.claim_next()
            if claimed is not None:
                self.run_task(claimed)
            elif self.batch:
                return
            if self.max_tasks is not None and self._run_tasks >= self.max_tasks:
                return
            close_old_connections()
            if self.running and claimed is None:
                time.sleep(self.interval)


class Command(DBWorkerCommand):
    help = "Run background jobs and take back those of workers that died"

    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        # Half a second between looks at an empty queue: a job starts within 0.5 s (the goal is
        # 1 s), for three indexed queries a second per idle worker.
        parser.set_defaults(interval=0.5)

    def handle(self, *, verbosity: int, **options) -> None:
        self.configure_logging(verbosity)
        queue_names = options["queue_name"].split(",")
        excluded = options["exclude_queues"].split(",") if options["exclude_queues"] else []
        worker = HouseKeepingWorker(
            queue_names=queue_names,
            interval=options["interval"],
            batch=options["batch"],
            backend_name=options["backend_name"],
            startup_delay=options["startup_delay"],
            max_tasks=options["max_tasks"],
            worker_id=options["worker_id"],
            excluded_queue_names=excluded,
        )
        if options["reload"] and not options["batch"]:
            import os

            from django.utils.autoreload import DJANGO_AUTORELOAD_ENV, run_with_reloader

            if os.environ.get(DJANGO_AUTORELOAD_ENV) == "true":
                worker.configure_signals()
            run_with_reloader(worker.run)
        else:
            worker.configure_signals()
            worker.run()
