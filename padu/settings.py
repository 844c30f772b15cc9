"""Padu settings: one module, driven by environment variables.

PADU_ENV         "production" (default: HTTPS only, secure cookies, a secret key required)
                 or "development" (the demo and the tests: `./dev` and `padu demo` set it,
                 and every page says it is a demo)
PADU_DEBUG       1 shows Django's debug pages in development (default 0: the demo shows
                 the pages a user sees, never a traceback)
PADU_DATA_DIR    where the SQLite database, uploads and releases live (default ~/.padu)
DATABASE_URL     PostgreSQL in production, e.g. postgresql://user@host:5432/padu;
                 unset means SQLite in PADU_DATA_DIR
PADU_SECRET_KEY  required in production
PADU_ALLOWED_HOSTS  comma-separated, production only
PADU_VERIFICATION_STALE_DAYS  a family not verified for longer is flagged stale (default 365)
PADU_TIME_ZONE   the deployment's zone (default Asia/Jakarta, WIB)
PADU_MATCHING_MEMORY  DuckDB memory for matching, e.g. 8GB (default: a quarter of RAM)
PADU_SUPPRESSION_THRESHOLD    public statistics hide non-zero counts below it (default 10)
PADU_ZERO_EXTREME_POVERTY_YEAR  target year of zero extreme poverty (default 2026)
PADU_REQUIRE_2FA  1 asks every role that sees personal data for a one-time code (TOTP) at
                 sign-in; default 1 in production, 0 elsewhere (the demo says so)
PADU_LOGIN_FAILURE_LIMIT  wrong passwords before an account or an address is locked
                 (default 5), for PADU_LOGIN_COOLOFF_MINUTES (default 15)
PADU_PUBLIC_URL  the address residents reach Padu at, for the links in their messages
                 (default http://127.0.0.1:8000)
PADU_PHONE_GATEWAY_URL  an SMS/WhatsApp gateway taking {"to", "message"} as JSON, with
                 PADU_PHONE_GATEWAY_TOKEN as its bearer token (default: none; messages to
                 phones are kept, not sent; the demo prints them)
PADU_SERVICE_REGION  the regencies/cities the one-stop service serves, e.g. 33.74 (default:
                 those the registry's families live in)
PADU_SERVICE_RATE  status checks and requests per client address per hour (default 10)
PADU_LOG_FORMAT  json (default in production: one JSON object per line, with the request id)
                 or plain
PADU_BACKUP_KEEP  archives `padu backup --out FOLDER` keeps there (14)
PADU_DISK_FREE_FLOOR_MB  /readyz fails below this much free space in PADU_DATA_DIR (2048)
PADU_EMAIL_URL   how mail leaves, e.g. smtp+tls://user:pass@mail.example.go.id:587
                 (default: printed to the console); PADU_EMAIL_FROM its sender
"""

import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import dj_database_url
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = os.environ.get("PADU_ENV", "production")
if ENVIRONMENT not in ("production", "development"):
    raise ImproperlyConfigured(f"PADU_ENV={ENVIRONMENT!r}: write production or development.")
PRODUCTION = ENVIRONMENT == "production"
DEBUG = not PRODUCTION and os.environ.get("PADU_DEBUG", "0") == "1"

DATA_DIR = Path(os.environ.get("PADU_DATA_DIR", Path.home() / ".padu")).expanduser()

if PRODUCTION:
    if not os.environ.get("PADU_SECRET_KEY"):
        raise ImproperlyConfigured(
            "Padu runs with production settings unless told otherwise: set PADU_SECRET_KEY "
            "(and PADU_ALLOWED_HOSTS) for a real installation, or PADU_ENV=development to try "
            "it out (./dev demo and ./dev test do that for you)."
        )
    SECRET_KEY = os.environ["PADU_SECRET_KEY"]
    ALLOWED_HOSTS = [h for h in os.environ.get("PADU_ALLOWED_HOSTS", "").split(",") if h]
    # The health checks of systemd, the proxy or a monitor ask the server itself.
    ALLOWED_HOSTS += ["127.0.0.1", "localhost"]
