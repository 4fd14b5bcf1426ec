"""A malformed setting stops the start with a message that names it, in Chinese."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from core.env import envbool, envint, parse_database_url

ROOT = Path(__file__).resolve().parents[2]


def _start(env: dict | None = None, *args: str, **more) -> subprocess.CompletedProcess:
    # Not this test run's settings, nor the flag the browser tests set for Playwright.
    ignored = ("DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("ZONEPLAN_") and k not in ignored
    }
    environment.update(env or {}, **more)
    return subprocess.run(
        [sys.executable, "manage.py", "check", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"DATABASE_URL": "mysql://root@localhost/db"}, "环境变量 DATABASE_URL"),
        ({"DATABASE_URL": "postgres://127.0.0.1:notaport/db"}, "无法解析"),
        ({"DATABASE_URL": "postgres:///"}, "需要主机名和数据库名"),
        ({"ZONEPLAN_DEBUG": "perhaps"}, "环境变量 ZONEPLAN_DEBUG"),
        ({"ZONEPLAN_LOGIN_FAILURE_LIMIT": "five"}, "应为整数"),
        ({"ZONEPLAN_DEBUG": "false"}, "ZONEPLAN_SECRET_KEY"),
        ({"ZONEPLAN_HSTS_SECONDS": "a year"}, "环境变量 ZONEPLAN_HSTS_SECONDS"),
        ({"ZONEPLAN_HSTS_SECONDS": "-1"}, "不能小于 0"),
        ({"ZONEPLAN_SSL_REDIRECT": "sometimes"}, "环境变量 ZONEPLAN_SSL_REDIRECT"),
        ({"ZONEPLAN_PROXY_SSL_HEADER": "X-Forwarded-Proto"}, "应写成 请求头=取值"),
        ({"ZONEPLAN_PROXY_SSL_HEADER": "X Forwarded=https"}, "应写成 请求头=取值"),
        ({"ZONEPLAN_TRUSTED_PROXIES": "10.0.0.1,proxy.local"}, "应为 IP 地址或网段"),
        ({"ZONEPLAN_REMIND_AT": "8 o'clock"}, "环境变量 ZONEPLAN_REMIND_AT"),
        ({"ZONEPLAN_TILE_URL": "tiles.example.org/{z}/{x}/{y}.png"}, "应为 http(s):// 开头"),
        ({"ZONEPLAN_REDIS_URL": "127.0.0.1:6379"}, "环境变量 ZONEPLAN_REDIS_URL"),
        ({"ZONEPLAN_TASKS_BACKEND": "no.such.Backend"}, "找不到模块 no.such"),
        ({"ZONEPLAN_TASKS_BACKEND": "redis"}, "环境变量 ZONEPLAN_TASKS_BACKEND"),
        ({"ZONEPLAN_REDIS_URL": "redis://127.0.0.1:port/0"}, "无法解析"),
        ({"ZONEPLAN_REMIND_AT": "25:00"}, "应写成 时:分"),
        ({"ZONEPLAN_TASK_LEASE_SECONDS": "1"}, "不能小于 2"),
        ({"ZONEPLAN_TASK_RETRIES": "once"}, "环境变量 ZONEPLAN_TASK_RETRIES"),
        ({"ZONEPLAN_STORAGE": "ftp"}, "应为 database、filesystem 或 s3"),
        ({"ZONEPLAN_STORAGE": "filesystem"}, "环境变量 ZONEPLAN_STORAGE_PATH"),
        (
            {"ZONEPLAN_STORAGE": "filesystem", "ZONEPLAN_STORAGE_PATH": "shared/files"},
            "所有服务器共享的绝对路径",
        ),
        ({"ZONEPLAN_STORAGE": "s3"}, "环境变量 ZONEPLAN_S3_BUCKET"),
    ],
)
def test_a_bad_setting_stops_the_start_and_names_the_variable(env, expected):
    result = _start(env)
    assert result.returncode != 0
    assert expected in result.stderr


PRODUCTION = {
    "ZONEPLAN_DEBUG": "false",
    "ZONEPLAN_SECRET_KEY": "t" * 20 + "-a-long-and-varied-key-for-the-deploy-check-0123456789",
    "ZONEPLAN_ALLOWED_HOSTS": "zoneplan.example.cn",
    "ZONEPLAN_HSTS_SECONDS": "31536000",
    "ZONEPLAN_HSTS_PRELOAD": "true",
    "ZONEPLAN_SSL_REDIRECT": "true",
    "ZONEPLAN_PROXY_SSL_HEADER": "X-Forwarded-Proto=https",
    "DATABASE_URL": "sqlite:////tmp/zoneplan-settings-test.sqlite3",
}


def test_production_settings_pass_the_deploy_check_without_a_warning():
    result = _start(PRODUCTION, "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_without_https_settings_the_deploy_check_names_what_is_missing():
    env = {k: v for k, v in PRODUCTION.items() if "HSTS" not in k and "SSL" not in k}
    result = _start(env, "--deploy")
    assert "security.W004" in result.stderr and "security.W008" in result.stderr


def test_the_proxy_header_reads_as_django_wants_it():
    from django.conf import settings

    from core.env import proxy_ssl_header

    assert proxy_ssl_header("X-Forwarded-Proto=https") == ("HTTP_X_FORWARDED_PROTO", "https")
    assert proxy_ssl_header(" ") is None
    assert settings.SECURE_PROXY_SSL_HEADER is None  # not behind a proxy unless told


def test_the_defaults_start_without_any_setting():
    result = _start(DATABASE_URL="sqlite:////tmp/zoneplan-settings-test.sqlite3")
    assert result.returncode == 0, result.stderr


def test_it_reads_a_postgres_url_with_credentials_and_options():
    db = parse_database_url(
        "postgres://zp%40user:p%2Fss@db.internal:6543/zoneplan?sslmode=require&conn_max_age=60",
        base_dir=ROOT,
    )
    assert db["ENGINE"] == "django.db.backends.postgresql"
    assert (db["USER"], db["PASSWORD"], db["HOST"], db["PORT"], db["NAME"]) == (
        "zp@user",
        "p/ss",
        "db.internal",
        "6543",
        "zoneplan",
    )
    assert db["OPTIONS"] == {"sslmode": "require"}
    assert db["CONN_MAX_AGE"] == 60


def test_a_relative_sqlite_path_is_inside_the_project_and_an_absolute_one_is_kept():
    assert parse_database_url("sqlite:///var/x.db", base_dir=ROOT)["NAME"] == str(ROOT / "var/x.db")
    assert parse_database_url("sqlite:////srv/x.db", base_dir=ROOT)["NAME"] == "/srv/x.db"


def test_a_sqlite_url_without_a_path_is_refused():
    with pytest.raises(ImproperlyConfigured, match="缺少数据库文件路径"):
        parse_database_url("sqlite://", base_dir=ROOT)


def test_typed_helpers_refuse_what_they_cannot_read(monkeypatch):
    monkeypatch.setenv("X_BOOL", "maybe")
    monkeypatch.setenv("X_INT", "-3")
    with pytest.raises(ImproperlyConfigured, match="X_BOOL"):
        envbool("X_BOOL", False)
    with pytest.raises(ImproperlyConfigured, match="不能小于 1"):
        envint("X_INT", 5, minimum=1)
    monkeypatch.setenv("X_BOOL", "Yes")
    assert envbool("X_BOOL", False) is True
