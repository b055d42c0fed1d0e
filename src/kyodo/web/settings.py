"""Django settings for Kyodo's web platform.

One module for every environment; the environment variables below choose. `KYODO_ENV=production`
turns on the production checks (`kyodo.web.security.production_problems`): the process refuses to
start with DEBUG on or without a real secret key.

- KYODO_ENV            development (default) or production
- KYODO_SECRET_KEY     required in production (50+ characters, not the development key)
- KYODO_DEBUG          1/0; default 1 in development, must be 0 in production
- KYODO_ALLOWED_HOSTS  comma-separated; default localhost names
- KYODO_DATA_DIR       where the SQLite file lives (default: <repo>/var)
- DATABASE_URL         PostgreSQL (postgres://…) instead of SQLite
- KYODO_STATIC_COLLECTED  1: serve collected static files as in production (the demo sets it); default 0
- KYODO_TASK_BACKEND   database (default) or immediate (run tasks inside the request; tests)
- KYODO_JOB_STALL_MINUTES       a running job with no heartbeat this long counts as stalled (default 2)
- KYODO_JOB_QUEUED_STALL_HOURS  a job no worker picked up this long counts as stalled (default 24)
- KYODO_JOB_HEARTBEAT_SECONDS   how often a running job's worker says it is alive (default 5)
- KYODO_TABLE_FILE_BYTES, KYODO_TABLE_ROWS, KYODO_TABLE_COLUMNS, KYODO_TABLE_CELL_CHARS,
  KYODO_TABLE_XLSX_UNCOMPRESSED_BYTES, KYODO_TABLE_XLSX_RATIO   limits on every uploaded table (kyodo.tables.Limits;
  defaults 32 MB, 100,000 rows, 1,000 columns, 2,000 characters a cell, 256 MB unpacked, 200× compression)
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from kyodo.tables import DEFAULT_LIMITS
from kyodo.web.security import DEVELOPMENT_SECRET_KEY, env_flag, production_problems

WEB_DIR = Path(__file__).resolve().parent
# src/kyodo/web → repository root (an editable install, as `uv sync` makes it)
PROJECT_DIR = WEB_DIR.parents[2]
DATA_DIR = Path(os.environ.get("KYODO_DATA_DIR", PROJECT_DIR / "var"))

ENVIRONMENT = os.environ.get("KYODO_ENV", "development")
if ENVIRONMENT not in ("development", "production"):
    raise ImproperlyConfigured(f"KYODO_ENV は development か production です(指定: {ENVIRONMENT})")
PRODUCTION = ENVIRONMENT == "production"

DEBUG = env_flag("KYODO_DEBUG", default=not PRODUCTION)
SECRET_KEY = os.environ.get("KYODO_SECRET_KEY", "" if PRODUCTION else DEVELOPMENT_SECRET_KEY)
if PRODUCTION:
    problems = production_problems(debug=DEBUG, secret_key=SECRET_KEY)
    if problems:
        raise ImproperlyConfigured("本番設定で起動できません: " + " / ".join(problems))

ALLOWED_HOSTS = [
    h.strip() for h in os.environ.get("KYODO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h.strip()
]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "kyodo.web.accounts",
    "kyodo.web.audit",
    "kyodo.web.hoiku",
    "kyodo.web.jinzai",
    "kyodo.web.gijiroku",
    "kyodo.web.kenshu",
    "kyodo.web.shishin",
    "kyodo.web.hyojunka",
    "kyodo.web.jirei",
    "kyodo.web.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kyodo.web.middleware.content_security_policy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "kyodo.web.middleware.request_size_limit",
    "kyodo.web.middleware.no_store_for_signed_in",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kyodo.web.urls"
WSGI_APPLICATION = "kyodo.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [WEB_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kyodo.web.portal.context.portal",
            ],
        },
    },
]

if os.environ.get("DATABASE_URL"):
    DATABASES = {"default": dj_database_url.config(conn_max_age=60, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"].endswith("postgresql") and env_flag("KYODO_PG_PREPARED", default=True):
        # Parameters bound by the server, and a statement run five times on a connection is prepared: PostgreSQL
        # plans it once (the result pages' check of what a run depends on is one statement of 18 subqueries, and
        # planning it cost more than running it). Off (KYODO_PG_PREPARED=0) behind PgBouncer in transaction mode,
        # which cannot keep a connection's prepared statements.
        DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "kyodo.sqlite3"),
            # Wait for the worker's writes instead of failing with "database is locked". In WAL mode NORMAL
            # syncs at checkpoints, not at every commit (an audited page view is a commit); a crash cannot corrupt
            # the database, and only a power cut may lose the last commits.
            "OPTIONS": {"timeout": 20, "transaction_mode": "IMMEDIATE",
                        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"},
            # Tests use a file too: an in-memory database is shared between the live server's threads
            # with table locks that no timeout waits for ("database table is locked").
            "TEST": {"NAME": str(DATA_DIR / "test-kyodo.sqlite3")},
            # Each server thread keeps its connection (as PostgreSQL's conn_max_age): opening one, with its PRAGMA,
            # costs about a millisecond a request.
            "CONN_MAX_AGE": 60,
            "CONN_HEALTH_CHECKS": True,
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["kyodo.web.accounts.backends.OrganisationModelBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "accounts:login"
# PBKDF2 first: no extra dependency; Django 5.2 uses 1,000,000 iterations (OWASP's figure for SHA-256).
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Login rate limiting (kyodo.web.accounts.ratelimit): failures counted per user name and per address.
LOGIN_FAILURE_LIMIT = int(os.environ.get("KYODO_LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("KYODO_LOGIN_FAILURE_LIMIT_PER_ADDRESS", "30"))
LOGIN_FAILURE_WINDOW_SECONDS = 15 * 60

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_flag("KYODO_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [WEB_DIR / "static"]
# Static files as collected (hashed names, served by WhiteNoise from STATIC_ROOT): in production, and in the demo
# (`kyodo web demo` sets KYODO_STATIC_COLLECTED=1 and runs collectstatic). Otherwise plain storage, so `runserver` and
# the tests work without collectstatic.
STATIC_COLLECTED = PRODUCTION or env_flag("KYODO_STATIC_COLLECTED", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_COLLECTED
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_COLLECTED
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns about a missing root

# PDF notices and appeal sheets for every child of every run (a few seconds per thousand children, in the worker).
HOIKU_WRITE_NOTICES = env_flag("KYODO_HOIKU_NOTICES", default=True)

# Uploads: a file over 2.5 MB is streamed to a temporary file on disk in 64 KB chunks, never held whole in memory
# while the request is parsed; the forms then refuse a table over TABLE_LIMITS.file_bytes before reading it
# (kyodo.web.hoiku.forms). Form fields other than files may total 10 MB.
FILE_UPLOAD_MAX_MEMORY_SIZE = int(2.5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Every table the web reads (kyodo.tables.Limits, from the KYODO_TABLE_* variables above).
TABLE_LIMITS = DEFAULT_LIMITS

_task_backends = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    # Scale-out with Redis (README「処理の分散」): needs `uv add django-tasks-rq` and KYODO_REDIS_URL.
    "rq": "django_tasks_rq.RQBackend",
}
TASK_BACKEND = os.environ.get("KYODO_TASK_BACKEND", "database")
if TASK_BACKEND not in _task_backends:
    raise ImproperlyConfigured(f"KYODO_TASK_BACKEND は {', '.join(_task_backends)} のいずれかです")
TASKS = {"default": {"BACKEND": _task_backends[TASK_BACKEND], "QUEUES": ["default"]}}
if TASK_BACKEND == "rq":
    if not os.environ.get("KYODO_REDIS_URL"):
        raise ImproperlyConfigured("KYODO_TASK_BACKEND=rq には KYODO_REDIS_URL(redis://…)が必要です")
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": os.environ["KYODO_REDIS_URL"], "DEFAULT_TIMEOUT": 3600}}

# When a background job counts as stalled (its worker died): kyodo.web.jobs, `kyodo web manage mark_stalled_jobs`.
JOBS_RUNNING_STALL_AFTER = timedelta(minutes=float(os.environ.get("KYODO_JOB_STALL_MINUTES", "2")))
JOBS_QUEUED_STALL_AFTER = timedelta(hours=float(os.environ.get("KYODO_JOB_QUEUED_STALL_HOURS", "24")))
# A running job's worker updates its heartbeat this often (a thread in kyodo.web.jobs.alive), so that a job whose
# worker is gone is seen as stalled after JOBS_RUNNING_STALL_AFTER even during a long step.
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("KYODO_JOB_HEARTBEAT_SECONDS", "5"))

# Finished runs' result tables are cached (they never change). Per process by default; with KYODO_CACHE_URL
# (redis://…) every web process shares one cache in Redis, so several processes and machines agree.
if os.environ.get("KYODO_CACHE_URL"):
    CACHES = {"default": {"BACKEND": "kyodo.web.redis_cache.RedisCache",
                          "LOCATION": os.environ["KYODO_CACHE_URL"], "KEY_PREFIX": "kyodo", "TIMEOUT": 24 * 3600}}
    # Sessions read from the shared cache (written through to the database): a query less on every request.
    # Not with the per-process cache: a session ended in one process would live on in another's copy.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                          "OPTIONS": {"MAX_ENTRIES": 2000}}}

# E-mail for notifications (kyodo.web.portal.notify): only when an SMTP server is configured; otherwise the
# notifications stay in the app and nothing leaves the server.
EMAIL_HOST = os.environ.get("KYODO_EMAIL_HOST", "")
EMAIL_ENABLED = bool(EMAIL_HOST)
EMAIL_PORT = int(os.environ.get("KYODO_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("KYODO_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("KYODO_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("KYODO_EMAIL_TLS", "0") == "1"
DEFAULT_FROM_EMAIL = os.environ.get("KYODO_EMAIL_FROM", "kyodo@localhost")
KYODO_BASE_URL = os.environ.get("KYODO_BASE_URL", "http://127.0.0.1:8000")

# Structured logs: one JSON object a line (KYODO_LOG_FORMAT=json, the default in production) or plain text.
LOG_FORMAT = os.environ.get("KYODO_LOG_FORMAT", "json" if PRODUCTION else "text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "kyodo.web.logs.JsonFormatter"}, "text": {"format": "%(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": os.environ.get("KYODO_LOG_LEVEL", "WARNING")},
}
