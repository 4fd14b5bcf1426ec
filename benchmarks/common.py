"""What every benchmark does first: a scratch database with the migrations and the shipped plan."""

from __future__ import annotations

import io
import statistics
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def migrate_and_load_plan() -> io.StringIO:
    """Migrate the scratch database and load the shipped plan; returns the quiet output buffer
    (for further commands)."""
    from django.core.management import call_command

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command(
        "load_plan",
        ROOT / "plans/data/territory-chengdu.yaml",
        ROOT / "plans/data/plan-2020.yaml",
        stdout=quiet,
    )
    return quiet


def median_ms(fn, runs: int) -> float:
    """The median wall time of `runs` calls of `fn`, in milliseconds, after one warm-up call."""
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def scratch_django(database: str, name: str) -> None:
    """Start Django on a fresh scratch database `name` (PostgreSQL, or a SQLite file under
    var/), with no ZONEPLAN_ setting from the environment, migrated and with the shipped plan."""
    import os

    if database == "postgres":
        fresh_postgres(name)
        url = f"postgres://postgres@127.0.0.1:5432/{name}"
    else:
        path = ROOT / "var" / f"{name}.sqlite3"
        path.parent.mkdir(exist_ok=True)
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    for key in [k for k in os.environ if k.startswith("ZONEPLAN_")]:
        del os.environ[key]
    os.environ["DATABASE_URL"] = url
    os.environ["DJANGO_SETTINGS_MODULE"] = "zoneplan.settings"
    import django

    django.setup()
    migrate_and_load_plan()


def fresh_postgres(name: str) -> None:
    """Drop and create the scratch PostgreSQL database `name` (nothing else is touched)."""
    import psycopg

    with psycopg.connect("postgresql://postgres@127.0.0.1:5432/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        c.execute(f'CREATE DATABASE "{name}"')


def session_for(user) -> str:
    """A logged-in session of `user`, as the log-in page makes it; returns its key."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = next(
        b for b in settings.AUTHENTICATION_BACKENDS if b.endswith("ModelBackend")
    )
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key
