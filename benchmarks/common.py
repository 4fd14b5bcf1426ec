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


def start_gunicorn(
    *, database: str, secret: str, workers: int, threads: int, log: Path, settings: dict
):
    """gunicorn serving Zoneplan on a free loopback port, on `database`, as a deployment runs
    it (DEBUG off, sync workers or gthread with `threads` > 1, `settings` in its environment);
    returns the process and the port once it answers."""
    import os
    import socket
    import subprocess
    import sys

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = os.environ | {
        "DATABASE_URL": database + "?conn_max_age=600",
        "ZONEPLAN_DEBUG": "false",
        "ZONEPLAN_ALLOWED_HOSTS": "127.0.0.1",
        "ZONEPLAN_SECRET_KEY": secret,
        "ZONEPLAN_LOG_LEVEL": "WARNING",
        **settings,
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(  # noqa: S603 - our own server
        [
            str(gunicorn), "zoneplan.wsgi", "--bind", f"127.0.0.1:{port}",
            "--workers", str(workers),
            *(["--worker-class", "gthread", "--threads", str(threads)] if threads > 1 else []),
        ],
        cwd=ROOT, env=env, stdout=log.open("wb"), stderr=subprocess.STDOUT,
    )  # fmt: skip
    deadline = time.time() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return server, port
        except OSError:
            if server.poll() is not None or time.time() > deadline:
                raise SystemExit(f"gunicorn did not start: see {log}") from None
            time.sleep(0.2)
