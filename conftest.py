"""Shared fixtures. The test database holds the shipped plan and the demo data, loaded once
per session through the same commands an administrator runs; each test runs in a
transaction that is rolled back. Browser tests (live server) empty the database when they
finish, so they reload the data they need with `loaded_data`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from territory.models import Unit

ROOT = Path(__file__).resolve().parent
PLAN_FILES = [ROOT / "plans/data/territory-chengdu.yaml", ROOT / "plans/data/plan-2020.yaml"]
SCHEME_FILE = ROOT / "assessment/data/scheme-2020.yaml"


def load_shipped_data() -> None:
    """The plan, the demo and the scheme; and the reference rows a data migration writes (the
    service categories the plan names, the opportunity fields and kinds), which a transactional
    test's flush takes away."""
    import importlib

    from django.apps import apps

    importlib.import_module("carriers.migrations.0003_service_categories_named_in_plan").add(
        apps, None
    )
    importlib.import_module(
        "opportunities.migrations.0002_kinds_fields_and_search_index"
    ).add_reference(apps)
    call_command("load_plan", *PLAN_FILES, verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("load_scheme", SCHEME_FILE, verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_modify_db_settings(request, django_db_modify_db_settings_parallel_suffix):
    """On SQLite the test database is a file, not memory: a worker process started by a test
    (the `worker` fixture) must open the same database the test wrote. Each pytest-xdist
    process has its own (pytest-django suffixes PostgreSQL's names itself)."""
    from django.conf import settings

    default = settings.DATABASES["default"]
    if default["ENGINE"].endswith("sqlite3"):
        name = Path(default["NAME"])
        xdist = getattr(request.config, "workerinput", {}).get("workerid")
        stem = f"test-{name.stem}" + (f"-{xdist}" if xdist else "")
        default.setdefault("TEST", {})["NAME"] = str(name.with_name(stem + name.suffix))


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_shipped_data()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached progress is keyed by the data version, which a rolled-back test restores: start
    every test with an empty cache so no test sees another's results."""
    from django.core.cache import caches

    from plans import pagecache
    from plans.cache import forget_local

    for alias in caches:
        caches[alias].clear()
    forget_local()
    pagecache.forget_local()


#: Tasks that are queued and never run: for a test that must see a job waiting.
QUEUE_ONLY = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}


@pytest.fixture(autouse=True)
def _tasks_run_at_once(settings):
    """Unit tests run a task inside the call that enqueues it (django-tasks' immediate
    backend); the tests that need a real worker process ask for the `worker` fixture."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def process_env(**settings: str) -> dict[str, str]:
    """The environment for a process a test starts: this machine's, without this run's
    Zoneplan settings or the flag the browser tests set, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ZONEPLAN_")}
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    env.update(settings)
    return env


REDIS_TEST_URL = "redis://127.0.0.1:6379/15"


@pytest.fixture
def redis_cache(settings):
    """Django's cache on the test Redis, under a prefix of this test's own. Afterwards only
    this prefix's keys are deleted: the cache's `clear()` empties the whole Redis database,
    which the tests running at once in other workers share (it once deleted another test's
    lock while three threads waited on it)."""
    import uuid

    import redis
    from django.core.cache import cache

    prefix = f"test-{uuid.uuid4().hex}"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_TEST_URL,
            "KEY_PREFIX": prefix,
        }
    }
    yield cache
    client = redis.Redis.from_url(REDIS_TEST_URL)
    keys = list(client.scan_iter(match=f"{prefix}:*"))
    if keys:
        client.delete(*keys)
    client.close()


def free_port() -> int:
    """A loopback port nothing listens on now, for a server a test starts."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def database_url() -> str:
    """The URL of the test database, for a process a test starts."""
    from django.db import connection

    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"  # an absolute path gives sqlite:////…
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


class WorkerProcess:
    """A real `manage.py worker` on the test database, started and stopped by the test."""

    def __init__(self, lease: int):
        self.lease = lease
        self.extra_env: dict[str, str] = {}
        self.process: subprocess.Popen | None = None
        self.log = ROOT / "var" / f"test-worker-{os.getpid()}.log"

    def start(self) -> None:
        env = process_env(
            DATABASE_URL=database_url(),
            ZONEPLAN_TASK_LEASE_SECONDS=str(self.lease),
            ZONEPLAN_LOG_LEVEL="WARNING",
        )
        env.update(self.extra_env)
        self.process = subprocess.Popen(  # noqa: S603 - our own manage.py
            [
                sys.executable,
                "manage.py",
                "worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--no-startup-delay",
            ],
            cwd=ROOT,
            env=env,
            stdout=self.log.open("ab"),
            stderr=subprocess.STDOUT,
        )

    def kill(self) -> None:
        """As `kill -9` would: no chance to finish or to say anything."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()

    def wait_for(self, condition, *, timeout: float = 90, what: str = "the worker") -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise AssertionError(f"{what} did not happen in {timeout} s; log: {self.log}")
            time.sleep(0.2)


@pytest.fixture
def worker(loaded_data, settings):
    """A worker process on the test database; the code under test enqueues to the database
    backend, so nothing runs until that process takes it."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.ZONEPLAN_TASK_LEASE_SECONDS = 4
    process = WorkerProcess(lease=settings.ZONEPLAN_TASK_LEASE_SECONDS)
    process.start()
    yield process
    process.stop()


@pytest.fixture
def loaded_data(transactional_db):
    if not Unit.objects.filter(code="510100").exists():
        load_shipped_data()


@pytest.fixture
def users(db) -> dict[str, User]:
    """The demo users, one per role, plus two who mark the permission boundary:
    admin (city admin), viewer (city viewer), gaoxin (district officer of 高新区),
    jinjiang (district officer of 锦江区), xinjingji (zone officer of 成都新经济活力区, in 高新区),
    bailuwan (zone officer of 白鹭湾新经济总部功能区, in 锦江区)."""
    return {u.username: u for u in User.objects.all()}


@pytest.fixture
def login(client, users):
    def _login(username: str):
        client.force_login(users[username])
        return client

    return _login
