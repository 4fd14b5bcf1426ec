"""Shared fixtures. The test database holds the shipped plan and the demo data, loaded once
per session through the same commands an administrator runs; each test runs in a
transaction that is rolled back. Browser tests (live server) empty the database when they
finish, so they reload the data they need with `loaded_data`."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from territory.models import Unit

ROOT = Path(__file__).resolve().parent
PLAN_FILES = [ROOT / "plans/data/territory-chengdu.yaml", ROOT / "plans/data/plan-2020.yaml"]
SCHEME_FILE = ROOT / "assessment/data/scheme-2020.yaml"


def load_shipped_data() -> None:
    call_command("load_plan", *PLAN_FILES, verbosity=0, stdout=io.StringIO())
    call_command("seed_demo", verbosity=0, stdout=io.StringIO())
    call_command("load_scheme", SCHEME_FILE, verbosity=0, stdout=io.StringIO())


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_shipped_data()


@pytest.fixture(autouse=True)
def _empty_cache():
    """Cached progress is keyed by the data version, which a rolled-back test restores: start
    every test with an empty cache so no test sees another's results."""
    from django.core.cache import cache

    cache.clear()


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
