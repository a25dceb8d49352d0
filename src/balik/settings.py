"""Balik settings: one module, fed by typed environment helpers that fail loudly."""

import os
import secrets
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("BALIK_DATA_DIR", Path.cwd())).resolve()

TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


def envbool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ImproperlyConfigured(
        f"{name} must be one of 1/0, true/false, yes/no, on/off; got {raw!r}"
    )


def envint(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} must be a whole number; got {raw!r}") from error


def envlist(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def read_or_create_secret_key() -> str:
    """A stable random key for installs that set none, so sessions survive restarts."""
    key_file = DATA_DIR / ".balik_secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key = secrets.token_urlsafe(50)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


DEBUG = envbool("BALIK_DEBUG", False)
TESTING = envbool("BALIK_TESTING", False)
SECRET_KEY = os.environ.get("SECRET_KEY") or read_or_create_secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

# Behind HTTPS every cookie is secure and HSTS is sent; `make run` serves plain HTTP on
# loopback and turns this off, a real deployment leaves it on.
HTTPS = envbool("BALIK_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and envbool("BALIK_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("BALIK_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("BALIK_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = envbool("BALIK_HSTS_PRELOAD", False)
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto, and take the client's address
# from the X-Forwarded-For entry it appended (the right-most; BALIK_PROXY_COUNT proxies in a
# row: that many from the right). Without a proxy both headers are the client's own words.
BALIK_BEHIND_PROXY = envbool("BALIK_BEHIND_PROXY", False)
BALIK_PROXY_COUNT = envint("BALIK_PROXY_COUNT", 1)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BALIK_BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Joining the browsers' preload list is a commitment only the operator can make.
SILENCED_SYSTEM_CHECKS = ["security.W021"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "django.forms",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "csp",
    "ninja",
    "balik.core",
    "balik.accounts",
    "balik.people",
    "balik.programs",
    "balik.matching",
    "balik.mentorships",
    "balik.notifications",
    "balik.feedback",
    "balik.club",
    "balik.insights",
    "balik.site",
    "balik.demo",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "balik.accounts.middleware.UserLanguageMiddleware",
    "balik.core.middleware.RefuseNulCharacters",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "balik.site.urls"
WSGI_APPLICATION = "balik.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "balik.core.context_processors.balik",
            ],
        },
    }
]


def sqlite_database(path: str | Path) -> dict[str, object]:
    """A SQLite file, readable by its owner only (so are its journals); IMMEDIATE transactions
    and a busy timeout, so a writer waits for another instead of failing."""
    return {
        "ENGINE": "balik.core.sqlite3",
        "NAME": str(path),
        "CONN_MAX_AGE": 0,
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        },
        "TEST": {"NAME": None},
    }


