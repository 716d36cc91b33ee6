"""Back Office settings: one readable file; every knob comes from the environment (config.env)."""

import sys
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from config.env import env_bool, env_int, env_list, env_secret, env_str

if sys.version_info < (3, 12):  # noqa: UP036 - the guard is for a wrong interpreter
    raise SystemExit("Back Office needs Python >= 3.12 (Django 6.1). Run it through `make`.")

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env_str("BACKOFFICE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_secret(
    "SECRET_KEY", required=not DEBUG, dev_default="dev-only-insecure-key-never-use-in-production"
)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    # Unfold without its site: ours (core.sites) is the admin's default site.
    "unfold.apps.BasicAppConfig",
    "unfold.contrib.filters",
    "unfold.contrib.forms",
    "backoffice.core.sites.BackOfficeAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "backoffice.core.sites.LoginSecurityConfig",  # django-axes
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "backoffice.core.sites.TasksConfig",  # django_tasks_db
    "backoffice.audit",
    "backoffice.core",
    "backoffice.accounts",
    "backoffice.reviews",
    "backoffice.parties",
    "backoffice.catalog",
    "backoffice.ledger",
    "backoffice.contracts",
    "backoffice.office",
    "backoffice.sales",
    "backoffice.materials",
    "backoffice.expenses",
    "backoffice.reports",
    "backoffice.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # reports, lists and exports read a replica when there is one (DATABASE_REPLICA_URLS)
    "backoffice.core.replicas.ReplicaMiddleware",
    # a NUL character in any input is a 400 here, before a filter or form passes it on
    "backoffice.core.middleware.NulCharacterMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # a POST with an Idempotency-Key (API) or idempotency_key (forms) is done once per key
    "backoffice.core.idempotency.IdempotencyMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # a page's uncaught ApplicationError (a bad ?date_from=…) is a page with its message
    "backoffice.core.middleware.ApplicationErrorMiddleware",
    # an unreachable database is a 503 with Retry-After, not a 500
    "backoffice.core.middleware.DatabaseUnavailableMiddleware",
    # last: turns a login refused for too many failures into its 429 (accounts.logins)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "backoffice" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.csp",  # {{ csp_nonce }}
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite under var/ is the embedded default; production sets DATABASE_URL=postgres://...
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'backoffice.sqlite3'}")
_db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
if _db["ENGINE"] == "django.db.backends.sqlite3":
    _db["CONN_MAX_AGE"] = 0
    _db["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so concurrent writers queue instead of
        # failing with "database is locked" half-way through a transaction.
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
        "PRAGMA foreign_keys=ON;",
    }
    _db["TEST"] = {"NAME": str(VAR_DIR / "test-backoffice.sqlite3")}
else:
    _db.setdefault("OPTIONS", {})
    # Parameters bound by the server (psycopg's own cursor), and a statement a connection has
    # run five times prepared: PostgreSQL plans it once instead of on every run (an order's
    # approval plans joins that cost more than running them). Django leaves psycopg's
    # preparing off unless told. DB_SERVER_SIDE_BINDING=false turns both off, behind a pooler
    # in transaction mode that cannot keep prepared statements.
    if env_bool("DB_SERVER_SIDE_BINDING", True):
        _db["OPTIONS"].setdefault("server_side_binding", True)
        _db["OPTIONS"].setdefault("prepare_threshold", 5)
    _db["CONN_HEALTH_CHECKS"] = True
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Read replicas (PostgreSQL streaming replicas of the primary): reports, the dashboard, lists
# and exports read them; see backoffice.core.replicas. Unset: one database, nothing routed.
for _n, _url in enumerate(env_list("DATABASE_REPLICA_URLS", []), start=1):
    _replica = dj_database_url.parse(_url, conn_max_age=env_int("DB_CONN_MAX_AGE", 60))
    if "postgresql" not in _replica["ENGINE"] or "postgresql" not in _db["ENGINE"]:
        raise ImproperlyConfigured("DATABASE_REPLICA_URLS: replicas of a PostgreSQL primary")
    _replica["OPTIONS"] = {
        "connect_timeout": env_int("REPLICA_CONNECT_TIMEOUT", 2),
        **{  # binding and preparing as on the primary
            k: v
            for k, v in _db["OPTIONS"].items()
            if k in ("server_side_binding", "prepare_threshold")
        },
    }
    _replica["CONN_HEALTH_CHECKS"] = True
    _replica["TEST"] = {"MIRROR": "default"}  # tests read the primary's test database there
    DATABASES[f"replica{_n}"] = _replica
