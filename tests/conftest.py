import os
import shutil

import pytest
from django.core.management import call_command

from accounts import roles


def require_program(name: str, env_flag: str, why: str):
    """Skip with a visible reason where a program is missing; fail where CI says it must run."""
    if os.environ.get(env_flag) == "1":
        return  # CI: mandatory, let the test fail loudly if the program is absent
    pytest.skip(f"{why}（{name} が見つかりません。{env_flag}=1 で必須になります）")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo content, loaded once for the whole session; each test rolls back its changes."""
    with django_db_blocker.unblock(), open(os.devnull, "w") as devnull:
        call_command("load_demo", stdout=devnull, stderr=devnull)


@pytest.fixture
def user_with_role(django_user_model):
    from django.contrib.auth.models import Group

    def make(role: str | None, email: str | None = None):
        user = django_user_model.objects.create_user(
            email=email or f"{abs(hash(role)) % 10**8}@example.test",
            password="long-enough-passphrase",
        )
        if role:
            user.groups.add(Group.objects.get(name=role))
        return user

    return make


@pytest.fixture
def trainer(user_with_role):
    return user_with_role(roles.TRAINER, "trainer@example.test")


@pytest.fixture
def supporter(user_with_role):
    return user_with_role(roles.SUPPORTER, "supporter@example.test")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")
