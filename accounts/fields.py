"""A text field stored encrypted, for secrets the application must read back (TOTP keys).

Fernet (AES-128-CBC with HMAC-SHA256). The keys are FIELD_ENCRYPTION_KEYS when set (the first
encrypts, all decrypt: add a new key in front to rotate), otherwise derived from SECRET_KEY and
SECRET_KEY_FALLBACKS, so rotating SECRET_KEY the Django way keeps the values readable.
A database dump alone then reveals no secret.
"""

import base64
import functools
import hashlib

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


def derived_key(secret: str) -> bytes:
    digest = hashlib.sha256(b"banso-knowledge field encryption\0" + secret.encode()).digest()
    return base64.urlsafe_b64encode(digest)


@functools.lru_cache(maxsize=4)
def _fernet(keys: tuple[bytes, ...]) -> MultiFernet:
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS の鍵が不正です（Fernet.generate_key() の形式で指定してください）"
        ) from exc


def fernet() -> MultiFernet:
    keys = [key.encode() for key in getattr(settings, "FIELD_ENCRYPTION_KEYS", [])]
    if not keys:
        secrets = [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]
        keys = [derived_key(secret) for secret in secrets]
    return _fernet(tuple(keys))


def encrypt(text: str) -> str:
    return fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "暗号化された値を復号できません。SECRET_KEY か FIELD_ENCRYPTION_KEYS が"
            "保存時のものと違います（古い鍵は SECRET_KEY_FALLBACKS などに残してください）。"
        ) from exc


class EncryptedTextField(models.TextField):
    """Stores encrypt(value); reads decrypt(value). Not searchable: each encryption differs."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        return encrypt(value) if value else value

    def from_db_value(self, value, expression, connection):
        return decrypt(value) if value else value
