"""Notification e-mails: one per addressee, in Japanese, with plain text and HTML parts."""

from contextvars import ContextVar, copy_context

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string

# The scheme and host of the request being answered, set by RequestBaseURLMiddleware; None in
# the task worker and management commands, which use the configured BASE_URL instead.
_request_base_url: ContextVar[str | None] = ContextVar("request_base_url", default=None)


def request_base_url(request) -> str | None:
    """`https://host:port` of `request` when the host is one this site is configured to serve.

    get_host() refuses a Host header outside ALLOWED_HOSTS; with a wildcard in ALLOWED_HOSTS a
    client could choose the host of a password-reset link, so the request is not trusted then.
    """
    if "*" in settings.ALLOWED_HOSTS:
        return None
    try:
        host = request.get_host()
    except DisallowedHost:
        return None
    return f"{request.scheme}://{host}"


def base_url() -> str:
    """Where links in mails point: BASE_URL when configured, else the request's own address."""
    configured = getattr(settings, "BASE_URL", "")
    return (configured or _request_base_url.get() or settings.WAGTAILADMIN_BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    return base_url() + path


def on_commit(func) -> None:
    """transaction.on_commit for mails: the callback still knows the request's address.

    Callbacks run when the outermost transaction commits, which may be after the request's
    context is gone (a test's transaction, an outer atomic block); copying the context keeps
    the address they build links from.
    """
    context = copy_context()
    transaction.on_commit(lambda: context.run(func))


class RequestBaseURLMiddleware:
    """Remembers the request's address for the mails sent while answering it (and on commit)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = _request_base_url.set(request_base_url(request))
        try:
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)


def send_notification(
    user, *, subject: str, template: str, context: dict, headers: dict | None = None
) -> None:
    """Renders `<template>.txt` and `<template>.html` for `user` and sends them; `headers` are
    added to the message's own (List-Unsubscribe of the search digests)."""
    context = {**context, "user": user, "site_name": settings.WAGTAIL_SITE_NAME}
    message = EmailMultiAlternatives(
        subject=f"【{settings.WAGTAIL_SITE_NAME}】{subject}",
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated", **(headers or {})},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
