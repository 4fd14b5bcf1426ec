"""Settings read from environment variables, each through a small typed helper.

A bad value stops the start with ImproperlyConfigured naming the variable and what it
expected, in Chinese first (the officers who run the system read Chinese) and English.
This module imports nothing from Django's app registry: settings.py uses it before setup.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import parse_qsl, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def _fail(name: str, value: str, zh: str, en: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"环境变量 {name}={value!r} 无效：{zh}。 / Invalid {name}: {en}.")


def envstr(name: str, default: str) -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise _fail(name, raw, "应为 true/false、1/0、yes/no 或 on/off", "expected true or false")


def envint(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise _fail(name, raw, "应为整数", "expected a whole number") from None
    if minimum is not None and value < minimum:
        raise _fail(name, raw, f"不能小于 {minimum}", f"must be at least {minimum}")
    return value


def envtime(name: str, default: str):
    """A local time of day written HH:MM, e.g. 08:00."""
    import datetime as dt

    raw = os.environ.get(name, default)
    try:
        return dt.datetime.strptime(raw.strip(), "%H:%M").time()
    except ValueError:
        raise _fail(
            name, raw, "应写成 时:分，例如 08:00", "write it as HH:MM, e.g. 08:00"
        ) from None


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def proxy_ssl_header(raw: str, *, name: str = "ZONEPLAN_PROXY_SSL_HEADER") -> tuple | None:
    """`X-Forwarded-Proto=https` (the header the proxy sets, and its value for HTTPS) as the
    (META key, value) pair SECURE_PROXY_SSL_HEADER wants; None when empty."""
    if not raw.strip():
        return None
    header, equals, value = raw.partition("=")
    header, value = header.strip(), value.strip()
    if not equals or not header or not value or not all(c.isalnum() or c in "-_" for c in header):
        raise _fail(
            name, raw, "应写成 请求头=取值，例如 X-Forwarded-Proto=https",
            "write it as Header=value, e.g. X-Forwarded-Proto=https",
        )  # fmt: skip
    key = header.upper().replace("-", "_")
    return (key if key.startswith("HTTP_") else f"HTTP_{key}", value)


def redis_url(raw: str, *, name: str = "ZONEPLAN_REDIS_URL") -> str:
    """`redis://host:6379/0`, `rediss://…` (TLS) or `unix:///path`; empty for none."""
    raw = raw.strip()
    if not raw:
        return ""
    try:
        parts = urlsplit(raw)
        parts.port  # noqa: B018 - a bad port raises here
    except ValueError as exc:
        raise _fail(name, raw, f"无法解析（{exc}）", f"cannot be parsed ({exc})") from None
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise _fail(
            name, raw, "应写成 redis://主机:6379/0、rediss://… 或 unix:///路径",
            "write it as redis://host:6379/0, rediss://… or unix:///path",
        )  # fmt: skip
    return raw


def dotted_path(raw: str, *, name: str) -> str:
    """A class named by its dotted path (`package.module.Class`) whose module exists; checked
    without importing it, since settings are read before Django is set up."""
    from importlib.util import find_spec

    module, dot, attribute = raw.strip().rpartition(".")
    try:
        found = bool(dot and module and attribute) and find_spec(module) is not None
    except (ImportError, ValueError):
        found = False
    if not found:
        raise _fail(
            name, raw, f"找不到模块 {module or raw}，应写成 包.模块.类名",
            f"no module {module or raw}; write it as package.module.Class",
        )  # fmt: skip
    return raw.strip()


def tile_origin(url: str) -> list[str]:
    """The scheme and host of an XYZ tile URL template ({z}/{x}/{y}), for the policy's img-src."""
    if not url.strip():
        return []
    parts = urlsplit(url.strip().replace("{s}", "a"))
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise _fail(
            "ZONEPLAN_TILE_URL", url, "应为 http(s):// 开头的瓦片地址模板",
            "expected an http(s):// tile URL template",
        )  # fmt: skip
    host = parts.netloc if "{s}" not in url else "*." + parts.netloc.split(".", 1)[1]
    return [f"{parts.scheme}://{host}"]


def envnetworks(name: str, default: list[str]) -> list:
    """Comma-separated addresses or networks (10.0.0.5, 10.0.0.0/24) as ip_network objects."""
    import ipaddress

    networks = []
    for item in envlist(name, default):
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            raise _fail(
                name, item, "应为 IP 地址或网段，例如 10.0.0.5 或 10.0.0.0/24",
                "expected an IP address or network, e.g. 10.0.0.5 or 10.0.0.0/24",
            ) from None  # fmt: skip
    return networks


_ENGINES = {
    "postgres": "django.db.backends.postgresql",
    "postgresql": "django.db.backends.postgresql",
    "sqlite": "django.db.backends.sqlite3",
}