else:
    SECRET_KEY = os.environ.get("PADU_SECRET_KEY", "padu-development-key-not-for-production")
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]", "testserver"]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "django_tables2",
    "django_tasks",
    "padu.core.apps.BackgroundTasksConfig",  # django_tasks_db, named in Indonesian
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "padu.core",
    "padu.regions",
    "padu.organisations",
    "padu.accounts",
    "padu.registry",
    "padu.sources",
    "padu.matching",
    "padu.welfare",
    "padu.verification",
    "padu.programs",
    "padu.releases",
    "padu.dashboards",
    "padu.service",
    "padu.api",
    "padu.synth",
    "padu.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "padu.accounts.middleware.SecondFactorMiddleware",
    "padu.accounts.middleware.NoStoreMiddleware",
    "padu.accounts.middleware.UserTimeZoneMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "padu.core.middleware.RequestIdMiddleware",
    "padu.core.middleware.DiskFullMiddleware",
    # Last, as django-axes asks: it turns a locked-out sign-in into its own page.
    "axes.middleware.AxesMiddleware",
]

# Form widgets drawn by Jinja2 (see padu.core.renderers): a widget template of Padu's own
# lives in its app's jinja2/ folder.
FORM_RENDERER = "padu.core.renderers.FormRenderer"

ROOT_URLCONF = "padu.urls"
WSGI_APPLICATION = "padu.wsgi.application"

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
                "padu.core.context.deployment",
            ],
        },
    },
]


def _database_from_environment() -> dict:
    url = os.environ.get("DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": DATA_DIR / "padu.sqlite3",
        "OPTIONS": {
            # WAL lets the web server read while a background task writes; IMMEDIATE
            # transactions take the write lock up front instead of failing mid-way.
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA cache_size=-64000; PRAGMA temp_store=MEMORY;"
            ),
        },
    }


DATA_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {"default": _database_from_environment()}
# One cache shared by every process of an installation (the web server's workers and the
# background worker), with no server of its own: the rate limits of the API and of the
# public forms, and the long counts of the list pages.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
        "LOCATION": DATA_DIR / "cache",
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out account or address is refused before its password is tried.
    "axes.backends.AxesStandaloneBackend",
    "padu.accounts.backends.AccountBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The deployment's zone: Asia/Jakarta (WIB), Asia/Makassar (WITA) or Asia/Jayapura (WIT).