DATABASE_ROUTERS = ["backoffice.core.replicas.ReplicaRouter"] if len(DATABASES) > 1 else []
REPLICA_PIN_SECONDS = env_int("REPLICA_PIN_SECONDS", 5)  # a user's reads after a write
REPLICA_RETRY_SECONDS = env_int("REPLICA_RETRY_SECONDS", 30)  # a replica that did not answer

# --- Caches (login throttling, Unfold's search cache) ----------------------------------------
# Several app servers must share one cache: point REDIS_URL at Redis in production.
REDIS_URL = env_str("REDIS_URL", "")
# "reports": the rows of the big reports kept by period (reports/selectors/sales.py), tens of
# megabytes, apart from the small entries that must not be culled to make room for them
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "reports": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "reports",
        },
    }
else:  # one machine: the web server and the task worker share files (import progress…)
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        },
        "reports": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "reports"),
            "OPTIONS": {"MAX_ENTRIES": 20000},
        },
    }

# --- Background work ------------------------------------------------------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A running task's worker writes a beat this often; a task whose beat is older than the stale
# limit is run again by another worker (core.workers). On SQLite keep the limit above the
# longest write transaction of a task (a beat waits for it).
WORKER_BEAT_SECONDS = env_int("WORKER_BEAT_SECONDS", 10)
WORKER_STALE_SECONDS = env_int("WORKER_STALE_SECONDS", 300)
# The daily jobs of a day are claimed once; a claim unfinished this long is taken over.
DAILY_JOBS_STALE_SECONDS = env_int("DAILY_JOBS_STALE_SECONDS", 3600)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "admin:login"
LOGIN_REDIRECT_URL = "admin:index"
# Password guessing (accounts/logins.py): django-axes on the API token login and the staff UI
# login alike. Only failures count; a username locks after LOGIN_FAILURE_LIMIT of them, a client
# address after LOGIN_ADDRESS_FAILURE_LIMIT (an office shares one address), for
# LOGIN_LOCKOUT_MINUTES after the last failure.
AUTHENTICATION_BACKENDS = [
    "backoffice.accounts.logins.LoginLockoutBackend",
    # reads the permissions ModelBackend checks in one query instead of two; logs nobody in
    "backoffice.accounts.backends.PermissionsInOneQueryBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# The reverse proxies in front of the app that append to X-Forwarded-For (0: none, the client
# address is REMOTE_ADDR). Anything further left in the header is the client's to forge.
TRUSTED_PROXIES = env_int("TRUSTED_PROXIES", 0)
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env_int("LOGIN_ADDRESS_FAILURE_LIMIT", 50)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # this order: LoginLockoutHandler reads it
AXES_HANDLER = "backoffice.accounts.logins.LoginLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "backoffice.accounts.logins.client_address"
AXES_USERNAME_CALLABLE = "backoffice.accounts.logins.login_username"
AXES_LOCKOUT_CALLABLE = "backoffice.accounts.logins.lockout_response"
AXES_ENABLE_ACCESS_FAILURE_LOG = True  # every failure, shown in the staff UI (accounts.admin)
AXES_ENABLE_ADMIN = False  # ours are Unfold's, scoped and translated
# A success does not wipe the address's failures: one valid account must not reset a sprayer.
AXES_RESET_ON_SUCCESS = False
AXES_VERBOSE = False
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = env_str("LANGUAGE_CODE", "en")
FORMAT_MODULE_PATH = ["config.formats"]
# The report pack is one document for every recipient: written in this language.
REPORT_PACK_LANGUAGE = env_str("REPORT_PACK_LANGUAGE", "zh-hans")
LANGUAGES = [("en", "English"), ("zh-hans", "简体中文")]
LOCALE_PATHS = [BASE_DIR / "backoffice" / "locale"]
STATICFILES_DIRS = [BASE_DIR / "backoffice" / "static"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Files ----------------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
# Uploaded scans live outside the web root; views check access before serving them.
MEDIA_ROOT = VAR_DIR / "media"
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 5 * 1024 * 1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# --- Fixtures (dumpdata/loaddata) ---------------------------------------------------------
# JSON with timestamps to the microsecond (Django's cut them to milliseconds). Backups are
# `manage.py backup`/`restore`; a JSON dump is for moving a few records, not for a backup.
SERIALIZATION_MODULES = {
    "json": "backoffice.core.serializers.json",
    "jsonl": "backoffice.core.serializers.jsonl",
}

# --- Business rules -------------------------------------------------------------------------
# "block": a missing, unverified or expired qualification refuses order audit and delivery
# release; "warn": it is shown but does not refuse.
QUALIFICATION_BLOCK_MODE = env_str("QUALIFICATION_BLOCK_MODE", "block")
SCAN_MAX_BYTES = env_int("SCAN_MAX_BYTES", 10 * 1024 * 1024)
# Imports (core.tabular): a spreadsheet is refused before its rows are parsed when its declared
# size or its unpacked members exceed these, and reading stops at them whatever it declares.
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20000)  # a customer or counts sheet
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 100)
IMPORT_MAX_CELLS = env_int("IMPORT_MAX_CELLS", 1_000_000)
IMPORT_MAX_UNPACKED_BYTES = env_int("IMPORT_MAX_UNPACKED_BYTES", 100 * 1024 * 1024)
# The history import runs in the task worker and reads a company's orders: more rows.
HISTORY_IMPORT_MAX_ROWS = env_int("HISTORY_IMPORT_MAX_ROWS", 2_000_000)
HISTORY_IMPORT_MAX_UNPACKED_BYTES = env_int("HISTORY_IMPORT_MAX_UNPACKED_BYTES", 1024**3)
# Above this size an upload is checked and imported by the task worker, not in the request.
IMPORT_SYNC_MAX_BYTES = env_int("IMPORT_SYNC_MAX_BYTES", 256 * 1024)
# Per user: imports started a day, and one at a time.
IMPORT_DAILY_LIMIT = env_int("IMPORT_DAILY_LIMIT", 20)
IMPORT_DAILY_BYTES = env_int("IMPORT_DAILY_BYTES", 500 * 1024 * 1024)
# A running import whose heartbeat is older than this is taken for dead (its worker gone).
IMPORT_HEARTBEAT_TIMEOUT = env_int("IMPORT_HEARTBEAT_TIMEOUT", 15 * 60)  # seconds
# Input dates (core.inputs) run from the company's start to the end of next year; a date that
# looks ahead (valid_to, expires_on, due_on) up to DATE_HORIZON_YEARS years ahead.
COMPANY_START_DATE = env_str("COMPANY_START_DATE", "2000-01-01")
DATE_HORIZON_YEARS = env_int("DATE_HORIZON_YEARS", 100)
# A JSON body nested deeper is refused before it is parsed (core.inputs).
JSON_MAX_DEPTH = env_int("JSON_MAX_DEPTH", 64)
# What a 503 answers when the database cannot be reached (core.middleware).
DATABASE_RETRY_AFTER_SECONDS = env_int("DATABASE_RETRY_AFTER_SECONDS", 30)

