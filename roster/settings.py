"""Django settings, read from the environment.

Every setting an operator may change comes from an environment variable, so
that any number of identical server processes can share one configuration.
"""

import contextlib
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("ROSTER_DATA_DIR", "roster-data")).resolve()


def _env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item]


def _env_int(name, default):
    return int(os.environ.get(name, default))


DEBUG = os.environ.get("ROSTER_DEBUG", "").lower() in {"1", "true", "yes"}
# The fallback key is only good for the demo and the tests; `roster serve`
# refuses to start without ROSTER_SECRET_KEY.
SECRET_KEY = os.environ.get("ROSTER_SECRET_KEY") or "roster-insecure-development-key"
ALLOWED_HOSTS = _env_list("ROSTER_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")

INSTALLED_APPS = [
    "roster.core.apps.AdminPanelConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    # Swagger UI's files, for the documentation page at /api/docs.
    "drf_spectacular_sidecar",
    "roster.core",
    "roster.accounts",
    "roster.businesses",
    "roster.customers",
    "roster.courses",
    "roster.api",
    "roster.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

# Security headers on every answer, and cookies that scripts cannot read.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
# Behind HTTPS (ROSTER_HTTPS=1) cookies travel only over HTTPS and browsers
# are told to keep to it. A trusted proxy's X-Forwarded-Proto is believed.
HTTPS = os.environ.get("ROSTER_HTTPS", "").lower() in {"1", "true", "yes"}
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 31_536_000 if HTTPS else 0
SECURE_SSL_REDIRECT = HTTPS and os.environ.get("ROSTER_SSL_REDIRECT", "1") == "1"

ROOT_URLCONF = "roster.urls"
WSGI_APPLICATION = "roster.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    }
]


def _database(url):
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several server processes share one SQLite file: write-ahead logging
        # lets readers run beside a writer, IMMEDIATE transactions take the
        # write lock up front, and writers queue for up to the busy timeout
        # instead of failing at once. Connections are kept, as on
        # PostgreSQL: a new one parses the whole schema, triggers included,
        # before its first statement.
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA mmap_size=268435456;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    elif os.environ.get("ROSTER_PREPARED_STATEMENTS", "1") != "0" and (
        config["ENGINE"] == "django.db.backends.postgresql"
    ):
        # The search's most frequent statements are prepared, so that each
        # connection plans them once (Django's own queries never are). A
        # pooler in transaction mode that cannot keep prepared statements
        # needs ROSTER_PREPARED_STATEMENTS=0.
        config.setdefault("OPTIONS", {})["prepare_threshold"] = 5
    if config["ENGINE"] == "django.db.backends.postgresql":
        _plan_for_many_small_requests(config.setdefault("OPTIONS", {}))
    return config


def _plan_for_many_small_requests(options):
    """Plan Roster's statements without parallel workers or JIT compilation.

    The API answers many small requests at once; a search reads a page
    along an index. A parallel plan, chosen when the planner misjudges how
    soon a page fills up, starts worker processes that compete with the
    other requests for the same cores: on two cores it halved the
    throughput of name searches and doubled their p99. JIT compilation,
    which PostgreSQL starts for statements it believes costly, took 16 ms
    of a name search at ten million enrolments that ran in 1 ms without.
    ROSTER_DB_PARALLEL_WORKERS allows parallel workers again.
    """
    workers = _env_int("ROSTER_DB_PARALLEL_WORKERS", 0)
    chosen = f"-c max_parallel_workers_per_gather={workers} -c jit=off"
    options["options"] = " ".join(filter(None, [options.get("options"), chosen]))


DATABASES = {
    "default": _database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'roster.sqlite3'}"
    )
}
if not os.environ.get("DATABASE_URL"):
    # SQLite makes its file on first use, but not the folder it goes in. A
    # folder that cannot be made is left for SQLite to report on first use.
    with contextlib.suppress(OSError):
        DATA_DIR.mkdir(parents=True, exist_ok=True)
if os.environ.get("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = _database(os.environ["DATABASE_REPLICA_URL"])
    DATABASE_ROUTERS = ["roster.core.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["ROSTER_CACHE_URL"],
        }
        if os.environ.get("ROSTER_CACHE_URL")
        # Counters shared by all server processes live in the database when
        # no cache server is configured.
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "roster_cache",
        }
    )
}

USE_TZ = True
TIME_ZONE = "UTC"
LANGUAGE_CODE = "en"
USE_I18N = False

STATIC_URL = "static/"
# WhiteNoise serves static files straight from the installed apps, so the
# service needs neither a collect step nor a separate web server.
WHITENOISE_USE_FINDERS = True

# The Nexudus dialect.
ROSTER_MAX_PAGE_SIZE = _env_int("ROSTER_MAX_PAGE_SIZE", 5000)
ROSTER_ACCESS_TOKEN_SECONDS = _env_int("ROSTER_ACCESS_TOKEN_SECONDS", 3600)
ROSTER_REFRESH_TOKEN_SECONDS = _env_int("ROSTER_REFRESH_TOKEN_SECONDS", 15 * 24 * 3600)
# Failed logins allowed per account and per client address within the window.
ROSTER_LOGIN_FAILURES_PER_ACCOUNT = _env_int("ROSTER_LOGIN_FAILURES_PER_ACCOUNT", 5)
ROSTER_LOGIN_FAILURES_PER_ADDRESS = _env_int("ROSTER_LOGIN_FAILURES_PER_ADDRESS", 20)
ROSTER_LOGIN_WINDOW_SECONDS = _env_int("ROSTER_LOGIN_WINDOW_SECONDS", 900)
# The API throttle: requests allowed per client address in each window;
# 0 turns it off.
ROSTER_API_REQUESTS_PER_WINDOW = _env_int("ROSTER_API_REQUESTS_PER_WINDOW", 6000)
ROSTER_API_WINDOW_SECONDS = _env_int("ROSTER_API_WINDOW_SECONDS", 60)
ROSTER_CACHE_URL = os.environ.get("ROSTER_CACHE_URL", "")
# Proxies whose X-Forwarded-For is believed, one hop each.
ROSTER_TRUSTED_PROXIES = _env_list("ROSTER_TRUSTED_PROXIES")
if ROSTER_TRUSTED_PROXIES:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# The address people reach Roster at; links sent by email are built from
# it, never from the Host header of a request.
ROSTER_PUBLIC_URL = os.environ.get("ROSTER_PUBLIC_URL", "http://127.0.0.1:8000")

# Email (password resets): printed on the console unless an SMTP server is
# configured.
EMAIL_HOST = os.environ.get("ROSTER_EMAIL_HOST", "")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = _env_int("ROSTER_EMAIL_PORT", 587)
EMAIL_HOST_USER = os.environ.get("ROSTER_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("ROSTER_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("ROSTER_EMAIL_USE_TLS", "true").lower() in {
    "1",
    "true",
    "yes",
}
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("ROSTER_EMAIL_FROM", "roster@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        # oauthlib writes the tokens it issues into its debug messages.
        "oauthlib": {"level": "WARNING"},
        # Unexpected faults (HTTP 500) with their tracebacks.
        "django.request": {"handlers": ["console"], "level": "ERROR"},
        "roster": {
            "handlers": ["console"],
            "level": os.environ.get("ROSTER_LOG_LEVEL", "INFO"),
        },
    },
}
