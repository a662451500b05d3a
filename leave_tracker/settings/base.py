"""Settings for every environment, read from environment variables.

Every variable is listed, with its default, in the README. The defaults suit development:
SQLite in the project folder, DEBUG on, console email. Production sets DEBUG=0, SECRET_KEY,
ALLOWED_HOSTS and DATABASE_URL.
"""

from __future__ import annotations

import datetime as dt
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "development-only-key-never-used-in-production-0123456789abcdefghij"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if not DEBUG else "*")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "policy",
    "ledger",
    "accounts",
    "agencies",
    "hours",
    "accounting",
    "confirmations",
    "reports",
    "web",
    "bench",
    "demo",
    "post_office",
    "notifications",
    "reminders",
    "axes",  # sign-in guess limits on every sign-in form
    "django_otp",  # administrators' second factor when local passwords are off
    "django_otp.plugins.otp_totp",
    "identity",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "leave_tracker.middleware.RequestSizeLimitMiddleware",
    "leave_tracker.middleware.NullCharacterQueryMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "leave_tracker.middleware.RequestIdMiddleware",
    "leave_tracker.middleware.BrowserPolicyMiddleware",
    "leave_tracker.middleware.FormTextMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "leave_tracker.middleware.SessionTimeoutMiddleware",
    "leave_tracker.middleware.SecondFactorMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "leave_tracker.urls"
WSGI_APPLICATION = "leave_tracker.wsgi.application"

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
            ],
        },
    },
]

# Database: SQLite by default, set up for several server workers (WAL, IMMEDIATE transactions,
# a busy timeout) so that concurrent writers wait instead of answering "database is locked".
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Every QuerySet.iterator() here (workbooks, exports) reads all its rows: PostgreSQL's
        # default plans such a server-side cursor for a tenth of them, which took five times the
        # database's time for the agency workbook (docs/BENCHMARKS.md).
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c cursor_tuple_fraction=1"
else:
    DATABASES = {
        "default": {
            # Django's SQLite backend, whose flush keeps the ledger's delete trigger.
            "ENGINE": "ledger.sqlite",
            "NAME": os.environ.get("SQLITE_PATH", str(BASE_DIR / "db.sqlite3")),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                ),
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-us"
# Dates are California dates: "today" and a year's boundaries are Pacific time.
TIME_ZONE = "America/Los_Angeles"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Email: the employee hears about decisions on their hours and requests.
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "mentoring-leave@example.ca.gov")
# A mail server that accepts the connection and then hangs must not stall the worker.
EMAIL_TIMEOUT = int(os.environ.get("EMAIL_TIMEOUT", "30"))