# --- Email ----------------------------------------------------------------------------------
# Without EMAIL_HOST nothing is sent: mail is printed to the console and in-app to-dos remain.
_email_host = env_str("EMAIL_HOST", "")
EMAIL_ENABLED = bool(_email_host)
if EMAIL_ENABLED:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", ""),
                "password": env_str("EMAIL_HOST_PASSWORD", ""),
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
                "timeout": 20,
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "backoffice@localhost")
# The site's address as people open it: the links in mails are built on it (a mail client
# cannot open "/sales/salesorder/81/change/"). Production sets the public https address.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (production: DEBUG=false behind HTTPS) ----------------------------------------
SECURE_SSL = env_bool("SECURE_SSL", default=not DEBUG)
SECURE_SSL_REDIRECT = SECURE_SSL
SESSION_COOKIE_SECURE = SECURE_SSL
CSRF_COOKIE_SECURE = SECURE_SSL
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000 if SECURE_SSL else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_SSL
SECURE_HSTS_PRELOAD = SECURE_SSL
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
# Unfold opens related records (the "+" next to a select) in a same-origin iframe modal.
X_FRAME_OPTIONS = "SAMEORIGIN"
# security.W019: the SAMEORIGIN above is deliberate. models.W040: covering indexes (INCLUDE)
# are for PostgreSQL; on SQLite they are plain indexes, on purpose.
SILENCED_SYSTEM_CHECKS = ["security.W019", "models.W040"]
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 12 * 3600)
# Content-Security-Policy (Django's own, django.middleware.csp): our own assets only. An
# inline <script> of ours carries the request's nonce ({{ csp_nonce }}). Two exceptions, both
# for Unfold: its Alpine.js is the standard build, which evaluates x-data/x-on expressions
# with Function() ('unsafe-eval'), and its templates and ours style elements with style=""
# attributes, which nonces cannot cover ('unsafe-inline' for styles only, never scripts).
# Images: the logo and seal previews are data: URIs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE, CSP.UNSAFE_EVAL],
    "style-src": [CSP.SELF, CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "frame-src": [CSP.SELF],
    "frame-ancestors": [CSP.SELF],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so that an anonymous request gets 401 with WWW-Authenticate, not 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "backoffice.core.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "backoffice.core.api.Pagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "backoffice.core.schema.AutoSchema",
    "EXCEPTION_HANDLER": "backoffice.core.api.exception_handler",
    # Throttles (none by default) and the login lockout agree on who the client is.
    "NUM_PROXIES": TRUSTED_PROXIES,
    "DEFAULT_PARSER_CLASSES": [
        "backoffice.core.inputs.DepthLimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "COERCE_DECIMAL_TO_STRING": True,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Back Office API",
    "DESCRIPTION": "REST API of Back Office, the sales back-office system. "
    "Errors always have the body {code, message, extra}.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "backoffice.core.schema.error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "CustomerKindEnum": "backoffice.parties.models.Customer.Kind",
        "CustomerStatusEnum": "backoffice.parties.models.Customer.Status",
        "VisitKindEnum": "backoffice.parties.models.Visit.Kind",
        "FeedbackStatusEnum": "backoffice.parties.models.Feedback.Status",
        "PaymentMethodEnum": "backoffice.ledger.models.Receipt.Method",
        "DeliveryMethodEnum": "backoffice.sales.models.Delivery.Method",
    },
}

