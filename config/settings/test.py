"""Test settings: fast hashing, immediate tasks, in-memory mail."""

import tempfile

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-key-not-for-production-use-0123456789"  # noqa: S105
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# In memory, except for the browser tests' server, which sends real SMTP to a local sink.
EMAIL_BACKEND = env.get("EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}
STATIC_ROOT = None
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Each test process gets its own index; Elasticsearch only when ES_URL is given.
if SEARCH["BACKEND"].endswith("EmbeddedBackend"):  # noqa: F405
    SEARCH = {  # noqa: F405
        "BACKEND": "search.backends.embedded.EmbeddedBackend",
        "OPTIONS": {
            "root": env.get("SEARCH_INDEX_DIR") or tempfile.mkdtemp(prefix="banso-search-")
        },
    }

# Uploaded files of a test run go to a throw-away folder.
PRIVATE_MEDIA_ROOT = env.get("PRIVATE_MEDIA_ROOT") or tempfile.mkdtemp(prefix="banso-private-")
MEDIA_ROOT = env.get("MEDIA_ROOT") or tempfile.mkdtemp(prefix="banso-media-")

# One process (the immediate task backend runs the outbox drain in it): locmem is shared enough.
# tests/conftest.py empties the cache before each test (a rolled-back test leaves no bump).
PAGE_CACHE_ENABLED = env.boolean("PAGE_CACHE_ENABLED", True)

# Each search log row is written at once, in the test's own transaction (no timer thread, whose
# connection would write outside it); tests of the buffer raise SEARCH_LOG_FLUSH_ROWS.
SEARCH_LOG_FLUSH_ROWS = 1
SEARCH_LOG_FLUSH_SECONDS = 0
