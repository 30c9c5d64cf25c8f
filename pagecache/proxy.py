"""The caching proxy in front of the web servers (Varnish, docker/varnish.vcl).

A bump of the generation clears the proxy too: Wagtail's frontend cache sends `PURGE /` for each
site to the proxy, and docker/varnish.vcl bans every object whose path starts with the purged
path, so the site root clears the whole site. The purge runs as a task (django-tasks, the task
worker) enqueued after the commit and after the generation changed, so the proxy refetches pages
that are already fresh.
"""

from wagtail.contrib.frontend_cache.utils import purge_urls_from_cache
from wagtail.models import Site


def site_roots() -> list[str]:
    return [f"{site.root_url}/" for site in Site.objects.all()]


def purge_everything() -> None:
    purge_urls_from_cache(site_roots())