# Idempotency-Key (core.idempotency): how long a key's answer is kept, and how long a
# second request waits for the first one with the same key before 409 in progress.
IDEMPOTENCY_KEY_HOURS = env_int("IDEMPOTENCY_KEY_HOURS", 24)
IDEMPOTENCY_WAIT_SECONDS = env_int("IDEMPOTENCY_WAIT_SECONDS", 10)
# A key claimed this long ago with no answer yet belongs to a request whose process died (a
# worker killed): a retry takes it over. Keep it above the longest a request may run, the
# server's worker timeout (gunicorn --timeout, 30 s by default).
IDEMPOTENCY_STALE_SECONDS = env_int("IDEMPOTENCY_STALE_SECONDS", 60)
# If-Match (core.versions): when true, a PATCH/PUT without it is refused with 428.
IF_MATCH_REQUIRED = env_bool("IF_MATCH_REQUIRED", default=False)

# --- Staff UI -------------------------------------------------------------------------------
from config.unfold import UNFOLD as UNFOLD  # noqa: E402 - needs the settings above

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # The PDF library narrates every print at INFO/DEBUG ("Step 1 - Fetching and parsing
        # HTML…", font subsetting): only its warnings belong on the console.
        "weasyprint": {"level": "WARNING"},
        "weasyprint.progress": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
        # the login lockout narrates every failure at INFO; failures and lockouts are WARNING
        "axes": {"level": "WARNING"},
    },
}
