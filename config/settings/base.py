"""Settings shared by every environment; dev, test and production override only what differs."""

import dj_database_url
from django.utils.translation import gettext_lazy as _

from config import env

BASE_DIR = env.BASE_DIR
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env.get(
    "SECRET_KEY", "insecure-dev-key-change-me"
)  # production.py requires a real one
# Keys for encrypted fields (accounts/fields.py); empty: derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.listing("FIELD_ENCRYPTION_KEYS", "")
DEBUG = env.boolean("DEBUG", False)
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "accounts",
    "taxonomy",
    "core",
    "cases",
    "knowhow",
    "training",
    "search",
    "privacy",
    "engagements",
    "surveys",
    "dispatch",
    "following",
    "publishing",
    "home",
    "pagecache",
    "wagtail.contrib.redirects",
    "wagtail.contrib.frontend_cache",
    "wagtail.contrib.settings",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "django_tasks",
    "django_tasks_db",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session: a cached anonymous page is answered without the rest of the stack.
    "pagecache.middleware.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "core.mail.RequestBaseURLMiddleware",
    # After messages: a timed-out session is told why on the login page.
    "accounts.middleware.SessionTimeoutMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.AuditWriteMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # After messages: the admin's unpaginated "Sort menu order" is refused for a large parent.
    "cases.wagtail_hooks.BoundedManualOrderingMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "home.context_processors.site_navigation",
                "home.context_processors.work_navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env.integer("DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["accounts.backends.EmailBackend"]
# One login page for the site and the Wagtail admin: the throttled one (accounts/throttle.py).
LOGIN_URL = "/accounts/login/"
# Sends each role to its own work (workspace/landing.py).
LOGIN_REDIRECT_URL = "/work/"
WAGTAILADMIN_LOGIN_URL = LOGIN_URL
WAGTAIL_FRONTEND_LOGIN_URL = LOGIN_URL
# Wagtail's own reset form has no rate limit; accounts/ offers a throttled one.
WAGTAIL_PASSWORD_RESET_ENABLED = False
# Invitation and reset links live at most 72 hours (and die once used or after a login).
PASSWORD_RESET_TIMEOUT = 72 * 3600
# The secretariat's address: Reply-To of invitations, contact in the mails.
SECRETARIAT_EMAIL = env.get("SECRETARIAT_EMAIL", "伴走ナレッジ事務局 <jimukyoku@example.jp>")
INVITATIONS_PER_HOUR = 50
# Addresses or networks of our own reverse proxies, whose X-Forwarded-For is believed.
TRUSTED_PROXIES = env.listing("TRUSTED_PROXIES", "")

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("日本語"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = VAR_DIR / "media"
# Public media (case images) are served by nginx in production; Django serves them in
# development and for the browser tests' server (only the public folder: private files never).
SERVE_MEDIA = env.boolean("SERVE_MEDIA", False)
# Attachments live outside MEDIA_ROOT and are served only through a permission-checked view.
# An absolute override replaces the path; a relative one is taken from BASE_DIR.
PRIVATE_MEDIA_ROOT = BASE_DIR / env.get("PRIVATE_MEDIA_ROOT", str(VAR_DIR / "private"))
STORAGES = {
    # Wagtail's images and documents: public ones under MEDIA_ROOT, drafts' ones under
    # PRIVATE_MEDIA_ROOT/media/ behind a permission-checked view (publishing/storage.py).
    "default": {"BACKEND": "publishing.storage.MediaStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Anonymous public pages from the cache (pagecache/, docs/operations.md). The cache must be shared
# by every process that publishes or serves (the task worker drains the search index and bumps
# the generation): production turns it on with Redis, the tests with one process and locmem;
# the dev server (runserver beside db_worker, each with its own locmem) leaves it off.
PAGE_CACHE_ENABLED = env.boolean("PAGE_CACHE_ENABLED", False)
PAGE_CACHE_ALIAS = "default"
PAGE_CACHE_SECONDS = env.integer("PAGE_CACHE_SECONDS", 3600)  # a safety net: changes bump the key
PAGE_CACHE_BROWSER_SECONDS = env.integer("PAGE_CACHE_BROWSER_SECONDS", 60)
PAGE_CACHE_PROXY_SECONDS = env.integer("PAGE_CACHE_PROXY_SECONDS", 600)

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.get("DEFAULT_FROM_EMAIL", "伴走ナレッジ事務局 <noreply@example.jp>")

WAGTAIL_SITE_NAME = "伴走ナレッジ"
# Links in mails (core/mail.py): BASE_URL when set (required behind a proxy that rewrites the
# host); otherwise the address of the request that sends the mail; the task worker, which has
# no request, falls back to WAGTAILADMIN_BASE_URL.
BASE_URL = env.get("BASE_URL", "")
WAGTAILADMIN_BASE_URL = BASE_URL or "http://127.0.0.1:8000"
WAGTAIL_I18N_ENABLED = False
WAGTAIL_ENABLE_UPDATE_CHECK = False
# No Gravatar: the admin would load avatars from an outside service (a broken image where it is
# blocked, and every editor's address hash sent out); Wagtail's built-in avatar is shown instead.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ALLOW_UNICODE_SLUGS = True
# An edit after the secretariat's approval needs a fresh approval (docs/security.md, Publication).
WAGTAIL_WORKFLOW_REQUIRE_REAPPROVAL_ON_EDIT = True
# The admin's "Sort menu order" shows every child of a page on one unpaginated screen: refused
# above this many children (cases/wagtail_hooks.py; 1,000 cases took 3 s of CPU).
ADMIN_MANUAL_ORDERING_MAX_CHILDREN = env.integer("ADMIN_MANUAL_ORDERING_MAX_CHILDREN", 200)
# Four eyes: the drafter or last editor never approves; with 2, two distinct members must approve.
PUBLISHING_CASE_APPROVERS = env.integer("PUBLISHING_CASE_APPROVERS", 1)
# k rule (docs/security.md): a case's prefecture is public only when at least this many published
# cases share its industry and prefecture; otherwise the public sees the region alone.
CASE_PREFECTURE_K = env.integer("CASE_PREFECTURE_K", 5)
# Wagtail's own search serves the admin only; the public case search is search/ (issue #3).
# The fallback backend matches substrings (icontains): SQLite FTS5 and PostgreSQL full-text
# search both miss a Japanese word inside a title, and editors search titles by such words.
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "modelsearch.backends.database.fallback"}}
WAGTAILDOCS_EXTENSIONS = ["pdf", "xlsx", "docx", "pptx"]
# Editors' uploads get the checks of uploads/validation.py: content, size, metadata removed.
WAGTAILIMAGES_IMAGE_FORM_BASE = "uploads.forms.SafeImageForm"
WAGTAILDOCS_DOCUMENT_FORM_BASE = "uploads.forms.SafeDocumentForm"
WAGTAILIMAGES_EXTENSIONS = ["jpg", "jpeg", "png", "webp"]
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILDOCS_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

SESSION_COOKIE_HTTPONLY = True
# Idle and absolute limits (ASVS V7.3, NIST SP 800-63B AAL2), enforced by accounts.middleware.
SESSION_IDLE_TIMEOUT = 30 * 60
SESSION_ABSOLUTE_TIMEOUT = 12 * 3600
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_TIMEOUT
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Wagtail logs every page action at INFO; its audit log already keeps them in the database.
        "wagtail": {"level": env.get("WAGTAIL_LOG_LEVEL", "WARNING")},
        # WeasyPrint (case pack PDFs) logs each rendering step at INFO.
        "weasyprint.progress": {"level": "WARNING"},
    },
}

