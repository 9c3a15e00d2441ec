"""Django settings, read from the environment.

Every setting an operator may change comes from an environment variable, so
that any number of identical server processes can share one configuration.
"""

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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "roster.core",
    "roster.accounts",
    "roster.businesses",
    "roster.customers",
    "roster.courses",
    "roster.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "roster.urls"
WSGI_APPLICATION = "roster.wsgi.application"
APPEND_SLASH = False

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": ["django.template.context_processors.request"]
        },
    }
]


def _database(url):
    config = dj_database_url.parse(url, conn_max_age=600, conn_health_checks=True)
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Several server processes share one SQLite file: write-ahead logging
        # lets readers run beside a writer, IMMEDIATE transactions take the
        # write lock up front, and writers queue for up to the busy timeout
        # instead of failing at once.
        config["CONN_MAX_AGE"] = 0
        config["OPTIONS"] = {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
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
    return config


DATABASES = {
    "default": _database(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'roster.sqlite3'}"
    )
}
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

# The Nexudus dialect.
ROSTER_MAX_PAGE_SIZE = _env_int("ROSTER_MAX_PAGE_SIZE", 5000)
ROSTER_ACCESS_TOKEN_SECONDS = _env_int("ROSTER_ACCESS_TOKEN_SECONDS", 3600)
ROSTER_REFRESH_TOKEN_SECONDS = _env_int("ROSTER_REFRESH_TOKEN_SECONDS", 15 * 24 * 3600)
# Failed logins allowed per account and per client address within the window.
ROSTER_LOGIN_FAILURES_PER_ACCOUNT = _env_int("ROSTER_LOGIN_FAILURES_PER_ACCOUNT", 5)
ROSTER_LOGIN_FAILURES_PER_ADDRESS = _env_int("ROSTER_LOGIN_FAILURES_PER_ADDRESS", 20)
ROSTER_LOGIN_WINDOW_SECONDS = _env_int("ROSTER_LOGIN_WINDOW_SECONDS", 900)
# Proxies whose X-Forwarded-For is believed, one hop each.
ROSTER_TRUSTED_PROXIES = _env_list("ROSTER_TRUSTED_PROXIES")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "loggers": {
        "roster": {
            "handlers": ["console"],
            "level": os.environ.get("ROSTER_LOG_LEVEL", "INFO"),
        },
    },
}
