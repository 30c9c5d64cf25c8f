"""Production: PostgreSQL, Elasticsearch, object storage, HTTPS behind a proxy."""

from config import env

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = env.require("SECRET_KEY")
ALLOWED_HOSTS = env.listing("ALLOWED_HOSTS")
CSRF_TRUSTED_ORIGINS = env.listing("CSRF_TRUSTED_ORIGINS")

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.boolean("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env.integer("SECURE_HSTS_SECONDS", 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
# __Host-: the browser only accepts the cookie over HTTPS, for this host and path / (ASVS V3.3.1).
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

STORAGES = {
    # A replacement must keep drafts' files out of public reach (publishing/storage.py).
    "default": {"BACKEND": env.get("MEDIA_STORAGE", "publishing.storage.MediaStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env.get("MEDIA_ROOT"):
    MEDIA_ROOT = env.get("MEDIA_ROOT")

EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
EMAIL_HOST = env.get("EMAIL_HOST", "localhost")
EMAIL_PORT = env.integer("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.boolean("EMAIL_USE_TLS", False)

# Login throttling (accounts/throttle.py) and the public page cache (pagecache/) live in the
# cache: with more than one web process it must be shared, or each process keeps its own counts
# and its own pages, which another process's publish would not invalidate. Set REDIS_URL.
if env.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.get("REDIS_URL"),
        }
    }
    PAGE_CACHE_ENABLED = env.boolean("PAGE_CACHE_ENABLED", True)
else:
    PAGE_CACHE_ENABLED = False  # a per-process cache would serve pages another process changed

# The caching proxy in front of the web servers (docker/varnish.vcl): a publish purges it
# (pagecache/proxy.py). FRONTEND_CACHE_URL=http://varnish:80 in docker-compose.yml.
if env.get("FRONTEND_CACHE_URL"):
    WAGTAILFRONTENDCACHE = {
        "varnish": {
            "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
            "LOCATION": env.get("FRONTEND_CACHE_URL"),
        }
    }