DEFAULT_DATABASE_URL = f"sqlite:///{DATA_DIR / 'balik.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL, conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].update(sqlite_database(DATABASES["default"]["NAME"]))
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # JIT compiles a plan for ~150 ms before running it: a loss for a page's short aggregates
    # over tens of thousands of rows, which is all Balik asks. Sorts of that size stay in memory.
    # Parallel workers cost more to start than they save on such scans, and a page already
    # runs its parts side by side.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c work_mem=16MB -c max_parallel_workers_per_gather=0"
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    # Django's four rules, worded by Balik (one word for "password" in Indonesian)
    {"NAME": "balik.accounts.passwords.NotLikeThePerson"},
    {"NAME": "balik.accounts.passwords.LongEnough"},
    {"NAME": "balik.accounts.passwords.NotCommon"},
    {"NAME": "balik.accounts.passwords.NotOnlyDigits"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Failed sign-ins are paused per account *and* address, so nobody can lock out a colleague
# from another machine; across addresses each account's wrong passwords slow further attempts
# down (2, 4, 8 … seconds, at most a few minutes), see balik/accounts/throttle.py.
AXES_FAILURE_LIMIT = envint("BALIK_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=envint("BALIK_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "balik.accounts.throttle.username_for_throttle"
AXES_CLIENT_IP_CALLABLE = "balik.accounts.throttle.client_address"
AXES_HANDLER = "balik.accounts.throttle.BalikAxesHandler"
AXES_LOCKOUT_CALLABLE = "balik.accounts.throttle.lockout_response"
AXES_VERBOSE = False
AXES_ENABLED = envbool("BALIK_LOGIN_THROTTLE", True)
BALIK_LOGIN_ACCOUNT_FREE_FAILURES = envint("BALIK_LOGIN_ACCOUNT_FREE_FAILURES", 10)
BALIK_LOGIN_ACCOUNT_MAX_DELAY_SECONDS = envint("BALIK_LOGIN_ACCOUNT_MAX_DELAY_SECONDS", 300)
# Password reset e-mails: at most this many per account, and requests per address, an hour.
BALIK_RESET_EMAILS_PER_ACCOUNT_PER_HOUR = envint("BALIK_RESET_EMAILS_PER_ACCOUNT_PER_HOUR", 3)
BALIK_RESET_REQUESTS_PER_ADDRESS_PER_HOUR = envint("BALIK_RESET_REQUESTS_PER_ADDRESS_PER_HOUR", 10)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("id", _("Bahasa Indonesia"))]
# The language of a person who never chose one: their pages, notices and e-mails.
BALIK_DEFAULT_LANGUAGE = os.environ.get("BALIK_DEFAULT_LANGUAGE", "id").strip()
if BALIK_DEFAULT_LANGUAGE not in dict(LANGUAGES):
    raise ImproperlyConfigured(
        f"BALIK_DEFAULT_LANGUAGE must be one of {', '.join(dict(LANGUAGES))}; "
        f"got {BALIK_DEFAULT_LANGUAGE!r}"
    )
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# One date format per language, day before month: balik/formats/<language>/formats.py
FORMAT_MODULE_PATH = ["balik.formats"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

# Uploads: a people or enrolment CSV sent through the web may be up to BALIK_IMPORT_MAX_MB
# (100,000 people make about 20 MB); the command line reads files of any size. An upload over
# 2.5 MB is streamed to a temporary file, which stops taking bytes at the limit, so that the
# page can say how big the file is and what the limit is.
BALIK_IMPORT_MAX_MB = envint("BALIK_IMPORT_MAX_MB", 50)
if not 1 <= BALIK_IMPORT_MAX_MB <= 10_240:
    raise ImproperlyConfigured(
        "BALIK_IMPORT_MAX_MB must be a whole number of megabytes from 1 to 10240; "
        f"got {os.environ.get('BALIK_IMPORT_MAX_MB')!r}"
    )
BALIK_IMPORT_MAX_BYTES = BALIK_IMPORT_MAX_MB * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = min(BALIK_IMPORT_MAX_BYTES, 2_621_440)
FILE_UPLOAD_HANDLERS = [
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "balik.core.uploads.CappedTemporaryFileUploadHandler",
]
# The form fields and JSON bodies of a request; an uploaded file's bytes do not count here.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440


def email_settings_from_url(url: str) -> dict[str, object]:
    """Turn `smtp://user:pass@host:587?tls=1` (or `console://`) into Django's EMAIL_* settings."""
    parts = urlparse(url)
    backends = {
        "console": "django.core.mail.backends.console.EmailBackend",
        "smtp": "django.core.mail.backends.smtp.EmailBackend",
        "smtps": "django.core.mail.backends.smtp.EmailBackend",
        "locmem": "django.core.mail.backends.locmem.EmailBackend",
        "dummy": "django.core.mail.backends.dummy.EmailBackend",
    }
    if parts.scheme not in backends:
        raise ImproperlyConfigured(
            f"EMAIL_URL scheme must be one of {', '.join(backends)}; got {parts.scheme!r}"
        )
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "EMAIL_BACKEND": backends[parts.scheme],
        "EMAIL_HOST": parts.hostname or "localhost",
        "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
        "EMAIL_HOST_USER": unquote(parts.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
        "EMAIL_USE_TLS": query.get("tls", "").lower() in TRUE_WORDS,
        "EMAIL_USE_SSL": parts.scheme == "smtps" or query.get("ssl", "").lower() in TRUE_WORDS,
    }


EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
# A mail server that does not answer within this many seconds fails the message (it is retried
# later): delivery holds the message's row while it talks to the server, so never for long.
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 10)
# A worker that claimed a message holds it this long; past that (the worker was killed) another
# worker sends it again. Longer than connecting and sending, each up to EMAIL_TIMEOUT.
BALIK_EMAIL_LEASE_SECONDS = envint("BALIK_EMAIL_LEASE_SECONDS", 120)
# A background task (a matching run) still marked running this long after it started is taken
# to have lost its worker, and is run again.
BALIK_TASK_TIMEOUT_SECONDS = envint("BALIK_TASK_TIMEOUT_SECONDS", 3600)
if os.environ.get("EMAIL_URL"):
    globals().update(email_settings_from_url(os.environ["EMAIL_URL"]))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Balik <balik@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Content Security Policy: no inline scripts or styles, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

CSRF_FAILURE_VIEW = "balik.core.views.csrf_failure"
SESSION_ENGINE = "django.contrib.sessions.backends.db"
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 500
# limit 1..500 and offset 0..10**9 on every list: a number the database cannot hold is a 422
NINJA_PAGINATION_CLASS = "balik.core.schemas.BoundedLimitOffsetPagination"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"expected_refusals": {"()": "balik.core.logs.ExpectedRefusalsInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["expected_refusals"]}},
    "root": {"handlers": ["console"], "level": os.environ.get("BALIK_LOG_LEVEL", "WARNING")},
}

if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

FORM_RENDERER = "balik.core.forms.BalikFormRenderer"

# Background work (long matching runs, e-mail) goes through django-tasks on the database:
# `balik worker` runs it, and `make run` starts one beside the server. The test suite runs
# tasks at once, in the caller.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# Programmes with more participants than this are matched by the worker, with progress shown.
BALIK_MATCH_IN_REQUEST_LIMIT = envint("BALIK_MATCH_IN_REQUEST_LIMIT", 1500)
# A queued or running matching run that shows no progress for this long is taken for dead (its
# worker was killed): the next "run matching" marks it failed and starts again. Each stage of a
# run (inputs, solving, storing) reports progress; 100,000 participants solve in well under this.
BALIK_MATCH_RUN_TIMEOUT_MINUTES = envint("BALIK_MATCH_RUN_TIMEOUT_MINUTES", 15)
# The address people reach Balik at, for links in e-mails sent by the worker.
BALIK_SITE_URL = os.environ.get("BALIK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