# Case search (search/): the embedded engine by default, Elasticsearch when ES_URL is set.
if env.get("ES_URL"):
    SEARCH = {
        "BACKEND": "search.backends.elastic.ElasticsearchBackend",
        "OPTIONS": {"url": env.get("ES_URL"), "index": env.get("ES_INDEX", "banso-cases")},
    }
else:
    SEARCH = {
        "BACKEND": "search.backends.embedded.EmbeddedBackend",
        "OPTIONS": {"root": env.get("SEARCH_INDEX_DIR", str(VAR_DIR / "search"))},
    }
# Search analytics (search/analytics.py, docs/search.md): how long the query log is kept, and
# when a query counts as "low-click" in the weekly report (searched at least N times in the week,
# fewer than X % of those searches followed by a click on a result).
SEARCH_LOG_RETENTION_DAYS = int(env.get("SEARCH_LOG_RETENTION_DAYS", "180"))
# The search log is written in bulk (search/analytics.py): when this many rows wait in a process,
# or this many seconds after the first one came (0: no timer), and when the process exits.
SEARCH_LOG_FLUSH_ROWS = env.integer("SEARCH_LOG_FLUSH_ROWS", 200)
SEARCH_LOG_FLUSH_SECONDS = env.integer("SEARCH_LOG_FLUSH_SECONDS", 10)
SEARCH_LOW_CLICK_MIN_SEARCHES = 5
# Pseudo-relevance feedback (search/feedback.py, docs/search.md): a search by relevance asks the
# engine twice, the second time with the words its best hits share. SEARCH_FEEDBACK=0 turns it off.
SEARCH_FEEDBACK = env.boolean("SEARCH_FEEDBACK", True)
SEARCH_LOW_CLICK_MAX_RATE = 20  # percent
