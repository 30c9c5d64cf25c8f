"""The two backends (embedded.py, elastic.py) and the one the settings choose.

The choice lives here, below both its users: the service (search/service.py) and the outbox
worker (search/tasks.py), which the service hands its pages to.
"""

import threading

from django.conf import settings
from django.utils.module_loading import import_string

_lock = threading.Lock()
_backend = None


def configured():
    """The backend settings.SEARCH names, one instance per process."""
    global _backend
    with _lock:
        if _backend is None:
            config = settings.SEARCH
            _backend = import_string(config["BACKEND"])(**config.get("OPTIONS", {}))
        return _backend


def reset() -> None:
    """Forget the instance: the next call builds one from the settings as they are now."""
    global _backend
    with _lock:
        _backend = None
