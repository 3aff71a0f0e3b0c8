"""Django settings for Minga, read from environment variables (see README)."""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from minga.env import email_settings, env_bool, env_int, env_list, env_str, secret_key

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(env_str("MINGA_VAR_DIR", str(PROJECT_DIR / "var")))

PRODUCTION = env_str("MINGA_ENV", "development") == "production"
TESTING = "pytest" in sys.modules

SECRET_KEY = secret_key(VAR_DIR, PRODUCTION)
DEBUG = env_bool("MINGA_DEBUG", not PRODUCTION)
ALLOWED_HOSTS = env_list(
    "MINGA_ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("MINGA_CSRF_TRUSTED_ORIGINS", [])

MINGA_APPS = [
    "minga.core",
    "minga.reach",
    "minga.governance",
    "minga.membership",
    # Before financing: the demo's gap analysis reads the mapping survey.
    "minga.mapping",
    "minga.financing",
    "minga.communication",
    "minga.planning",
    "minga.protocol",
    "minga.sortition",
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_countries",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    *MINGA_APPS,
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "minga.core.middleware.PersonLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # Last, so it sees the response of a failed login.
    "axes.middleware.AxesMiddleware",
]

if PRODUCTION:
    # Static files served by the application itself, compressed and cached forever.
    MIDDLEWARE.insert(1, "whitenoise.middleware.WhiteNoiseMiddleware")

ROOT_URLCONF = "minga.urls"
WSGI_APPLICATION = "minga.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# Form fields render through Django's own Jinja2 templates of its widgets (why: there).
FORM_RENDERER = "minga.core.renderers.FormRenderer"

# Database: SQLite under var/ by default; PostgreSQL in production.
DATABASE_URL = env_str("MINGA_DATABASE_URL", f"sqlite:///{VAR_DIR / 'minga.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work beside a writer; IMMEDIATE transactions take the write
    # lock up front, so concurrent writers wait (busy_timeout) instead of failing
    # half-way with "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # synchronous=FULL: a commit is on disk before it is answered, so a power cut or an
        # operating system crash cannot lose a position that got its 2xx (NORMAL, in WAL
        # mode, can lose the last ones). secure_delete: deleted rows (e.g. a secret
        # proposal's positions, unlinked at close) are overwritten in the file, not left in
        # free pages.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA secure_delete=ON;"
        ),
    }
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env_int("MINGA_CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Argon2 for every real account (tests swap in a fast hasher below).
ACCOUNT_PASSWORD_HASHERS = [
    # Django's Argon2, at most MINGA_HASHES_AT_ONCE hashes at a time per process.
    "minga.core.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
PASSWORD_HASHERS = ACCOUNT_PASSWORD_HASHERS
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    # axes first: it refuses a locked-out username/IP before the password is checked.
    "axes.backends.AxesStandaloneBackend",
    # Django's ModelBackend, reading the signed-in user by plain SQL.
    "minga.core.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed logins: after 5 failures for one username from one address, that pair
# waits 15 minutes. Never a permanent lock.
# The largest upload or import file accepted (minga.core.intake), in bytes.
MINGA_MAX_UPLOAD_BYTES = env_int("MINGA_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)

AXES_FAILURE_LIMIT = env_int("MINGA_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("MINGA_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "minga.core.views.locked_out"
AXES_VERBOSE = False

# Internationalization
LANGUAGE_CODE = "en"
LANGUAGES = [("es", _("Spanish")), ("pt-br", _("Portuguese (Brazil)")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("MINGA_TIME_ZONE", "America/Bogota")
USE_TZ = True
FORMAT_MODULE_PATH = ["minga.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Email
globals().update(email_settings(env_str("MINGA_EMAIL_URL", "console://")))
DEFAULT_FROM_EMAIL = env_str("MINGA_DEFAULT_FROM_EMAIL", "minga@localhost")
# Where mailed links point. `PORT=8123 make run` serves (and links) on port 8123.
MINGA_BASE_URL = env_str("MINGA_BASE_URL", f"http://127.0.0.1:{env_str('PORT', '8000')}")

# Background work: a database-backed queue; `minga worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("MINGA_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Security headers. CSP: scripts only from our own origin, and never framed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        # The admin sets inline style attributes; styles cannot run code.
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "base-uri": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
# Django's database sessions, read by one plain query (why: there).
SESSION_ENGINE = "minga.core.sessions"
# A load balancer or monitor asks the web processes themselves, over plain http.
SECURE_REDIRECT_EXEMPT = [r"^healthz?$"]

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("MINGA_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("MINGA_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("MINGA_BEHIND_PROXY", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Behind a reverse proxy, a client's address is the last one it adds to X-Forwarded-For
# (the protocol's limits on guesses count per address).
MINGA_BEHIND_PROXY = env_bool("MINGA_BEHIND_PROXY", False)

MINGA_API_DOCS = env_bool("MINGA_API_DOCS", not PRODUCTION)
# A bare `@paginate` gets the bounded page numbers too.
NINJA_PAGINATION_CLASS = "minga.core.pagination.PageNumberPagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "client_errors_without_traceback": {"()": "minga.core.log.ClientErrorsWithoutTraceback"}
    },
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "loggers": {
        # Only the root handler prints Django's records (its own console handler printed
        # each one a second time under DEBUG).
        "django": {"handlers": [], "propagate": True},
        # Refused and missing pages are one line each; server errors keep their traceback.
        "django.request": {"filters": ["client_errors_without_traceback"]},
    },
    "root": {"handlers": ["console"], "level": env_str("MINGA_LOG_LEVEL", "WARNING")},
}

# The protocol's key derivations from passwords and receipts (protocol/keys.py): Argon2id
# at libsodium's interactive cost, about 0.1 s and 64 MiB each.
MINGA_PROTOCOL_KDF = "interactive"

if TESTING:
    # Fast and self-contained tests: cheap hashing, mail kept in memory, tasks
    # run as soon as they are enqueued.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # The protocol's key derivations (Argon2id) at libsodium's minimum cost.
    MINGA_PROTOCOL_KDF = "fast"
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        # A file, not shared-cache memory: threads in concurrency tests then get
        # SQLite's real locking (WAL, busy timeout), as in production.
        DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test-{os.getpid()}.sqlite3")}
        # A throwaway database need not survive a power cut (as the test PostgreSQL runs
        # with fsync off): thousands of commits then cost no disk flush each.
        DATABASES["default"]["OPTIONS"]["init_command"] = DATABASES["default"]["OPTIONS"][
            "init_command"
        ].replace("synchronous=FULL", "synchronous=NORMAL")
