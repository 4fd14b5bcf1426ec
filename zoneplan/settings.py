"""Zoneplan settings. Every value comes from an environment variable; the defaults run a
development copy on an embedded SQLite database with no setup. See README, "Configuration".
"""

import re
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import (
    dotted_path,
    envbool,
    envfloats,
    envint,
    envlist,
    envnetworks,
    envstr,
    envtime,
    file_storage,
    parse_database_url,
    proxy_ssl_header,
    redis_url,
    tile_origin,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("ZONEPLAN_DEBUG", True)
SECRET_KEY = envstr("ZONEPLAN_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "生产环境（ZONEPLAN_DEBUG=false）必须设置环境变量 ZONEPLAN_SECRET_KEY。 / "
            "ZONEPLAN_SECRET_KEY must be set when ZONEPLAN_DEBUG is false."
        )
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 - refused above outside DEBUG
ALLOWED_HOSTS = envlist("ZONEPLAN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "simple_history",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "core",
    "territory",
    "accounts",
    "jobs",
    "plans",
    "carriers",
    "investment",
    "chains",
    "opportunities",
    "reporting",
    "assessment",
    "dashboards",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "core.middleware.ErrorPagesMiddleware",
]

# Flash messages take Tabler's alert colours: an error is red (Tabler has no alert-error).
MESSAGE_TAGS = {40: "danger"}  # django.contrib.messages.constants.ERROR

ROOT_URLCONF = "zoneplan.urls"
WSGI_APPLICATION = "zoneplan.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "accounts.context_processors.roles",
            ],
        },
    },
]

