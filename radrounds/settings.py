"""radRounds settings.

Everything that differs between a laptop and a server comes from the environment.
Local defaults need nothing: SQLite in the project folder, DEBUG on, console email.
Set ``RADROUNDS_MODE=production`` for a server; it refuses to start without
``SECRET_KEY`` and ``ALLOWED_HOSTS``.
"""

import os
from pathlib import Path

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
    "accounts",
    "posts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffMFAMiddleware",
]

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
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            },
            # Tests run on a real file too, so concurrency tests see real locking.
            "TEST": {
                "NAME": os.environ.get("SQLITE_TEST_PATH", str(BASE_DIR / ".test-db.sqlite3"))
            },
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

# --- Cache ----------------------------------------------------------------
# Shared by every server process: view de-duplication and rate limits rely on it.
# The database cache needs `manage.py createcachetable` (make run does it).
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "radrounds"),
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "radrounds_cache",
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }

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
ACCOUNT_PREVENT_ENUMERATION = True
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
# stay on; they count in CACHES["default"], which every server process shares.
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
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))

# --- Security ---------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", True)
    CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", True)
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)

# --- radRounds ----------------------------------------------------------------
SITE_NAME = "radRounds Radiology Network"
SITE_TAGLINE = "Connecting Radiology | Enabling collaboration and professional development"
POSTS_PER_PAGE = 20
# Where the site lives, for links in emails (which are written without a request).
SITE_URL = os.environ.get(
    "SITE_URL", f"https://{ALLOWED_HOSTS[0]}" if PRODUCTION else "http://127.0.0.1:8000"
).rstrip("/")
# A visitor's repeat views of one post inside this window count once.
VIEW_DEDUPE_SECONDS = int(os.environ.get("VIEW_DEDUPE_SECONDS", 8 * 60 * 60))

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

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
