"""The console way out when nobody who may reset a lost authenticator can sign in."""

import pytest
from django.core.management import CommandError, call_command

from accounts.models import AuditEvent, TOTPDevice
from accounts.twofactor import install_device

pytestmark = pytest.mark.django_db


def test_removes_the_device_and_records_who_and_why(secretariat, capsys):
    install_device(secretariat, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
    call_command("reset_two_factor", secretariat.email.upper(), reason="端末の紛失")
    assert not TOTPDevice.objects.filter(user=secretariat).exists()
    assert "削除しました" in capsys.readouterr().out
    event = AuditEvent.objects.get(action="2fa_reset", target_id=str(secretariat.pk))
    assert event.user is None and "コンソールから: 端末の紛失" in event.detail


def test_unknown_address_and_missing_reason_are_refused(secretariat):
    with pytest.raises(CommandError, match="見つかりません"):
        call_command("reset_two_factor", "nobody@example.test", reason="x")
    with pytest.raises(CommandError, match="--reason"):
        call_command("reset_two_factor", secretariat.email)