DATABASES = {
    "default": parse_database_url(
        envstr("DATABASE_URL", "sqlite:///var/zoneplan.sqlite3"), base_dir=BASE_DIR
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the task worker write at once. Waiting on a lock beats failing;
    # write-ahead logging lets readers go on while one writes; IMMEDIATE takes the write lock
    # when a transaction begins, so two writers queue instead of failing as deadlocked.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "accounts.passwords.MinimumLengthValidator"},  # Django's, worded in Chinese
    {"NAME": "accounts.passwords.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AXES_FAILURE_LIMIT = envint("ZONEPLAN_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = envint("ZONEPLAN_LOGIN_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
# Locked by user name and address together: behind the city's proxy every officer shares one
# address, and one person's typos must not lock out the office. The address is the proxy's
# forwarded one only when the request comes from a trusted proxy (accounts/addresses.py).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "accounts.addresses.client_address"
ZONEPLAN_TRUSTED_PROXIES = envnetworks("ZONEPLAN_TRUSTED_PROXIES", [])

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = envstr("ZONEPLAN_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "var" / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise expects it; collectstatic fills it

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("ZONEPLAN_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# HTTPS in production (README, "Configuration"): HSTS, the redirect to HTTPS, and the header by
# which the proxy in front says a request came over HTTPS ("X-Forwarded-Proto=https").
SECURE_HSTS_SECONDS = envint("ZONEPLAN_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("ZONEPLAN_HSTS_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("ZONEPLAN_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = envbool("ZONEPLAN_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = proxy_ssl_header(envstr("ZONEPLAN_PROXY_SSL_HEADER", ""))
DATA_UPLOAD_MAX_MEMORY_SIZE = envint("ZONEPLAN_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)

# Spreadsheet imports: larger files or more rows are refused before they are parsed.
ZONEPLAN_IMPORT_MAX_BYTES = envint("ZONEPLAN_IMPORT_MAX_BYTES", 30 * 1024 * 1024, minimum=1024)
ZONEPLAN_IMPORT_MAX_ROWS = envint("ZONEPLAN_IMPORT_MAX_ROWS", 200_000, minimum=10)
# A commit of more rows than this runs in a task worker, followed on the job's page.
ZONEPLAN_IMPORT_TASK_ROWS = envint("ZONEPLAN_IMPORT_TASK_ROWS", 5_000, minimum=0)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024  # larger uploads go to a temporary file

# Geometry: the largest shape file accepted; the city's extent (west, south, east, north in
# degrees; default Chengdu, 东经102°54′–104°53′、北纬30°05′–31°26′ as commonly published);
# the core-area size band (km²) outside which a warning is shown.
ZONEPLAN_GEOMETRY_MAX_BYTES = envint("ZONEPLAN_GEOMETRY_MAX_BYTES", 10 * 1024 * 1024, minimum=1024)
ZONEPLAN_CITY_EXTENT = envfloats(
    "ZONEPLAN_CITY_EXTENT", ["102.9", "30.0833", "104.8833", "31.4333"], count=4
)
ZONEPLAN_CORE_AREA_BAND_KM2 = envfloats("ZONEPLAN_CORE_AREA_BAND_KM2", ["0.5", "2"], count=2)

# The map's base layer: an XYZ tile URL (e.g. Tianditu with a key) and its attribution; empty
# means no base tiles (intranets without a tile service still get the zones and points).
ZONEPLAN_TILE_URL = envstr("ZONEPLAN_TILE_URL", "")
ZONEPLAN_TILE_ATTRIBUTION = envstr("ZONEPLAN_TILE_ATTRIBUTION", "")

# Content-Security-Policy (django-csp): scripts, styles, fonts and data only from this site;
# no inline script anywhere (behaviour lives in static/js), no framing, no plugins. Inline
# style attributes stay allowed: the templates size bars and charts with them, and htmx and
# the map set styles on the elements they draw. Map tiles may come from ZONEPLAN_TILE_URL.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", *tile_origin(ZONEPLAN_TILE_URL)],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# A plan file larger than this is refused before it is parsed.
ZONEPLAN_PLAN_FILE_MAX_BYTES = envint("ZONEPLAN_PLAN_FILE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)

# E-mail for reminders and escalations (reporting.reminders). The default prints mails to the
# console; set the backend to django.core.mail.backends.smtp.EmailBackend and the host in production.
EMAIL_BACKEND = envstr("ZONEPLAN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = envstr("ZONEPLAN_EMAIL_HOST", "localhost")
EMAIL_PORT = envint("ZONEPLAN_EMAIL_PORT", 25, minimum=1)
DEFAULT_FROM_EMAIL = envstr("ZONEPLAN_EMAIL_FROM", "zoneplan@localhost")
# An evidence file (photo, contract, PDF) attached to a submission may be at most this large.
ZONEPLAN_EVIDENCE_MAX_BYTES = envint("ZONEPLAN_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024, minimum=1024)
# Where the contents of evidence files and staged uploads live (docs/deploying.md, "Files"):
# "database" (the default: in their rows, written and backed up with them), "filesystem" (a
# folder every server shares, ZONEPLAN_STORAGE_PATH) or "s3" (any S3-compatible store through
# django-storages: ZONEPLAN_S3_BUCKET, _ENDPOINT_URL, _REGION, _ACCESS_KEY, _SECRET_KEY, _PREFIX).
ZONEPLAN_STORAGE = envstr("ZONEPLAN_STORAGE", "database").strip().lower() or "database"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
_files = file_storage(ZONEPLAN_STORAGE)
if _files is not None:
    STORAGES["zoneplan_files"] = _files
# Reminders start this many days before a report is due.
ZONEPLAN_REMIND_DAYS = envint("ZONEPLAN_REMIND_DAYS", 3, minimum=0)
# The workers send the day's reminders and escalations at this local time (no cron needed).
ZONEPLAN_REMIND_AT = envtime("ZONEPLAN_REMIND_AT", "08:00")
# Attraction conflicts (docs/conflicts.md): which zone holds a contested project until the city
# decides ("first_contact": the earliest stage date; "first_registered": the first registered),
# how alike two normalised enterprise names must be to be taken as one (0-100), and when the
# workers look for conflicts each day.
ZONEPLAN_CONFLICT_HOLDER = envstr("ZONEPLAN_CONFLICT_HOLDER", "first_contact").strip()
if ZONEPLAN_CONFLICT_HOLDER not in ("first_contact", "first_registered"):
    raise ImproperlyConfigured(
        "ZONEPLAN_CONFLICT_HOLDER must be first_contact or first_registered, "
        f"not {ZONEPLAN_CONFLICT_HOLDER!r}"
    )
ZONEPLAN_CONFLICT_SIMILARITY = envint("ZONEPLAN_CONFLICT_SIMILARITY", 90, minimum=50)
ZONEPLAN_CONFLICTS_AT = envtime("ZONEPLAN_CONFLICTS_AT", "02:30")

# Opportunity lists (docs/portal.md): the review levels an opportunity passes before it is
# published, in order ("district,city"; "city" alone skips the district). A level at or above
# the issuing unit is skipped: a district's own list goes to the city only.
ZONEPLAN_OPPORTUNITY_REVIEW = tuple(
    level.strip()
    for level in envstr("ZONEPLAN_OPPORTUNITY_REVIEW", "district,city").split(",")
    if level.strip()
)
# Answers to opportunities on the public form (揭榜): how long their personal data is kept,
# the largest file, and the abuse limits (there is no CAPTCHA service on an intranet): sends
# per address and per opportunity in an hour, answers awaiting the zone per opportunity, and
# the least time in seconds between opening the form and sending it.
ZONEPLAN_RESPONSE_RETENTION_DAYS = envint("ZONEPLAN_RESPONSE_RETENTION_DAYS", 365, minimum=1)
ZONEPLAN_RESPONSE_MAX_BYTES = envint("ZONEPLAN_RESPONSE_MAX_BYTES", 5 * 1024 * 1024, minimum=1024)
ZONEPLAN_RESPONSE_PER_ADDRESS = envint("ZONEPLAN_RESPONSE_PER_ADDRESS", 5, minimum=1)
ZONEPLAN_RESPONSE_PER_OPPORTUNITY = envint("ZONEPLAN_RESPONSE_PER_OPPORTUNITY", 30, minimum=1)
ZONEPLAN_RESPONSE_PENDING_MAX = envint("ZONEPLAN_RESPONSE_PENDING_MAX", 200, minimum=1)
ZONEPLAN_RESPONSE_MIN_SECONDS = envint("ZONEPLAN_RESPONSE_MIN_SECONDS", 3, minimum=0)
ZONEPLAN_RESPONSE_ERASE_AT = envtime("ZONEPLAN_RESPONSE_ERASE_AT", "03:30")
if not ZONEPLAN_OPPORTUNITY_REVIEW or not set(ZONEPLAN_OPPORTUNITY_REVIEW) <= {"district", "city"}:
    raise ImproperlyConfigured(
        "ZONEPLAN_OPPORTUNITY_REVIEW must list district and/or city, "
        f"not {ZONEPLAN_OPPORTUNITY_REVIEW!r}"
    )

# A Redis shared by every web and worker process: the computed cockpit and map are computed once
# for all of them, and sessions are read from it (and still written to the database). Without
# it each process keeps its own cache in memory.
ZONEPLAN_REDIS_URL = redis_url(envstr("ZONEPLAN_REDIS_URL", ""))
if ZONEPLAN_REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ZONEPLAN_REDIS_URL,
            "KEY_PREFIX": "zoneplan",
        },
        # Rendered fragments (the cockpit's table of targets) are keyed by the data version, so
        # each process may keep its own: fetching 80 KB from Redis costs more than rendering
        # it once per process.
        "template_fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# Long work (assessment runs, large imports, city briefings, reminders) runs as tasks in worker
# processes (`manage.py worker`). The default backend keeps the queue in this database, so
# nothing else is needed; any django-tasks backend (Redis, Celery) can be named instead.
TASKS = {
    "default": {
        "BACKEND": dotted_path(
            envstr("ZONEPLAN_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
            name="ZONEPLAN_TASKS_BACKEND",
        ),
    }
}
# A running job whose worker shows no sign of life for this long is presumed lost: it is queued
# again while retries remain, else marked failed (jobs/services.py).
ZONEPLAN_TASK_LEASE_SECONDS = envint("ZONEPLAN_TASK_LEASE_SECONDS", 60, minimum=2)
ZONEPLAN_TASK_RETRIES = envint("ZONEPLAN_TASK_RETRIES", 1, minimum=0)

# The REST API (/api/v1/, docs/api.md). Tokens last at most ZONEPLAN_API_TOKEN_MAX_DAYS; each
# token may make ZONEPLAN_API_RATE requests (DRF's "N/second|minute|hour|day"), counted in the
# cache (shared by every process when ZONEPLAN_REDIS_URL is set). A JSON body may be at most
# ZONEPLAN_API_MAX_BODY_BYTES.
ZONEPLAN_API_TOKEN_MAX_DAYS = envint("ZONEPLAN_API_TOKEN_MAX_DAYS", 365, minimum=1)
ZONEPLAN_API_RATE = envstr("ZONEPLAN_API_RATE", "1200/minute").strip()
if not re.fullmatch(r"[1-9][0-9]*/(s|sec|second|m|min|minute|h|hour|d|day)", ZONEPLAN_API_RATE):
    raise ImproperlyConfigured(
        f"ZONEPLAN_API_RATE={ZONEPLAN_API_RATE!r}：应写作“次数/时段”，如 1200/minute。 / "
        "ZONEPLAN_API_RATE must read like 1200/minute (second, minute, hour or day)."
    )
ZONEPLAN_API_MAX_BODY_BYTES = envint("ZONEPLAN_API_MAX_BODY_BYTES", 256 * 1024, minimum=1024)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["accounts.api.TokenRights"],
    "DEFAULT_THROTTLE_CLASSES": ["accounts.api.TokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"token": ZONEPLAN_API_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["core.api_formats.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "core.api_formats.SignedCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Zoneplan API",
    "DESCRIPTION": "产业功能区建设管理平台：功能区、工作计划进展、台账、统计填报与考核评价。 "
    "Units, the work plan's progress, the registries, reporting and the assessment. "
    "Read it at /api/v1/docs/ (Swagger UI) or /api/v1/redoc/.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # One name for a choice set that several fields share (a submission's state, and the
    # states an event leads from and to).
    "ENUM_NAME_OVERRIDES": {
        "SubmissionStateEnum": "reporting.choices.State",
        "RunStatusEnum": "assessment.models.Run.Status",
        "StatusEnum": "carriers.status.Status",  # a build: planned, new start, continuing, done
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api.document_errors",
    ],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("ZONEPLAN_LOG_LEVEL", "INFO")},
    # django-axes logs every log-in at INFO and a banner at every start; lock-outs are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
