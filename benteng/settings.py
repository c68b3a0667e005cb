"""Benteng's one settings module, driven by environment variables.

Local development and the `make run` demo set ``DEBUG=1``; production leaves it unset and must
provide ``SECRET_KEY`` (or ``SECRET_KEY_FILE``), ``ALLOWED_HOSTS`` and ``DATABASE_URL``. A
missing secret with ``DEBUG`` off stops start-up loudly instead of running with a default.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("BENTENG_VAR_DIR", BASE_DIR / "var"))


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return default if value in (None, "") else int(value)


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_secret(name: str) -> str:
    """A secret from ``NAME`` or from the file named by ``NAME_FILE`` (Docker/systemd style)."""
    file_name = os.environ.get(f"{name}_FILE")
    if file_name:
        return Path(file_name).read_text(encoding="utf-8").strip()
    return os.environ.get(name, "")


DEBUG = env_bool("DEBUG")
# The local demo of `make run`: demo accounts may skip 2FA and every page shows a banner.
DEMO_MODE = env_bool("BENTENG_DEMO")
# Demo accounts and synthetic records may be created on development machines only; fixed at
# start-up (the test runner turns DEBUG off while tests run).
ALLOW_DEMO_DATA = DEBUG

SECRET_KEY = env_secret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) must be set when DEBUG is off.")
    SECRET_KEY = "benteng-development-only-key-never-use-in-production"  # noqa: S105

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "benteng.admin_site.BentengAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_otp",
    "benteng.third_party_apps.TotpDevices",
    "benteng.third_party_apps.StaticDevices",
    "benteng.third_party_apps.SignInLockouts",
    "csp",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "benteng.third_party_apps.BackgroundTasks",
    "ninja",
    "benteng.schedule",
    "benteng.regions",
    "benteng.accounts",
    "benteng.outbox",
    "benteng.audit",
    "benteng.api",
    "benteng.notifications",
    "benteng.people",
    "benteng.agreements",
    "benteng.watchlists",
    "benteng.screening",
    "benteng.cases",
    "benteng.referrals",
    "benteng.cooperation",
    "benteng.village_reports",
    "benteng.villages",
    "benteng.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "benteng.audit.middleware.ClientAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "benteng.web.locale.ChosenLanguageMiddleware",
    "benteng.web.middleware.ErrorPagesMiddleware",
    "benteng.web.middleware.RejectNullCharactersMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "benteng.web.middleware.TwoFactorRequiredMiddleware",
    "benteng.web.middleware.PrivatePagesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "benteng.urls"
WSGI_APPLICATION = "benteng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "benteng.web.context_processors.shell",
            ],
        },
    }
]

# SQLite under var/ is the embedded default; DATABASE_URL switches (postgres://...).
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'benteng.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The screening's hot path prepares its few statements once per connection
    # (benteng.rows.cursor; Django turns preparing off unless prepare_threshold is set) and
    # runs them with their generic plan: planned once, not at every execution. Django's own
    # cursors send values in the text, so neither setting touches them.
    # Added to what DATABASE_URL asks (sslmode, options=-c ...), never in its place. Behind
    # PgBouncer, list plan_cache_mode in its track_extra_parameters.
    database_options = DATABASES["default"].setdefault("OPTIONS", {})
    database_options.setdefault("prepare_threshold", 5)
    database_options["options"] = " ".join(
        filter(None, [database_options.get("options"), "-c plan_cache_mode=force_generic_plan"])
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets the web server and the task worker share the file without "database is locked".
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }

# Seconds from a commit to the sealing of its audit entries into the hash chain (0: in the
# writing transaction; docs/audit-trail.md). SQLite's writers are serialised anyway. One
# second: the sealer process (`manage.py audit_seal --forever`) seals about once a second
# whatever the traffic (at 200 screenings/s, several hundred entries per round), and an entry
# is tamper-evident a second after its commit.
AUDIT_SEAL_DELAY = float(
    env_str("BENTENG_AUDIT_SEAL_DELAY")
    or ("0" if "sqlite" in DATABASES["default"]["ENGINE"] else "1.0")
)


def generated_secret(path: Path) -> str:
    """A random secret kept in a file, made on first use (development and demo machines only).

    Written to a temporary file and linked into place, so processes starting together all read
    the one that won."""
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        temporary.write_text(secrets.token_hex(32), encoding="utf-8")
        temporary.chmod(0o600)
        try:
            os.link(temporary, path)
        except FileExistsError:
            pass
        finally:
            temporary.unlink()
    return path.read_text(encoding="utf-8").strip()


# The audit trail's MAC key: never in the database, so that whoever can write the database
# still cannot rewrite the trail unnoticed (docs/audit-trail.md). Required in production.
BENTENG_AUDIT_KEY = env_secret("BENTENG_AUDIT_KEY")
if not BENTENG_AUDIT_KEY:
    if not (DEBUG or DEMO_MODE):
        raise ImproperlyConfigured(
            "BENTENG_AUDIT_KEY (or BENTENG_AUDIT_KEY_FILE) must be set when DEBUG is off."
        )
    BENTENG_AUDIT_KEY = generated_secret(VAR_DIR / "audit.key")
# Signed checkpoints of the chain head, appended to a file outside the database (make it
# append-only: chattr +a), at most every this many seconds by the process that seals (0: only
# by `manage.py audit_checkpoint`).
BENTENG_AUDIT_CHECKPOINT_FILE = Path(
    env_str("BENTENG_AUDIT_CHECKPOINT_FILE") or VAR_DIR / "audit-checkpoints.jsonl"
)
BENTENG_AUDIT_CHECKPOINT_SECONDS = float(env_str("BENTENG_AUDIT_CHECKPOINT_SECONDS", "300"))

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Two-factor authentication (TOTP) for every role that sees personal data.
BENTENG_REQUIRE_2FA = env_bool("BENTENG_REQUIRE_2FA", default=True)
if not DEBUG and (DEMO_MODE or not BENTENG_REQUIRE_2FA):
    raise ImproperlyConfigured(
        "BENTENG_DEMO and BENTENG_REQUIRE_2FA=0 are for a local demo only; "
        "they are refused when DEBUG is off."
    )
OTP_TOTP_ISSUER = "Benteng"
# The admin never shows a TOTP secret or its QR code (nor static backup codes).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

# Lock-out after repeated failed logins.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
# Per username *and* address (so nobody can lock someone else's account by guessing from their
# own address), and per device (address + browser) across usernames (password spraying); not
# per bare address, so one officer's typos do not lock a whole office behind one NAT address.
# Guessing one username from many addresses meets the slower per-username back-off below.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], ["ip_address", "user_agent"]]
# The address as benteng.audit.client sees it (X-Forwarded-For only from trusted proxies).
AXES_CLIENT_IP_CALLABLE = "benteng.audit.client.client_address"
# Per username from any address (benteng/accounts/lockout.py): after this many failures within
# BENTENG_LOGIN_BACKOFF_MEMORY_SECONDS of each other, each next attempt waits 2, 4, 8, ...
# seconds, at most BENTENG_LOGIN_BACKOFF_MAX_SECONDS; a successful sign-in forgets them.
BENTENG_LOGIN_BACKOFF_AFTER = env_int("BENTENG_LOGIN_BACKOFF_AFTER", 10)
BENTENG_LOGIN_BACKOFF_MAX_SECONDS = env_int("BENTENG_LOGIN_BACKOFF_MAX_SECONDS", 300)
BENTENG_LOGIN_BACKOFF_MEMORY_SECONDS = env_int("BENTENG_LOGIN_BACKOFF_MEMORY_SECONDS", 3600)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/locked_out.html"
AXES_VERBOSE = False
# Only usernames of existing accounts are recorded; a name that is no account (a password
# typed into the wrong box) is not kept in any form (benteng/accounts/lockout.py). Request
# data in the attempt records is masked for both fields.
AXES_USERNAME_CALLABLE = "benteng.accounts.lockout.axes_username"
AXES_SENSITIVE_PARAMETERS = ["username", "password", "ip_address"]

# Sessions end after inactivity; the cookie is refreshed on every request.
SESSION_COOKIE_AGE = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "benteng" / "locale"]
# One display format of dates and times in the UI ("7 Des 2026, 11.16"); ISO 8601 elsewhere.
FORMAT_MODULE_PATH = ["benteng.web.formats"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "benteng_language"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded files. No URL serves them (no MEDIA_URL route, not under STATIC_ROOT): referral
# files are read only through their access-controlled download view.
MEDIA_ROOT = Path(env_str("BENTENG_MEDIA_DIR", str(VAR_DIR / "media")))
REFERRAL_FILES_ROOT = MEDIA_ROOT / "private"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# Content-Security-Policy: everything from this origin, no inline script, no CDN.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Messages live in the session, not in a cookie: a newly issued API token is shown once
# through a message and must not travel in a client-side cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

# Reverse proxies (addresses or networks) whose X-Forwarded-For is believed
# (benteng/audit/client.py); none by default: the connection's address is the client's.
BENTENG_TRUSTED_PROXIES = env_list("BENTENG_TRUSTED_PROXIES")

# The cache every process shares: the API's rate limits and the sign-in back-off count there,
# so two workers count together. Redis when REDIS_URL is set (pip install -e ".[redis]");
# otherwise the database's own table (created by `migrate`; `manage.py createcachetable`
# after changing CACHE_TABLE).
REDIS_URL = env_str("REDIS_URL")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": env_str("CACHE_TABLE", "benteng_cache"),
            # Live counters are never culled below this many keys (Django's default of 300
            # would drop other clients' counts once 300 keys are live).
            "OPTIONS": {"MAX_ENTRIES": env_int("CACHE_MAX_ENTRIES", 10_000)},
        }
    }

# JSON API: requests per client token (per IP without one); failed token checks per address
# (each one audited until the limit); health of the task worker.
BENTENG_API_RATE_LIMIT = env_str("BENTENG_API_RATE_LIMIT", "600/min")
BENTENG_API_BAD_TOKEN_LIMIT = env_str("BENTENG_API_BAD_TOKEN_LIMIT", "10/min")
# Seconds a web process keeps a client system found by its token before reading it again (0:
# read on every request). A revocation, a new token or a changed scope takes effect at once
# in the process that made it and within this time in the others.
BENTENG_API_CLIENT_CACHE_SECONDS = float(env_str("BENTENG_API_CLIENT_CACHE_SECONDS", "2"))

# Webhooks (benteng/api/webhooks.py, docs/api.md). Receivers must use https and a public
# address; BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES=1 allows private and loopback addresses, and
# plain http (a receiver on the same machine or network: the tests and the benchmark).
BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("BENTENG_WEBHOOK_ALLOW_PRIVATE_ADDRESSES")
BENTENG_WEBHOOK_TIMEOUT_SECONDS = float(env_str("BENTENG_WEBHOOK_TIMEOUT_SECONDS", "5"))
# Retries: the delay doubles from the first to the cap, with jitter; a delivery is given up
# (failed, shown in the log, re-sendable) after this many attempts or hours.
BENTENG_WEBHOOK_RETRY_FIRST_SECONDS = env_int("BENTENG_WEBHOOK_RETRY_FIRST_SECONDS", 10)
BENTENG_WEBHOOK_RETRY_MAX_SECONDS = env_int("BENTENG_WEBHOOK_RETRY_MAX_SECONDS", 3600)
BENTENG_WEBHOOK_MAX_ATTEMPTS = env_int("BENTENG_WEBHOOK_MAX_ATTEMPTS", 25)
BENTENG_WEBHOOK_GIVE_UP_HOURS = env_int("BENTENG_WEBHOOK_GIVE_UP_HOURS", 24)
# How often the idle delivery worker (`manage.py deliver_webhooks --forever`) looks for events.
BENTENG_WEBHOOK_POLL_SECONDS = float(env_str("BENTENG_WEBHOOK_POLL_SECONDS", "0.5"))
BENTENG_TASK_STALE_SECONDS = env_int("BENTENG_TASK_STALE_SECONDS", 900)

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    # Load balancers probe health over plain HTTP inside the network.
    SECURE_REDIRECT_EXEMPT = [r"^api/v1/health$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "benteng@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where the site is reached, for the links in e-mails (notifications): scheme and host, no path.
SITE_URL = env_str("BENTENG_SITE_URL", "http://127.0.0.1:8000")

# Background work through the Tasks API (django-tasks on 5.2; django.tasks on Django 6).
TASKS = {
    "default": {
        "BACKEND": env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

# Screening index (benteng/people/, docs/screening-index.md): empty = in-process
# index per worker; a unix socket path = the machine's one `screening_index_serve` service.
SCREENING_INDEX_SOCKET = env_str("SCREENING_INDEX_SOCKET")
SCREENING_INDEX_REFRESH_MS = env_int("SCREENING_INDEX_REFRESH_MS", 1000)
SCREENING_INDEX_RECONCILE_SECONDS = env_int("SCREENING_INDEX_RECONCILE_SECONDS", 300)
SCREENING_INDEX_TIMEOUT_SECONDS = env_int("SCREENING_INDEX_TIMEOUT_SECONDS", 5)
# Days an applicant has to supply missing documents after a postponement (tunda) at the counter.
BENTENG_POSTPONEMENT_DAYS = env_int("BENTENG_POSTPONEMENT_DAYS", 30)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