def parse_database_url(url: str, *, name: str = "DATABASE_URL", base_dir: Path) -> dict:
    """Turn `postgres://user:pass@host:port/db?opt=v` or `sqlite:///path` into Django's dict.

    `sqlite:///relative.db` is relative to the project; `sqlite:////abs/path.db` is absolute.
    """
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise _fail(name, url, f"无法解析（{exc}）", f"cannot be parsed ({exc})") from None
    engine = _ENGINES.get(parts.scheme)
    if engine is None:
        raise _fail(
            name,
            url,
            "协议应为 postgres://、postgresql:// 或 sqlite://",
            "the scheme must be postgres://, postgresql:// or sqlite://",
        )
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        if path in ("", "/"):
            raise _fail(name, url, "缺少数据库文件路径", "the database file path is missing")
        path = path[1:] if path.startswith("/") else path
        db_path = Path(path) if Path(path).is_absolute() else base_dir / path
        return {"ENGINE": engine, "NAME": str(db_path)}
    db_name = unquote(parts.path.lstrip("/"))
    if not parts.hostname or not db_name:
        raise _fail(
            name, url, "需要主机名和数据库名", "a host name and a database name are required"
        )
    options = dict(parse_qsl(parts.query, keep_blank_values=True))
    conn_max_age = options.pop("conn_max_age", "0")
    try:
        conn_max_age_value = int(conn_max_age)
    except ValueError:
        raise _fail(
            name, url, "conn_max_age 应为整数", "conn_max_age must be a whole number"
        ) from None
    return {
        "ENGINE": engine,
        "NAME": db_name,
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname,
        "PORT": str(port or ""),
        "CONN_MAX_AGE": conn_max_age_value,
        "OPTIONS": options,
    }


def envfloats(name: str, default: list[str], *, count: int) -> tuple[float, ...]:
    """A comma-separated list of exactly `count` numbers."""
    raw = os.environ.get(name)
    values = envlist(name, default)
    try:
        numbers = tuple(float(v) for v in values)
    except ValueError:
        raise _fail(
            name,
            raw or "",
            f"应为 {count} 个以逗号分隔的数字",
            f"expected {count} comma-separated numbers",
        ) from None
    if len(numbers) != count:
        raise _fail(
            name,
            raw or "",
            f"应为 {count} 个以逗号分隔的数字",
            f"expected {count} comma-separated numbers",
        )
    return numbers


STORAGE_KINDS = ("database", "filesystem", "s3")


def file_storage(kind: str, *, name: str = "ZONEPLAN_STORAGE") -> dict | None:
    """Django's STORAGES entry for evidence files and staged uploads (core.files), or None when
    they stay in the database. `filesystem` needs ZONEPLAN_STORAGE_PATH, a folder every server
    shares; `s3` needs ZONEPLAN_S3_BUCKET and reads the other ZONEPLAN_S3_* variables."""
    kind = kind.strip().lower()
    if kind not in STORAGE_KINDS:
        raise _fail(
            name, kind, "应为 database、filesystem 或 s3", "expected database, filesystem or s3"
        )
    if kind == "database":
        return None
    if kind == "filesystem":
        path = os.environ.get("ZONEPLAN_STORAGE_PATH", "").strip()
        if not path or not Path(path).is_absolute():
            raise _fail(
                "ZONEPLAN_STORAGE_PATH", path, "ZONEPLAN_STORAGE=filesystem 时须为所有服务器共享的绝对路径",
                "with ZONEPLAN_STORAGE=filesystem it must be an absolute path every server shares",
            )  # fmt: skip
        return {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": path, "file_permissions_mode": 0o600},
        }
    from importlib.util import find_spec

    if find_spec("storages") is None or find_spec("boto3") is None:
        raise _fail(
            name, kind, '需要先安装 django-storages 与 boto3：.venv/bin/pip install ".[s3]"',
            'it needs django-storages and boto3: .venv/bin/pip install ".[s3]"',
        )  # fmt: skip
    bucket = os.environ.get("ZONEPLAN_S3_BUCKET", "").strip()
    if not bucket:
        raise _fail(
            "ZONEPLAN_S3_BUCKET", bucket, "ZONEPLAN_STORAGE=s3 时须填写存储桶名称",
            "with ZONEPLAN_STORAGE=s3 it must name the bucket",
        )  # fmt: skip
    options = {
        "bucket_name": bucket,
        "location": os.environ.get("ZONEPLAN_S3_PREFIX", "zoneplan").strip("/"),
        "default_acl": None,  # private: files are only ever handed out by Zoneplan's own views
        "file_overwrite": False,
        "querystring_auth": True,
        "addressing_style": os.environ.get("ZONEPLAN_S3_ADDRESSING", "path"),
    }
    for option, variable in (
        ("endpoint_url", "ZONEPLAN_S3_ENDPOINT_URL"),
        ("region_name", "ZONEPLAN_S3_REGION"),
        ("access_key", "ZONEPLAN_S3_ACCESS_KEY"),
        ("secret_key", "ZONEPLAN_S3_SECRET_KEY"),
    ):
        value = os.environ.get(variable, "").strip()
        if value:
            options[option] = value
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
