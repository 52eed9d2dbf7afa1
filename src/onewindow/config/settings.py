"""Settings, all read from the environment (documented in .env.example).

Development gets safe generated defaults; production refuses to start without a secret
key or with DEBUG on.
"""

from __future__ import annotations

import json
import secrets
from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

import environ
from csp.constants import NONE, SELF

SRC_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = SRC_DIR.parent
env = environ.Env()

ONEWINDOW_ENV = env.str("ONEWINDOW_ENV", default="development")
if ONEWINDOW_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured("ONEWINDOW_ENV must be development, test or production.")
PRODUCTION = ONEWINDOW_ENV == "production"

VAR_DIR = Path(env.str("ONEWINDOW_VAR_DIR", default=str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _development_secret_key() -> str:
    """A random key kept under var/, so sessions survive a restart of `make run`."""
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


DEBUG = env.bool("DEBUG", default=False)
if PRODUCTION:
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must be off in production (ONEWINDOW_ENV=production).")
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY is missing or shorter than 50 characters; production will not start "
            "without one. Generate one with: python -c 'import secrets; "
            "print(secrets.token_urlsafe(50))'"
        )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="") or _development_secret_key()

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "onewindow.pages",
    "onewindow.identity",
    "onewindow.catalog",
    "onewindow.exchange",
    "onewindow.mydata",
    "onewindow.applications",
    "onewindow.backoffice",
    "onewindow.notifications",
    "onewindow.schedule",
    "onewindow.signing",
]
AUTH_USER_MODEL = "identity.Account"
# django-axes must come first: it refuses a locked-out account or address before any
# password is checked.
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
    {"NAME": "onewindow.identity.password.validators.BreachedPasswordValidator"},
]
LOGIN_URL = "identity:sign-in"
LOGIN_REDIRECT_URL = "mydata:dashboard"

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "onewindow.pages.middleware.PortalLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "onewindow.identity.middleware.PortalSessionMiddleware",
    "onewindow.identity.middleware.LoginStepsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "axes.middleware.AxesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "onewindow.pages.middleware.SynchronousChainMiddleware",
]

ROOT_URLCONF = "onewindow.config.urls"
ASGI_APPLICATION = "onewindow.config.asgi.application"
WSGI_APPLICATION = "onewindow.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "onewindow" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "onewindow.pages.context_processors.portal",
            ],
        },
    },
]

# --- Data ------------------------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'onewindow.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # Writers wait for each other (the web process, the job worker, the scheduler)
        # rather than fail: 20 s, so a slow write on a busy machine never kills a worker.
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA busy_timeout=20000;",
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Web pages are short queries: PostgreSQL's JIT compilation (20–40 ms) costs more than
    # it saves whenever the planner overestimates a page's rows (bench/backoffice.py).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="onewindow"),
        }
    }
    # Read from Redis, kept in the database too: a Redis restart or flush signs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

# Rendered parts of public catalogue pages, kept in each process: their keys carry the
# catalogue's version, so a change to the catalogue retires them at once.
CACHES["fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "fragments",
    "OPTIONS": {"MAX_ENTRIES": 5000},
}

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# --- Language --------------------------------------------------------------------------
LANGUAGE_CODE = "ka"
LANGUAGES = [("ka", _("Georgian")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "onewindow" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tbilisi"
LANGUAGE_COOKIE_NAME = "onewindow_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static files (all self-hosted; compiled by `make assets`) --------------------------
# Files people upload and documents the portal makes (applications' PDFs, attachments):
# outside the web root, never served directly — only through views that check who asks.
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "files")))
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [SRC_DIR / "onewindow" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed names and precompressed files need `collectstatic`, which deployment runs.
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_MAX_AGE = 365 * 24 * 3600 if PRODUCTION else 60

# --- Security --------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    },
}
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=63072000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    LANGUAGE_COOKIE_NAME = "__Host-language"
    CSRF_COOKIE_HTTPONLY = True

# --- Logging ---------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # WeasyPrint narrates every PDF it makes at INFO.
    "loggers": {"weasyprint": {"level": "WARNING"}, "fontTools": {"level": "WARNING"}},
}

# --- The catalogue ---------------------------------------------------------------------
CATALOG_DIR = Path(env.str("CATALOG_DIR", default=str(BASE_DIR / "catalog")))
# How often (seconds) a process checks whether the catalogue changed and rebuilds its
# in-memory copy and search index. 0 checks on every request.
CATALOG_REFRESH_SECONDS = env.float("CATALOG_REFRESH_SECONDS", default=2.0)