# The outbox (django-post-office): messages are rows written with the change that causes them;
# `manage.py send_mail_queue` sends them through EMAIL_BACKEND. A failed message is retried
# MAIL_MAX_RETRIES times, the wait doubling from MAIL_RETRY_SECONDS (notifications/outbox.py).
POST_OFFICE = {
    "DEFAULT_PRIORITY": "medium",
    "MAX_RETRIES": int(os.environ.get("MAIL_MAX_RETRIES", "8")),
    "RETRY_INTERVAL": dt.timedelta(seconds=int(os.environ.get("MAIL_RETRY_SECONDS", "60"))),
    "THREADS_PER_PROCESS": 1,
    "LOG_LEVEL": 2,  # a log row for every attempt: the admin shows sends and failures
}
# The address of the site as a reader of an email reaches it: every message links to a page.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# Limits on what a client may send.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("MAX_REQUEST_BYTES", str(2 * 1024 * 1024)))
ROSTER_UPLOAD_MAX_BYTES = int(os.environ.get("ROSTER_UPLOAD_MAX_BYTES", str(5 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = ROSTER_UPLOAD_MAX_BYTES
MAX_PAGE_SIZE = 200

TOKEN_TTL_HOURS = int(os.environ.get("TOKEN_TTL_HOURS", "12"))

# Mentoring organizations' confirmation links: how long one works (their emails link to
# SITE_URL, above, as every email does).
ORG_LINK_TTL_DAYS = int(os.environ.get("ORG_LINK_TTL_DAYS", "14"))

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "agencies.authentication.TokenWithRolesAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "leave_tracker.pagination.Pagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # DRF's parsers, refusing deep nesting and control or invisible characters (parsers.py).
    "DEFAULT_PARSER_CLASSES": [
        "leave_tracker.parsers.JSONParser",
        "leave_tracker.parsers.FormParser",
        "leave_tracker.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "leave_tracker.schema.AutoSchema",
    "EXCEPTION_HANDLER": "leave_tracker.exceptions.exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "auth": os.environ.get("AUTH_THROTTLE_RATE", "10/min"),
        # The organization's confirmation page, per client address and per link.
        "org_link_address": os.environ.get("ORG_LINK_THROTTLE_RATE", "30/min"),
        "org_link": os.environ.get("ORG_LINK_PER_LINK_RATE", "60/hour"),
    },
    # How many proxies in front of the app append to X-Forwarded-For. 0 (serving directly):
    # the throttle counts by the connecting address, so a client cannot dodge it by sending a
    # made-up X-Forwarded-For; behind one load balancer, set 1.
    "NUM_PROXIES": int(os.environ.get("NUM_PROXIES", "0")),
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

# The throttle counts attempts in a cache every server shares, so that several app servers
# behind a load balancer enforce one limit: the database by default.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "leave_tracker_cache",
    }
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Mentoring Leave Tracker API",
    "DESCRIPTION": (
        "System of record for California's state employee mentoring-leave program "
        "(HR Manual section 2119). A broken policy rule answers 400 with "
        '`{"code": "<rule code>", "detail": "<sentence>"}`.'
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI from the app itself (drf-spectacular-sidecar, pinned in pyproject.toml): no
    # third-party script on the app's origin, and the docs work with no internet.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {"TransferStatusEnum": "agencies.models.Transfer.Status"},
}

# A strict Content-Security-Policy on every page (django-csp): scripts and styles only from the
# app's own static files, no inline script or style, nothing framed, forms post only here.
# Swagger UI draws its icons as data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# X-Forwarded-Proto says a request came in over HTTPS only when a proxy in front of the app
# sets it (NUM_PROXIES > 0); serving directly, any client could send it and skip the redirect.
if REST_FRAMEWORK["NUM_PROXIES"] > 0:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Production hardening: on whenever DEBUG is off.
if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # The outbox's sender would log each pass at INFO through a handler of its own; its
        # failures (WARNING and up) still show, and send_mail_queue prints its own counts.
        "post_office": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Identity and account safety (docs/SECURITY.md, "Identity") ------------------------------

AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before any password is checked.
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.LocalPasswordBackend",
    "identity.oidc.ProgramOIDCBackend",
]

# Password changes end the other sessions (Django's session hash) and revoke every API token
# (this validator's password_changed hook runs wherever a password is saved).
AUTH_PASSWORD_VALIDATORS.append({"NAME": "accounts.validators.RevokeTokensOnPasswordChange"})

# Sign-in guesses (django-axes): counted per account name and, apart, per client address; the
# same answer whether or not the account exists. The client address follows NUM_PROXIES, as
# the token endpoint's throttle does.
AXES_FAILURE_LIMIT = int(os.environ.get("SIGNIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("SIGNIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_CLIENT_IP_CALLABLE = "accounts.client.client_address"
AXES_LOCKOUT_CALLABLE = "web.views.account.signin_locked"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Password-reset emails: at most so many per email address, and per client address, an hour.
PASSWORD_RESET_PER_EMAIL_HOUR = int(os.environ.get("PASSWORD_RESET_PER_EMAIL_HOUR", "3"))
PASSWORD_RESET_PER_CLIENT_HOUR = int(os.environ.get("PASSWORD_RESET_PER_CLIENT_HOUR", "20"))

# Web sessions end after SESSION_IDLE_MINUTES without a request, and 12 hours after sign-in.
SESSION_IDLE_MINUTES = int(os.environ.get("SESSION_IDLE_MINUTES", "30"))
SESSION_MAX_HOURS = 12
SESSION_COOKIE_AGE = SESSION_MAX_HOURS * 3600

# LOCAL_PASSWORDS=0: only administrators sign in (or reset) with a password, and then with a
# TOTP code as well; everyone else signs in through the agency's provider.
LOCAL_PASSWORDS = env_bool("LOCAL_PASSWORDS", True)
OTP_TOTP_ISSUER = "Mentoring Leave Tracker"

# Personal API tokens (the token page): the longest lifetime a person may choose.
PERSONAL_TOKEN_MAX_DAYS = int(os.environ.get("PERSONAL_TOKEN_MAX_DAYS", "90"))

# OpenID Connect sign-in (mozilla-django-oidc), off unless OIDC_CLIENT_ID is set. The
# provider's endpoints come from its discovery document (OIDC_DISCOVERY_URL, or the issuer's
# /.well-known/openid-configuration).
OIDC_ISSUER = os.environ.get("OIDC_ISSUER", "")
OIDC_DISCOVERY_URL = os.environ.get("OIDC_DISCOVERY_URL", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = "RS256"
OIDC_RP_SCOPES = os.environ.get("OIDC_SCOPES", "openid email profile")
OIDC_USE_PKCE = True
OIDC_USE_NONCE = True
OIDC_TIMEOUT = 10
# The claim that carries the employee number, when the provider sends one; else the email
# claim links, and only when the provider marks it verified (email_verified).
OIDC_EMPLOYEE_NUMBER_CLAIM = os.environ.get("OIDC_EMPLOYEE_NUMBER_CLAIM", "")
OIDC_EMAIL_CLAIM = os.environ.get("OIDC_EMAIL_CLAIM", "email")
OIDC_AUTHENTICATION_CALLBACK_URL = "web:oidc-callback"
LOGIN_REDIRECT_URL_FAILURE = "/accounts/login/"
