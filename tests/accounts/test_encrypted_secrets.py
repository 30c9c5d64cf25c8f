"""TOTP secrets are stored encrypted: a database dump alone does not let anyone make codes."""

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from accounts import fields, totp
from accounts.models import TOTPDevice
from accounts.twofactor import install_device

pytestmark = pytest.mark.django_db

SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def stored(device: TOTPDevice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT secret FROM accounts_totpdevice WHERE id = %s", [device.pk])
        return cursor.fetchone()[0]


def test_the_database_holds_ciphertext_and_the_model_the_secret(django_user_model):
    user = django_user_model.objects.create_user(email="a@example.test", password="x" * 16)
    device = install_device(user, SECRET)
    raw = stored(device)
    assert SECRET not in raw and raw.startswith("gAAAAA")  # a Fernet token
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET
    # Two encryptions of one secret differ, so equal secrets cannot be spotted in a dump.
    other = django_user_model.objects.create_user(email="b@example.test", password="x" * 16)
    assert stored(install_device(other, SECRET)) != raw


def test_rotating_secret_key_keeps_secrets_readable(django_user_model, settings):
    user = django_user_model.objects.create_user(email="a@example.test", password="x" * 16)
    device = install_device(user, SECRET)
    old = settings.SECRET_KEY
    settings.SECRET_KEY, settings.SECRET_KEY_FALLBACKS = "a-new-secret-key-" + "x" * 40, [old]
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET
    settings.SECRET_KEY_FALLBACKS = []  # the old key forgotten: a clear error, not garbage
    with pytest.raises(ImproperlyConfigured, match="復号できません"):
        TOTPDevice.objects.get(pk=device.pk)


def test_explicit_keys_rotate_by_adding_one_in_front(django_user_model, settings):
    first, second = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.FIELD_ENCRYPTION_KEYS = [first]
    user = django_user_model.objects.create_user(email="a@example.test", password="x" * 16)
    device = install_device(user, SECRET)
    settings.FIELD_ENCRYPTION_KEYS = [second, first]
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET
    device.save()  # re-encrypted with the new key
    settings.FIELD_ENCRYPTION_KEYS = [second]
    assert TOTPDevice.objects.get(pk=device.pk).secret == SECRET
    settings.FIELD_ENCRYPTION_KEYS = ["not-a-key"]
    with pytest.raises(ImproperlyConfigured, match="鍵が不正"):
        fields.encrypt("x")


def test_codes_still_verify_through_the_encrypted_field(django_user_model):
    user = django_user_model.objects.create_user(email="a@example.test", password="x" * 16)
    install_device(user, SECRET)
    device = TOTPDevice.objects.get(user=user)
    assert totp.matching_step(device.secret, totp.code_at(SECRET), last_used_step=None)