# --- Data exchange ---------------------------------------------------------------------
# The portal's key and certificate, the exchange CA and the agencies' certificates
# (`manage.py exchange_keys` generates a test PKI there).
EXCHANGE_PKI_DIR = Path(env.str("EXCHANGE_PKI_DIR", default=str(VAR_DIR / "pki")))
# The portal's party id in the exchange (OW-Client, key id).
EXCHANGE_CLIENT_ID = env.str("EXCHANGE_CLIENT_ID", default="portal")
# The sandbox agencies: agency base URL = f"{EXCHANGE_SANDBOX_URL}/{agency}" ...
EXCHANGE_SANDBOX_URL = env.str("EXCHANGE_SANDBOX_URL", default="http://127.0.0.1:8100")
# ... unless EXCHANGE_AGENCY_URLS (JSON: {"revenue": "https://…"}) names the agency.
EXCHANGE_AGENCY_URLS: dict[str, str] = {}
if _agency_urls := env.str("EXCHANGE_AGENCY_URLS", default=""):
    try:
        EXCHANGE_AGENCY_URLS = json.loads(_agency_urls)
    except ValueError as error:
        raise ImproperlyConfigured("EXCHANGE_AGENCY_URLS is not valid JSON.") from error
    if not isinstance(EXCHANGE_AGENCY_URLS, dict) or not all(
        isinstance(url, str) for url in EXCHANGE_AGENCY_URLS.values()
    ):
        raise ImproperlyConfigured('EXCHANGE_AGENCY_URLS must be a JSON object {"agency": "url"}.')
# Seconds one attempt may take; failed reads are retried this many times (connection
# errors, 5xx; not a timeout: a hanging agency costs one timeout), with a short backoff.
EXCHANGE_TIMEOUT_SECONDS = env.float("EXCHANGE_TIMEOUT_SECONDS", default=3.0)
EXCHANGE_RETRIES = env.int("EXCHANGE_RETRIES", default=2)
# An agency's circuit opens after this many failed queries in a row, and lets one query
# try again after the reset time.
EXCHANGE_BREAKER_FAILURES = env.int("EXCHANGE_BREAKER_FAILURES", default=5)
EXCHANGE_BREAKER_RESET_SECONDS = env.float("EXCHANGE_BREAKER_RESET_SECONDS", default=30.0)
# Personal data from agencies is cached at most this many seconds (0: not cached).
EXCHANGE_CACHE_SECONDS = env.int("EXCHANGE_CACHE_SECONDS", default=60)

# --- Identity: sign-in, sessions, ID cards (docs/identity.md) ----------------------------
# The portal's origin as the browser sees it (scheme://host[:port], no path): ID-card
# tokens are signed for exactly this origin, and the card agent answers only it.
PORTAL_ORIGIN = env.str("PORTAL_ORIGIN", default="http://127.0.0.1:8000")
# The ID-card test PKI (`python -m testpki init`): CA certificates, OCSP, TSA, demo cards.
IDCARD_PKI_DIR = Path(env.str("IDCARD_PKI_DIR", default=str(VAR_DIR / "idpki")))
# Issuing CAs whose ID cards may sign in (PEM or DER files). Default: the test PKI's.
IDCARD_TRUSTED_CA_FILES = env.list(
    "IDCARD_TRUSTED_CA_FILES", default=[str(IDCARD_PKI_DIR / "idcard-ca.pem")]
)
# The OCSP responder asked about every ID card at sign-in (a designated responder, as Web
# eID's; the certificates' AIA is not trusted to name it). Required.
IDCARD_OCSP_URL = env.str("IDCARD_OCSP_URL", default="http://127.0.0.1:8300/ocsp/idcard-ca")
IDCARD_OCSP_TIMEOUT_SECONDS = env.float("IDCARD_OCSP_TIMEOUT_SECONDS", default=3.0)
# How long a "good" OCSP answer is reused for the same certificate.
IDCARD_OCSP_CACHE_SECONDS = env.int("IDCARD_OCSP_CACHE_SECONDS", default=120)
# Where the citizen's card agent listens (the sign-in page's script talks to it).
CARDAGENT_URL = env.str("CARDAGENT_URL", default="http://127.0.0.1:24727")
# Sessions end after this much inactivity (a warning comes first) and at most this long
# after sign-in.
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", default=15 * 60)
SESSION_IDLE_WARNING_SECONDS = env.int("SESSION_IDLE_WARNING_SECONDS", default=2 * 60)
SESSION_MAX_SECONDS = env.int("SESSION_MAX_SECONDS", default=12 * 3600)
SESSION_COOKIE_AGE = SESSION_MAX_SECONDS
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# Changing contact details or second factors needs a sign-in this recent.
REAUTH_SECONDS = env.int("REAUTH_SECONDS", default=5 * 60)
# Throttling (django-axes): an account, or an address, is locked after this many failed
# sign-ins in a row for the cool-off time.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "onewindow.identity.password.views.locked_out"
AXES_VERBOSE = False
# Mail (confirmation codes): SMTP. `make run` serves a sandbox mailbox on loopback.
EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.str("EMAIL_HOST", default="127.0.0.1")
EMAIL_PORT = env.int("EMAIL_PORT", default=8025)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="OneWindow <no-reply@onewindow.example>")
# SMS (confirmation codes): an HTTP provider. The sandbox SMS gateway by default.
SMS_PROVIDER_URL = env.str("SMS_PROVIDER_URL", default="http://127.0.0.1:8100/sms-gateway")
SMS_SENDER = env.str("SMS_SENDER", default="OneWindow")
OTP_TOTP_ISSUER = "OneWindow"
# The sign-in page's script may talk to the citizen's own card agent, and nothing else.
CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"] = [SELF, CARDAGENT_URL]