TIME_ZONE = os.environ.get("PADU_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "padu.core.staticfinders.PackageFileFinder",
]
# Chart and map JavaScript as the plotly and django-leaflet packages ship it (no CDN,
# nothing vendored by hand; django-leaflet is not an installed app: its admin needs GDAL).
PACKAGE_STATIC_FILES = {
    "vendor/plotly.min.js": ("plotly", "package_data/plotly.min.js"),
    "vendor/leaflet/leaflet.js": ("leaflet", "static/leaflet/leaflet.js"),
    "vendor/leaflet/leaflet.css": ("leaflet", "static/leaflet/leaflet.css"),
    **{
        f"vendor/leaflet/images/{name}": ("leaflet", f"static/leaflet/images/{name}")
        for name in (
            "layers.png",
            "layers-2x.png",
            "marker-icon.png",
            "marker-icon-2x.png",
            "marker-shadow.png",
        )
    },
}
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Background work (imports, matching) runs in `padu worker`, from a queue kept in
# the database, so no broker is needed.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# Uploads above this size are streamed to a temporary file, not held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "padu.core.staticstorage.StaticStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production, static files come straight from the apps and packages (no
# collectstatic), with or without DEBUG.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "padu.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "padu.api.pagination.ByIdCursor",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "padu.api.problems.problem_details",
    # The client's address for rate limits: in production the one the reverse proxy put in
    # X-Forwarded-For (deploy/nginx.conf sets it, never appends a client's); else the peer.
    "NUM_PROXIES": 1 if PRODUCTION else 0,
    # Calls per token (or signed-in user) per minute; a system that needs more asks.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "user": os.environ.get("PADU_API_RATE", "600/min"),
        "anon": "30/min",  # the token endpoint, against guessing
        # The one-stop service's public forms, per client address: a status check or a
        # ticket lookup (against guessing NIKs and codes), a request sent.
        "service-lookup": f"{os.environ.get('PADU_SERVICE_RATE', '10')}/hour",
        "service-submit": f"{os.environ.get('PADU_SERVICE_RATE', '10')}/hour",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Padu API",
    "DESCRIPTION": "Data terpadu kemiskinan daerah: keluarga, orang, rujukan.",
    "VERSION": "1",
    # Swagger UI and Redoc from the drf-spectacular-sidecar package (no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "ENUM_NAME_OVERRIDES": {
        "PersonLifecycleEnum": "padu.registry.choices.Lifecycle",
        "FamilyLifecycleEnum": "padu.registry.choices.FamilyLifecycle",
        "ReferralStatusEnum": "padu.programs.choices.ReferralStatus",
        "BatchStatusEnum": "padu.sources.choices.BatchStatus",
        "VerificationStatusEnum": "padu.registry.choices.VerificationStatus",
        "RunStatusEnum": "padu.core.choices.RunStatus",
    },
}

SESSION_COOKIE_AGE = 8 * 60 * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

