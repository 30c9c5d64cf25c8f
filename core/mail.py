"""Notification e-mails: one per addressee, in Japanese, with plain text and HTML parts."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def send_notification(user, *, subject: str, template: str, context: dict) -> None:
    """Renders `<template>.txt` and `<template>.html` for `user` and sends them."""
    context = {**context, "user": user, "site_name": settings.WAGTAIL_SITE_NAME}
    message = EmailMultiAlternatives(
        subject=f"【{settings.WAGTAIL_SITE_NAME}】{subject}",
        body=render_to_string(f"{template}.txt", context),
        to=[user.email],
        headers={"Auto-Submitted": "auto-generated"},
    )
    message.attach_alternative(render_to_string(f"{template}.html", context), "text/html")
    message.send()
