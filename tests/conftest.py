import os
import shutil
import subprocess
import sys
from pathlib import Path

# Playwright's sync API runs an event loop in the main thread for the whole session (the browser
# fixture); Django then refuses ORM calls "from an async context" in later tests. The tests never
# run Django code concurrently with that loop, which is what the guard protects against.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from django.core.management import call_command

from accounts import roles
from taxonomy import terms

ROOT = Path(__file__).resolve().parents[1]


def require_program(name: str, env_flag: str, why: str):
    """Skip with a visible reason where a program is missing; fail where CI says it must run."""
    if os.environ.get(env_flag) == "1":
        return  # CI: mandatory, let the test fail loudly if the program is absent
    pytest.skip(f"{why}（{name} が見つかりません。{env_flag}=1 で必須になります）")


def demo_site_env(work: Path) -> dict[str, str]:
    """The environment of a site whose database, search index and media are under `work`."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": f"sqlite:///{work / 'db.sqlite3'}",
        "SEARCH_INDEX_DIR": str(work / "search"),
        "PRIVATE_MEDIA_ROOT": str(work / "private"),
        "MEDIA_ROOT": str(work / "media"),
    }


@pytest.fixture(scope="session")
def demo_site_files(tmp_path_factory) -> Path:
    """A demo site on disk, built once for the session (migrate and load_demo --accounts, about
    20 s): the servers of the browser tests and of test_public_params each run on a copy of it
    (`copy_demo_site`)."""
    work = tmp_path_factory.mktemp("demo-site")
    for command in (["migrate", "--noinput", "-v0"], ["load_demo", "--accounts"]):
        subprocess.run(
            [sys.executable, str(ROOT / "manage.py"), *command],
            env=demo_site_env(work),
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
    return work


def copy_demo_site(source: Path, work: Path) -> dict[str, str]:
    """A copy of the demo site in `work` (the index's `current` link is relative), and its
    environment."""
    shutil.copytree(source, work, symlinks=True, dirs_exist_ok=True)
    return demo_site_env(work)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The demo content, loaded once for the whole session; each test rolls back its changes."""
    with django_db_blocker.unblock(), open(os.devnull, "w") as devnull:
        call_command("load_demo", "--accounts", stdout=devnull, stderr=devnull)


@pytest.fixture(autouse=True)
def _empty_page_cache():
    """Each test starts with no cached pages: a rolled-back test never bumped the generation
    back, so a page it cached would be served to the next test (pagecache/). Nor with this
    process's copy of the labels: a test that renamed one rolled back, but the copy (kept
    LOCAL_SECONDS) held the new name, and a later search read query words from it (the blind
    relevance test lost a query, depending on the order and the speed of the run)."""
    from django.core.cache import cache

    cache.clear()
    terms.forget_local_copy()


@pytest.fixture
def user_with_role(db):
    """`make(role, email=None)`: a UserFactory user with no display name (the address shows)."""
    from tests.factories import UserFactory

    def make(role: str | None, email: str | None = None):
        return UserFactory(
            role=role, email=email or f"{abs(hash(role)) % 10**8}@example.test", display_name=""
        )

    return make


@pytest.fixture
def trainer(user_with_role):
    return user_with_role(roles.TRAINER, "trainer@example.test")


@pytest.fixture
def supporter(user_with_role):
    return user_with_role(roles.SUPPORTER, "supporter@example.test")


def chromium_path() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if path is None:
        require_program("chromium", "REQUIRE_BROWSER", "ブラウザーテストを省略します")
    from django.db import connections
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()
        # While Playwright's event loop runs, Django keeps database connections per async
        # context, not per thread: the tests that ran meanwhile opened connections of their own,
        # which must be closed now, or dropping the PostgreSQL test database fails at the end.
        connections.close_all()


def login(client, user):
    """Signs `user` in; a second-factor role also gets a verified session."""
    from accounts.testing import login_verified

    login_verified(client, user)
    return client


@pytest.fixture
def world(db):
    """Two engagements (A and B) with a team for A, one person per role, files and surveys."""
    from types import SimpleNamespace

    from django.core.files.uploadedfile import SimpleUploadedFile

    from engagements import services
    from engagements.models import Attachment, Record
    from publishing.models import Proposal
    from tests.factories import (
        CasePageFactory,
        EngagementFactory,
        SurveyFactory,
        UserFactory,
        VisitFactory,
        record_saved,
    )
    from uploads.validation import validate_upload

    def person(key, role):
        return UserFactory(role=role, email=f"{key}@world.test", display_name=key)

    w = SimpleNamespace()
    w.supporter = person("supporter", roles.SUPPORTER)
    w.requesting = person("requesting", roles.REQUESTING_BODY)
    w.contact = person("contact", roles.COMPANY_CONTACT)
    w.agency = person("agency", roles.AGENCY)
    w.support = person("support", roles.SUPPORT_MEMBER)
    w.secretariat = person("secretariat", roles.SECRETARIAT)
    w.editor = person("editor", roles.EDITOR)
    w.trainer = person("trainer", roles.TRAINER)
    w.supporter_b = person("supporter-b", roles.SUPPORTER)
    w.contact_b = person("contact-b", roles.COMPANY_CONTACT)
    w.a = EngagementFactory(
        code="T-A",
        title="案件A",
        company__name="株式会社テストA",
        team={
            "supporter": w.supporter,
            "requesting_body": w.requesting,
            "company_contact": w.contact,
            "support_member": w.support,
        },
    )
    w.b = EngagementFactory(
        code="T-B",
        title="案件B",
        company__name="株式会社テストB",
        team={"supporter": w.supporter_b, "company_contact": w.contact_b},
    )
    w.visit_a = VisitFactory(engagement=w.a, number=1)
    w.visit_b = VisitFactory(engagement=w.b, number=1)
    for engagement, visit, author in (
        (w.a, w.visit_a, w.supporter),
        (w.b, w.visit_b, w.supporter_b),
    ):
        record_saved(engagement, Record.Kind.ACTIVITY_PLAN, {"team_goal": "目標"}, author=author)
        record_saved(
            engagement,
            Record.Kind.VISIT_REPORT,
            {"held_on": "2026-05-01", "happened": "初回の対話"},
            author=author,
            visit=visit,
        )
    w.file_old, w.file_a = (
        services.attachment_add(
            visit=w.visit_a,
            slot=Attachment.Slot.VISIT_REPORT,
            upload=validate_upload(SimpleUploadedFile("ホワイトボード.png", tiny_png(colour))),
            user=w.supporter,
        )
        for colour in ("red", "blue")
    )
    w.file_b = services.attachment_add(
        visit=w.visit_b,
        slot=Attachment.Slot.VISIT_REPORT,
        upload=validate_upload(SimpleUploadedFile("写真.png", tiny_png("green"))),
        user=w.supporter_b,
    )
    w.survey_a = SurveyFactory(visit=w.visit_a)
    w.survey_b = SurveyFactory(visit=w.visit_b)
    w.proposal = Proposal.objects.create(engagement=w.b, proposed_by=w.supporter_b, note="提案")
    w.case = CasePageFactory()
    return w


def tiny_png(colour: str = "red", size=(40, 30)) -> bytes:
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def private_search_index(tmp_path, settings):
    """An index of this test's own, rebuilt from the test database.

    For tests that publish: the database rolls back after the test, the session's shared index
    would not, and later tests would meet hits for pages that no longer exist.
    """
    from search import service

    settings.SEARCH = {
        "BACKEND": "search.backends.embedded.EmbeddedBackend",
        "OPTIONS": {"root": str(tmp_path / "index")},
    }
    service.reset_backend()
    service.rebuild()
    yield service.backend()
    service.reset_backend()