TWO_FACTOR_REQUIRED = os.environ.get("PADU_REQUIRE_2FA", "1" if PRODUCTION else "0") == "1"
OTP_TOTP_ISSUER = "Padu"
# Lock a user name, or an address, after this many wrong passwords (django-axes). An
# office behind one address shares the second count: its limit is the same, and a locked
# address frees itself after the cool-off.
AXES_FAILURE_LIMIT = int(os.environ.get("PADU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = int(os.environ.get("PADU_LOGIN_COOLOFF_MINUTES", "15")) / 60  # hours
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
if PRODUCTION:
    # Behind the reverse proxy, the client's address is the proxy's first forwarded one.
    AXES_IPWARE_PROXY_COUNT = 1
    AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]

_email = urlsplit(os.environ.get("PADU_EMAIL_URL", ""))
if _email.scheme.startswith("smtp"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST, EMAIL_PORT = _email.hostname, _email.port or 25
    EMAIL_HOST_USER = unquote(_email.username or "")
    EMAIL_HOST_PASSWORD = unquote(_email.password or "")
    EMAIL_USE_TLS = _email.scheme == "smtp+tls"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("PADU_EMAIL_FROM", "Padu <padu@localhost>")

PUBLIC_URL = os.environ.get("PADU_PUBLIC_URL", "http://127.0.0.1:8000")
#: The regencies/cities (codes, comma-separated) the one-stop service takes requests for;
#: empty: those the registry's families live in.
SERVICE_REGION = os.environ.get("PADU_SERVICE_REGION", "")
SERVICE_PHONE_GATEWAY_URL = os.environ.get("PADU_PHONE_GATEWAY_URL", "")
SERVICE_PHONE_GATEWAY_TOKEN = os.environ.get("PADU_PHONE_GATEWAY_TOKEN", "")
#: How a message to a resident leaves, per channel (padu.service.notify).
SERVICE_SENDERS = {
    "email": "padu.service.notify.EmailSender",
    "ponsel": (
        "padu.service.notify.GatewaySender"
        if SERVICE_PHONE_GATEWAY_URL
        else "padu.service.notify.NoSender"
        if PRODUCTION
        else "padu.service.notify.ConsoleSender"
    ),
}

#: A family not verified in the field for this many days is flagged as stale.
VERIFICATION_STALE_DAYS = int(os.environ.get("PADU_VERIFICATION_STALE_DAYS", "365"))
# How much memory matching's DuckDB may use before spilling (e.g. "8GB"; default: a
# quarter of the machine's memory, at least 2.5 GB).
MATCHING_MEMORY = os.environ.get("PADU_MATCHING_MEMORY", "")
# A tile server for the maps' background, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png
# (empty: none; the boundaries draw on a plain background, offline).
MAP_TILE_URL = os.environ.get("PADU_MAP_TILE_URL", "")
_tile_origin = "{0.scheme}://{0.hostname}".format(urlsplit(MAP_TILE_URL)) if MAP_TILE_URL else ""

# Scripts only from Padu's own static files (every script is a file: no inline script, no
# eval). Styles may be inline: Plotly and htmx add <style> elements, and bars and map
# legends size and colour themselves in style attributes; a style cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:", *([_tile_origin] if _tile_origin else [])],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Public statistics hide a non-zero count below this (and what would give it away).
SUPPRESSION_THRESHOLD = int(os.environ.get("PADU_SUPPRESSION_THRESHOLD", "10"))
# The year by whose end extreme poverty should be zero (the national target: 2026).
ZERO_EXTREME_POVERTY_YEAR = int(os.environ.get("PADU_ZERO_EXTREME_POVERTY_YEAR", "2026"))
# How long, in days, what is no longer needed is kept (``padu retention`` reports, then
# deletes when told): uploaded source files of finished imports, the verbatim rows of
# imports that did not land, photos of decided visits, stored files nothing points to.
RETENTION_DAYS = {
    "import_files": int(os.environ.get("PADU_RETAIN_IMPORT_FILES_DAYS", "365")),
    "unlanded_rows": int(os.environ.get("PADU_RETAIN_UNLANDED_ROWS_DAYS", "90")),
    "visit_photos": int(os.environ.get("PADU_RETAIN_VISIT_PHOTOS_DAYS", "1825")),
    "orphan_files": int(os.environ.get("PADU_RETAIN_ORPHAN_FILES_DAYS", "1")),
}
LOG_FILE = DATA_DIR / "padu.log"
# JSON lines (one object per record, with the request id) for a log collector in
# production; plain text to read on a terminal in development.
LOG_FORMAT = os.environ.get("PADU_LOG_FORMAT", "json" if PRODUCTION else "plain")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "padu.core.logs.RequestIdFilter"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(request_id)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
        # Tracebacks go to the log file, never in front of the person at the terminal.
        "file": {
            "class": "padu.core.logs.LogFile",
            "filename": LOG_FILE,
            "formatter": LOG_FORMAT,
            "filters": ["request_id"],
        },
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "padu": {"handlers": ["file"], "level": "INFO", "propagate": False},
        # Errors of requests (with their traceback) into the file too, with their id.
        "django.request": {"handlers": ["file", "console"], "level": "ERROR", "propagate": False},
        # Splink's training notes (unobserved levels, untrained parameters) are for the log;
        # the run itself reports what a person needs to know.
        "splink": {"handlers": ["file"], "level": "WARNING", "propagate": False},
    },
}

#: How many archives `padu backup --out FOLDER` keeps there (the newest).
BACKUP_KEEP = int(os.environ.get("PADU_BACKUP_KEEP", "14"))
#: A folder on another machine (mounted here) where `padu backup` also puts each archive.
BACKUP_COPY_TO = os.environ.get("PADU_BACKUP_COPY_TO") or None

#: /readyz fails when the data directory has less free space than this.
DISK_FREE_FLOOR_MB = int(os.environ.get("PADU_DISK_FREE_FLOOR_MB", "2048"))

if PRODUCTION:
    SECURE_SSL_REDIRECT = True
    # The health checks come over plain HTTP from the machine itself.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
