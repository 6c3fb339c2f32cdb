"""radRounds settings.

Everything that differs between a laptop and a server comes from the environment.
Local defaults need nothing: SQLite in the project folder, DEBUG on, console email.
Set ``RADROUNDS_MODE=production`` for a server; it refuses to start without
``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import ipaddress
import os
from email.utils import getaddresses
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    value = value.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}.")


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


MODE = os.environ.get("RADROUNDS_MODE", "local").strip().lower()
if MODE not in {"local", "production"}:
    raise ImproperlyConfigured("RADROUNDS_MODE must be 'local' or 'production'.")
PRODUCTION = MODE == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if PRODUCTION:
    if len(SECRET_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY (at least 32 random characters) in the environment."
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured(
            "Production mode needs ALLOWED_HOSTS (comma-separated host names) in the environment."
        )
else:
    # A fixed key is fine for a laptop: nothing it signs leaves the machine.
    SECRET_KEY = SECRET_KEY or "local-development-only-not-secret-radrounds"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

DEBUG = env_bool("DEBUG", default=not PRODUCTION)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "django_tasks",
    "django_tasks_db",
    "csp",
    "radrounds",
    "accounts",
    "posts",
]

# Outermost first: the request log sees every answer (static files and errors too);
# the proxy middleware fixes the client address and scheme before anything reads them.
MIDDLEWARE = [
    "radrounds.middleware.RequestLogMiddleware",
    "radrounds.middleware.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "radrounds.middleware.SecurityHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    # Before the session: a visitor's cached page costs no session or user lookup.
    "radrounds.pagecache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
]

if not DEBUG:
    # Static files from the app server itself (gunicorn): compressed, cached for a year.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("csp.middleware.CSPMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "radrounds.urls"

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
                "radrounds.context_processors.site",
            ],
        },
    },
]

WSGI_APPLICATION = "radrounds.wsgi.application"
ASGI_APPLICATION = "radrounds.asgi.application"

# --- Database -------------------------------------------------------------
# SQLite by default, tuned for a small site with concurrent readers: WAL lets
# readers proceed during a write, IMMEDIATE transactions take the write lock up
# front (no "database is locked" upgrades mid-transaction), and the timeout makes
# writers queue instead of failing. DATABASE_URL switches to PostgreSQL.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
if os.environ.get("DATABASE_URL"):
    DATABASES = {
        "default": dj_database_url.parse(
            os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": SQLITE_PATH,
            "OPTIONS": {
                "init_command": (
                    "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                    "PRAGMA cache_size=-32000; PRAGMA mmap_size=268435456;"
                ),
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # One connection per worker for its lifetime: opening one per request cost
            # the PRAGMAs and, worse, the 32 MB page cache started cold every request.
            "CONN_MAX_AGE": None,
            "CONN_HEALTH_CHECKS": True,
            # Tests run on a real file too, so concurrency tests see real locking.
            "TEST": {
                "NAME": os.environ.get("SQLITE_TEST_PATH", str(BASE_DIR / ".test-db.sqlite3"))
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Caches -----------------------------------------------------------------
# Shared by every server process, one alias per kind of data so that no amount of
# one kind can evict another (each database alias has its own table; in Redis each has
# its own key prefix, and docs/deploy.md says which eviction policy keeps them apart):
#   default   rate limits (allauth's sign-in/sign-up limits count here, and
#             radrounds.ratelimit) and allauth's used-TOTP marks. Small: keep bulky
#             data out of it. Falls back to a per-process cache during an outage, so
#             sign-in stays limited instead of failing.
#   views     view de-duplication marks and per-address caps (posts/services/viewing.py)
#   previews  the admin's PubMed import batches (posts/importing.py)
#   pages     rendered pages for anonymous readers (radrounds/pagecache.py)
# The database tables are created by a migration (radrounds/migrations), so
# `manage.py migrate` is all a deploy needs.
REDIS_URL = os.environ.get("REDIS_URL", "").strip()
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "radrounds")
CACHE_TABLES = {
    "default": "radrounds_cache",
    "views": "radrounds_cache_views",
    "previews": "radrounds_cache_previews",
    "pages": "radrounds_cache_pages",
}


def _cache(alias: str, *, max_entries: int, fallback: str = "none", location: str = "") -> dict:
    if REDIS_URL:
        return {
            "BACKEND": "radrounds.cache.ResilientRedisCache",
            "LOCATION": location or REDIS_URL,
            "KEY_PREFIX": f"{CACHE_KEY_PREFIX}:{alias}",
            "FALLBACK": fallback,
            # Fail fast: an unreachable Redis costs one second, then the fallback.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    return {
        "BACKEND": "radrounds.cache.ResilientDatabaseCache",
        "LOCATION": CACHE_TABLES[alias],
        "FALLBACK": fallback,
        "OPTIONS": {"MAX_ENTRIES": max_entries},
    }


CACHES = {
    "default": _cache("default", max_entries=100_000, fallback="local"),
    "views": _cache(
        "views", max_entries=200_000, location=os.environ.get("REDIS_VIEWS_URL", "").strip()
    ),
    "previews": _cache("previews", max_entries=2_000),
    "pages": _cache(
        "pages", max_entries=20_000, location=os.environ.get("REDIS_PAGES_URL", "").strip()
    ),
}
# Anonymous readers' pages served from the `pages` cache (radrounds/pagecache.py): which
# paths are looked up, and the longest an entry lives (every change that can show on a
# page makes the entries stale at once; 0 turns the cache off).
PAGE_CACHE_PATHS = r"^/(discussed/|search/|posts/\d+/[^/]+/)?$"
PAGE_CACHE_SECONDS = env_int("PAGE_CACHE_SECONDS", 300)

# --- Background tasks ---------------------------------------------------------
# Django's tasks API (the django-tasks backport; django.tasks from Django 6). The
# embedded default keeps the queue in the database, so a task is enqueued in the same
# transaction as the rows it works on; `manage.py db_worker` runs them (`make run`
# starts one beside the web server). Tests run tasks immediately.
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}
# A queue outside the database (RQ on Redis) must only see a task once the rows it
# reads are committed; a queue inside it commits with them.
TASKS_ENQUEUE_ON_COMMIT = False
if REDIS_URL:
    # At scale the queue lives in Redis: django-tasks' RQ backend, run by
    # `manage.py worker` (rqworker with the scheduler, for deferred retries).
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 30 * 60}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    TASKS_ENQUEUE_ON_COMMIT = True

# --- Authentication ---------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email", "username"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = (
    "mandatory" if PRODUCTION else os.environ.get("ACCOUNT_EMAIL_VERIFICATION", "optional")
)
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up with a taken address must answer like any sign-up in every mode. With
# mandatory verification allauth sends the owner a note instead of an account; with
# optional verification only "strict" hides it (the new account gets the address
# unverified, and cannot confirm it).
ACCOUNT_PREVENT_ENUMERATION = "strict"
ACCOUNT_FORMS = {"signup": "accounts.forms.SignupForm"}
ACCOUNT_MAX_EMAIL_ADDRESSES = 3
# Directory and public profiles list only members who confirmed an email address.
MEMBERS_REQUIRE_VERIFIED_EMAIL = env_bool("MEMBERS_REQUIRE_VERIFIED_EMAIL", PRODUCTION)
LOGIN_URL = "account_login"
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_ALLOW_REGISTRATION = env_bool("ACCOUNT_ALLOW_REGISTRATION", True)
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[radRounds] "
ACCOUNT_EMAIL_NOTIFICATIONS = True  # tell members when their password or email changes
ACCOUNT_SESSION_REMEMBER = None  # let the member choose "Remember me"
# Words that would collide with /members/<username>/ or look official.
ACCOUNT_USERNAME_BLACKLIST = ["me", "admin", "administrator", "staff", "radrounds", "support"]
ACCOUNT_USERNAME_MIN_LENGTH = 3
# allauth's default limits (login_failed 10/m/ip,5/5m/key; reset_password; signup ...)
# stay on; they count in CACHES["default"], which every server process shares. The
# "key" of login_failed is the account, whichever identifier was typed (accounts.adapters).
ACCOUNT_RATE_LIMITS = {}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "radRounds"
# Staff must have two-factor authentication before reaching the admin.
STAFF_REQUIRE_MFA = env_bool("STAFF_REQUIRE_MFA", PRODUCTION)

# --- Email ----------------------------------------------------------------
# Every message is stored and sent by the background worker (accounts.mail), so a
# slow or failing mail server never holds a request and no message is lost;
# EMAIL_DELIVERY_BACKEND is what the worker hands messages to.
EMAIL_BACKEND = "accounts.mail.QueuedEmailBackend"
if os.environ.get("EMAIL_HOST"):
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
    EMAIL_TIMEOUT = 30
else:
    EMAIL_DELIVERY_BACKEND = "django.core.mail.backends.console.EmailBackend"
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "radRounds <no-reply@radrounds.local>")

# --- Internationalisation ---------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -------------------------------------------------------
# Static files: collected by `collectstatic` and served by WhiteNoise from the app
# server, compressed, with content-hashed names cached for a year (production).
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
WHITENOISE_USE_FINDERS = not PRODUCTION  # local DEBUG=false serves without collectstatic
WHITENOISE_ALLOW_ALL_ORIGINS = False  # our assets are for our pages only
# Uploaded files (avatars) on the local disk, served at MEDIA_URL by radrounds.media with
# a safe content type; MEDIA_STORAGE=s3 puts them on an S3-compatible store instead,
# which several app servers can share (needs `pip install boto3`).
MEDIA_URL = os.environ.get("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "filesystem").strip().lower()
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
if MEDIA_STORAGE == "s3":
    _custom_domain = os.environ.get("AWS_S3_CUSTOM_DOMAIN", "").strip()
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ.get("AWS_STORAGE_BUCKET_NAME", ""),
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "custom_domain": _custom_domain or None,
            "location": os.environ.get("AWS_LOCATION", "media"),
            # Avatar names are random and never reused, so they can be cached forever
            # and fetched without signed URLs.
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
    if _custom_domain and "MEDIA_URL" not in os.environ:
        MEDIA_URL = f"https://{_custom_domain}/"
elif MEDIA_STORAGE != "filesystem":
    raise ImproperlyConfigured("MEDIA_STORAGE must be 'filesystem' or 's3'.")
# `make backup` / `manage.py backup` write timestamped folders here.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", BASE_DIR / "backups"))

# --- Security ---------------------------------------------------------------
# Behind a reverse proxy: which X-Forwarded-For / X-Forwarded-Proto hops to believe
# (radrounds.middleware.TrustedProxyMiddleware): the proxies' addresses or networks,
# or how many proxies stand in front. Headers from anyone else are ignored.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")

SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Load balancers probe these over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if PRODUCTION:
    # Browsers keep Secure cookies on http://127.0.0.1 and localhost too, so `make serve`
    # works on loopback; the __Host- prefix pins them to this host and path /.
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    # Sent only on HTTPS responses (so never on a loopback run): one year.
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 60 * 60)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
else:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", False)
SESSION_COOKIE_NAME = "__Host-sessionid" if SESSION_COOKIE_SECURE else "sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken" if CSRF_COOKIE_SECURE else "csrftoken"
# An HTTPS-only site puts https:// in every emailed link, whatever the request said.
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SECURE_SSL_REDIRECT else "http"

# Content-Security-Policy (django-csp): scripts, styles and fonts only from files this
# site serves; no inline code, no inline styles, no framing by other sites.
_MEDIA_ORIGIN = "{0.scheme}://{0.netloc}".format(urlsplit(MEDIA_URL)) if "://" in MEDIA_URL else ""
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # data: for generated initials avatars and allauth's TOTP QR code.
        "img-src": ["'self'", "data:", *([_MEDIA_ORIGIN] if _MEDIA_ORIGIN else [])],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}
if os.environ.get("CSP_REPORT_URI"):
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["report-uri"] = [os.environ["CSP_REPORT_URI"]]
# Images under these prefixes (badges) may be embedded by other sites.
CROSS_ORIGIN_EMBEDDABLE_PREFIXES = ["/badges/"]

# --- radRounds ----------------------------------------------------------------
SITE_NAME = "radRounds Radiology Network"
SITE_TAGLINE = "Connecting Radiology | Enabling collaboration and professional development"
POSTS_PER_PAGE = 20
# Where the site lives, for links in emails (which are written without a request).
SITE_URL = os.environ.get(
    "SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
RELATED_POSTS = 5  # listed under a post: those sharing its MeSH major topics and keywords
# A visitor's repeat views of one post inside this window count once.
VIEW_DEDUPE_SECONDS = int(os.environ.get("VIEW_DEDUPE_SECONDS", 8 * 60 * 60))
# With Redis, counted views wait there at most about this long before a task adds them
# to the database (posts/services/view_buffer.py); pages show them at once.
VIEW_FLUSH_SECONDS = env_int("VIEW_FLUSH_SECONDS", 60)
# Views wait in Redis only on the main instance (noeviction): an evicted counter would
# lose views. With a separate views instance (REDIS_VIEWS_URL, which may evict marks)
# counted views are written to the database at once, as with the database cache.
VIEW_BUFFER = bool(REDIS_URL) and not os.environ.get("REDIS_VIEWS_URL", "").strip()

# Sponsor Ad slot: a page carries the sponsors that start within this many seconds,
# so a cached copy can switch to them by itself; impression and click counts wait
# in the cache at most about this long before a task adds them to the database.
SPONSOR_LOOKAHEAD_SECONDS = int(os.environ.get("SPONSOR_LOOKAHEAD_SECONDS", 6 * 60 * 60))
SPONSOR_FLUSH_SECONDS = int(os.environ.get("SPONSOR_FLUSH_SECONDS", 5 * 60))
# Report an Issue: a moderator's claim on a report can be taken over by another once
# it is this old; new reports are emailed to the moderators at once after a quiet
# spell, then at most once per interval (one email listing everything new).
REPORT_CLAIM_STALE_SECONDS = int(os.environ.get("REPORT_CLAIM_STALE_SECONDS", 60 * 60))
REPORT_ALERT_INTERVAL_SECONDS = int(os.environ.get("REPORT_ALERT_INTERVAL_SECONDS", 15 * 60))
# Embeddable badge images: how long browsers and proxies may keep one without asking.
BADGE_MAX_AGE = int(os.environ.get("BADGE_MAX_AGE", 60 * 60))
# Extra fonts tried, in order, for characters DejaVu Sans lacks (e.g. CJK), such as
# Debian's fonts-noto-cjk: /usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc
BADGE_FALLBACK_FONTS = env_list("BADGE_FALLBACK_FONTS")

# NCBI E-utilities. NCBI asks every client to identify itself (tool + email).
PUBMED_EUTILS_URL = os.environ.get(
    "PUBMED_EUTILS_URL", "https://eutils.ncbi.nlm.nih.gov/entrez/eutils/"
)
PUBMED_TOOL = os.environ.get("PUBMED_TOOL", "radrounds")
PUBMED_EMAIL = os.environ.get("PUBMED_EMAIL", "")
PUBMED_API_KEY = os.environ.get("PUBMED_API_KEY", "")
PUBMED_TIMEOUT = float(os.environ.get("PUBMED_TIMEOUT", "20"))

# --- Logging ------------------------------------------------------------------
# One line per request on stdout (radrounds.request; JSON in production, for log
# shippers), unhandled errors with their traceback, and a mail to ADMINS for each
# error. That mail goes straight to EMAIL_DELIVERY_BACKEND, not through the outbox in
# the database, so it still leaves when the database is what failed.
ADMINS = [(name, address) for name, address in getaddresses(env_list("ADMINS")) if address]
SERVER_EMAIL = os.environ.get("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
LOG_FORMAT = os.environ.get("LOG_FORMAT", "json" if PRODUCTION else "text")
if LOG_FORMAT not in {"json", "text"}:
    raise ImproperlyConfigured("LOG_FORMAT must be 'json' or 'text'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {"()": "radrounds.logs.JSONFormatter"},
        "text": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"},
    },
    "filters": {"require_debug_false": {"()": "django.utils.log.RequireDebugFalse"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": LOG_FORMAT,
        },
        "mail_admins": {
            "class": "radrounds.logs.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false"],
        },
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {
            "handlers": ["console", "mail_admins"],
            "level": "ERROR",
            "propagate": False,
        },
        # runserver's own request lines; radrounds.request already logs each request.
        "django.server": {"handlers": ["console"], "level": "ERROR", "propagate": False},
    },
}
