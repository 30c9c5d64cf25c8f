from django.db import migrations

import accounts.fields


def _rewrite(schema_editor, convert) -> None:
    # Raw SQL: the historical model's field would already try to decrypt the plain values.
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT id, secret FROM accounts_totpdevice")
        for pk, secret in cursor.fetchall():
            cursor.execute(
                "UPDATE accounts_totpdevice SET secret = %s WHERE id = %s", [convert(secret), pk]
            )


def encrypt(apps, schema_editor):
    _rewrite(schema_editor, accounts.fields.encrypt)


def decrypt(apps, schema_editor):
    _rewrite(schema_editor, accounts.fields.decrypt)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_audit_invitations_totp")]

    operations = [
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=accounts.fields.EncryptedTextField(verbose_name="共有鍵"),
        ),
        migrations.RunPython(encrypt, decrypt),
    ]
