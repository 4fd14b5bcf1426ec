"""With ZONEPLAN_REDIS_URL every process shares one cache (Redis on 127.0.0.1:6379): what one
process stores another reads, and when several ask for the same figures at once they are
computed once; sessions are then read from the cache and still kept in the database."""

import subprocess
import sys
import threading
import time
import uuid

import pytest

from conftest import REDIS_TEST_URL, ROOT, process_env
from plans.cache import cached

REDIS = REDIS_TEST_URL


def _shell(code: str, **env) -> str:
    environment = process_env(**env)
    environment.pop("DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code], cwd=ROOT, env=environment,
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    return (done.stdout.strip().splitlines() or [""])[-1]


def test_what_one_process_caches_another_reads():
    key = f"shared-{uuid.uuid4().hex}"
    _shell(
        f"from django.core.cache import cache; cache.set('{key}', 'from A', 60)",
        ZONEPLAN_REDIS_URL=REDIS,
    )
    seen = _shell(
        f"from django.core.cache import cache; print(cache.get('{key}'))", ZONEPLAN_REDIS_URL=REDIS
    )
    assert seen == "from A"
    engine = _shell(
        "from django.conf import settings; print(settings.SESSION_ENGINE)", ZONEPLAN_REDIS_URL=REDIS
    )
    assert engine == "django.contrib.sessions.backends.cached_db"
    alone = _shell(f"from django.core.cache import cache; print(cache.get('{key}'))")
    assert alone == "None"  # without Redis a process has its own cache


def test_figures_asked_for_at_once_are_computed_once(db, redis_cache):
    computed = []

    def compute():
        computed.append(1)
        time.sleep(0.5)  # long enough for the others to arrive while it runs
        return {"sections": 63}

    results = []
    askers = [threading.Thread(target=lambda: results.append(cached("cockpit:510100", compute)))
              for _ in range(4)]  # fmt: skip
    for asker in askers:
        asker.start()
    for asker in askers:
        asker.join()
    assert computed == [1]
    assert results == [{"sections": 63}] * 4


def test_a_computation_that_fails_lets_the_next_asker_compute(db, redis_cache):
    def broken():
        raise RuntimeError("the database went away")

    with pytest.raises(RuntimeError):
        cached("cockpit:510100", broken)
    assert cached("cockpit:510100", lambda: "computed again") == "computed again"