# --- Applications: attachments (docs/applications.md) -------------------------------------
# Limits: per file, per application (or message), and for zip-based files (DOCX, ODT,
# ASiC-E) the entries, the unpacked size and the packing ratio (zip bombs).
ATTACHMENT_MAX_FILE_BYTES = env.int("ATTACHMENT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
ATTACHMENT_MAX_APPLICATION_BYTES = env.int(
    "ATTACHMENT_MAX_APPLICATION_BYTES", default=30 * 1024 * 1024
)
ATTACHMENT_ZIP_MAX_ENTRIES = env.int("ATTACHMENT_ZIP_MAX_ENTRIES", default=1000)
ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES = env.int(
    "ATTACHMENT_ZIP_MAX_UNCOMPRESSED_BYTES", default=100 * 1024 * 1024
)
ATTACHMENT_ZIP_MAX_RATIO = env.int("ATTACHMENT_ZIP_MAX_RATIO", default=100)
# The malware scanner: clamd's socket ("unix:///run/clamav/clamd.ctl", "tcp://host:3310");
# empty: no scanning; unset: clamd's usual Unix socket when it exists.
ATTACHMENT_CLAMD_SOCKET = env.str("ATTACHMENT_CLAMD_SOCKET", default=None)
ATTACHMENT_CLAMD_TIMEOUT_SECONDS = env.float("ATTACHMENT_CLAMD_TIMEOUT_SECONDS", default=30.0)

# --- Signatures and seals (docs/signing.md) ------------------------------------------------
# Trust anchors of signatures and seals (PEM), and the CA certificates between them and
# the signers (the ID-card CA, the seal CA), used to build chains without fetching.
SIGNING_TRUST_ROOTS = env.list("SIGNING_TRUST_ROOTS", default=[str(IDCARD_PKI_DIR / "root-ca.pem")])
SIGNING_INTERMEDIATE_CERTS = env.list(
    "SIGNING_INTERMEDIATE_CERTS",
    default=[str(IDCARD_PKI_DIR / "idcard-ca.pem"), str(IDCARD_PKI_DIR / "seal-ca.pem")],
)
SIGNING_TSA_URL = env.str("SIGNING_TSA_URL", default="http://127.0.0.1:8300/tsa")
# Seconds for each TSA, OCSP and CRL request.
SIGNING_NETWORK_TIMEOUT = env.float("SIGNING_NETWORK_TIMEOUT", default=5.0)
# Revocation data younger than this may be reused when the responder cannot be reached;
# past it, signing refuses (fail closed). A timestamp is always fresh.
SIGNING_FAIL_CLOSED_AFTER = env.int("SIGNING_FAIL_CLOSED_AFTER", default=300)
# Revocation URLs named in certificates, rewritten by prefix ("from=to,from=to"): lets a
# test PKI served on another port, or a mirror, answer for the URLs its certificates name.
SIGNING_PKI_URL_REWRITES = env.dict("SIGNING_PKI_URL_REWRITES", default={})
# The agencies' seal keys: one PKCS#11 token, one key per agency (CKA_LABEL = agency code).
SIGNING_HSM_MODULE = env.str("SIGNING_HSM_MODULE", default="/usr/lib/softhsm/libsofthsm2.so")
SIGNING_HSM_CONF = env.str("SIGNING_HSM_CONF", default=str(VAR_DIR / "hsm" / "softhsm2.conf"))
SIGNING_HSM_TOKEN = env.str("SIGNING_HSM_TOKEN", default="agency-seals")
# Empty: the demo's PIN file beside the token (var/hsm/pin).
SIGNING_HSM_PIN = env.str("SIGNING_HSM_PIN", default="")
# Agencies' answers go out as a PDF letter sealed with the agency's key (signing room);
# when the seal cannot be made the answer is refused. Off only for tests of other rooms.
SIGNING_SEAL_ANSWERS = env.bool("SIGNING_SEAL_ANSWERS", default=True)
# The public verification page's absolute URL, in issued documents' QR codes; empty:
# PORTAL_ORIGIN + /verify/.
VERIFY_BASE_URL = env.str("VERIFY_BASE_URL", default="")
# Checks one address may make on the verification page: (checks, seconds).
VERIFY_RATE_LIMIT = (30, 600)

PORTAL_NAME = {"ka": "ერთი ფანჯარა", "en": "OneWindow"}
SUPPORT_EMAIL = env.str("SUPPORT_EMAIL", default="help@onewindow.example")
SUPPORT_PHONE = env.str("SUPPORT_PHONE", default="+995 32 2 00 00 00")
