"""The route inventory and the role × route × engagement matrix (docs/domain.md access matrix).

INVENTORY lists every URL pattern of the project. A pattern missing from it fails
test_every_route_is_in_the_inventory; every entry is requested as each role, for an object of the
person's own engagement and of another engagement, and must answer exactly as listed.

Cells: 200 = the page, 403 = refused, 404 = hidden (other engagement, not disclosed),
LOGIN = redirected to sign in, REDIRECTED = sent elsewhere, DONE = the write succeeded (redirect or thank-you page, and a
statement really wrote to a table other than sessions, audit log and task queue),
ADMIN_REFUSED = refused inside the Wagtail admin (sent back to its dashboard with a message).
Every cell checks what really happened, not only the status: a refused or hidden POST (LOGIN,
403, 404) must have written nothing; where a route names `shows`, a 200 must carry that text, and
where it names `writes`, a DONE must have written that table.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import roles
from search import analytics
from tests.conftest import login, tiny_png

LOGIN = "login"
DONE = "done"
REDIRECTED = "redirected"  # a page that sends this person elsewhere (GET, not the sign-in page)
ADMIN_REFUSED = "admin-refused"  # Wagtail's answer to PermissionDenied: back to the dashboard
ROLES = (
    "anonymous",
    "supporter",
    "requesting",
    "contact",
    "agency",
    "support",
    "secretariat",
    "editor",
    "trainer",
)


@dataclass
class Route:
    pattern: str
    url: Callable
    expect: tuple  # one cell per role, in the order of ROLES
    method: str = "get"
    data: Callable | None = None
    label: str = ""
    extra: dict = field(default_factory=dict)
    # Puts the target where the action really writes (run inside each request's savepoint).
    prepare: Callable | None = None
    # A 200 cell counts only if the body holds this text (the page or file really served).
    shows: Callable | None = None
    # A DONE cell counts only if this table was written (the write the route exists for).
    writes: str = ""


def cells(*values):
    assert len(values) == len(ROLES)
    return values


def _u(name, *args):
    return lambda w: reverse(name, args=[a(w) if callable(a) else a for a in args])


A = lambda w: w.a.pk  # noqa: E731
B = lambda w: w.b.pk  # noqa: E731
VA = lambda w: w.visit_a.pk  # noqa: E731
VB = lambda w: w.visit_b.pk  # noqa: E731

#               anon   supp  req   comp  agency supmem secr  editor trainer
SEE_OWN = cells(LOGIN, 200, 200, 404, 200, 200, 200, 200, 404)
SEE_OTHER = cells(LOGIN, 404, 404, 404, 200, 404, 200, 200, 404)
WRITE_OWN = cells(LOGIN, 200, 403, 404, 403, 403, 200, 403, 404)
WRITE_OTHER = cells(LOGIN, 404, 404, 404, 403, 404, 200, 403, 404)
POST_RECORD_OWN = cells(LOGIN, DONE, 403, 404, 403, 403, DONE, 403, 404)
POST_RECORD_OTHER = cells(LOGIN, 404, 404, 404, 403, 404, DONE, 403, 404)
UPLOAD_OWN = cells(LOGIN, DONE, DONE, 404, 403, DONE, DONE, 403, 404)
UPLOAD_OTHER = cells(LOGIN, 404, 404, 404, 403, 404, DONE, 403, 404)
PAST_FILE = cells(LOGIN, 403, 403, 404, 200, 403, 200, 200, 404)
ANSWERS = cells(LOGIN, 403, 403, 403, 200, 403, 200, 403, 403)

REPORT_POST = {"base_version": 1, "held_on": "2026-06-01", "happened": "対話"}

INVENTORY = [
    # Engagements (engagements/urls.py)
    Route("engagements/", _u("engagements:list"), cells(LOGIN, *[200] * 8)),
    Route("engagements/<int:pk>/", _u("engagements:detail", A), SEE_OWN),
    Route("engagements/<int:pk>/", _u("engagements:detail", B), SEE_OTHER, label="other"),
    Route(
        "engagements/<int:pk>/visits/new/",
        _u("engagements:visit_create", A),
        POST_RECORD_OWN,
        method="post",
        data=lambda w: {"scheduled_on": "2026-08-01"},
    ),
    Route(
        "engagements/<int:pk>/visits/new/",
        _u("engagements:visit_create", B),
        POST_RECORD_OTHER,
        method="post",
        data=lambda w: {"scheduled_on": "2026-08-01"},
        label="other",
    ),
    Route(
        "engagements/<int:engagement_pk>/activity-plan/edit/",
        _u("engagements:activity_plan_edit", A),
        WRITE_OWN,
    ),
    Route(
        "engagements/<int:engagement_pk>/activity-plan/edit/",
        _u("engagements:activity_plan_edit", B),
        WRITE_OTHER,
        label="other",
    ),
    Route(
        "engagements/<int:engagement_pk>/activity-plan/edit/",
        _u("engagements:activity_plan_edit", A),
        POST_RECORD_OWN,
        method="post",
        data=lambda w: {"base_version": 1, "team_goal": "目標を見直す"},
        label="post",
    ),
    Route(
        "engagements/<int:engagement_pk>/activity-plan/versions/",
        _u("engagements:activity_plan_versions", A),
        SEE_OWN,
    ),
    Route(
        "engagements/<int:engagement_pk>/activity-plan/versions/",
        _u("engagements:activity_plan_versions", B),
        SEE_OTHER,
        label="other",
    ),
    Route("engagements/visits/<int:pk>/", _u("engagements:visit", VA), SEE_OWN),
    Route("engagements/visits/<int:pk>/", _u("engagements:visit", VB), SEE_OTHER, label="other"),
    Route(
        "engagements/visits/<int:visit_pk>/<slug:kind_slug>/edit/",
        _u("engagements:record_edit", VA, "report"),
        WRITE_OWN,
    ),
    Route(
        "engagements/visits/<int:visit_pk>/<slug:kind_slug>/edit/",
        _u("engagements:record_edit", VB, "plan"),
        WRITE_OTHER,
        label="other",
    ),
    Route(
        "engagements/visits/<int:visit_pk>/<slug:kind_slug>/edit/",
        _u("engagements:record_edit", VA, "report"),
        POST_RECORD_OWN,
        method="post",
        data=lambda w: REPORT_POST,
        label="post",
    ),
    Route(
        "engagements/visits/<int:visit_pk>/<slug:kind_slug>/edit/",
        _u("engagements:record_edit", VB, "report"),
        POST_RECORD_OTHER,
        method="post",
        data=lambda w: REPORT_POST,
        label="post other",
    ),
    Route(
        "engagements/visits/<int:visit_pk>/<slug:kind_slug>/versions/",
        _u("engagements:record_versions", VA, "report"),
        SEE_OWN,
    ),
    Route(
        "engagements/visits/<int:visit_pk>/<slug:kind_slug>/versions/",
        _u("engagements:record_versions", VB, "report"),
        SEE_OTHER,
        label="other",
    ),
    Route(
        "engagements/visits/<int:pk>/files/",
        _u("engagements:upload", VA),
        UPLOAD_OWN,
        method="post",
        data=lambda w: {"slot": "visit_report", "file": SimpleUploadedFile("写真.png", tiny_png())},
    ),
    Route(
        "engagements/visits/<int:pk>/files/",
        _u("engagements:upload", VB),
        UPLOAD_OTHER,
        method="post",
        data=lambda w: {"slot": "visit_report", "file": SimpleUploadedFile("写真.png", tiny_png())},
        label="other",
    ),
    Route(
        "engagements/visits/<int:pk>/comments/",
        _u("engagements:comment", VA),
        UPLOAD_OWN,
        method="post",
        data=lambda w: {"body": "確認させてください。"},
    ),
    Route(
        "engagements/visits/<int:pk>/comments/",
        _u("engagements:comment", VB),
        UPLOAD_OTHER,
        method="post",
        data=lambda w: {"body": "確認させてください。"},
        label="other",
    ),
]

for _name in ("attachment", "attachment_download", "attachment_inline"):
    _pattern = {
        "attachment": "engagements/files/<int:pk>/",
        "attachment_download": "engagements/files/<int:pk>/download/",
        "attachment_inline": "engagements/files/<int:pk>/inline/",
    }[_name]
    INVENTORY += [
        Route(_pattern, _u(f"engagements:{_name}", lambda w: w.file_a.pk), SEE_OWN, label="latest"),
        Route(
            _pattern, _u(f"engagements:{_name}", lambda w: w.file_old.pk), PAST_FILE, label="past"
        ),
        Route(
            _pattern, _u(f"engagements:{_name}", lambda w: w.file_b.pk), SEE_OTHER, label="other"
        ),
    ]

SURVEY_POST = {
    "q1": "fully",
    "q2": "fully",
    "q3": ["current"],
    "q4": "right",
    "q5": "right",
    "q6": "satisfied",
}
INVENTORY += [
    # Surveys (surveys/urls.py)
    Route(
        "surveys/", _u("surveys:mine"), cells(LOGIN, 403, 403, 200, 403, 403, REDIRECTED, 403, 403)
    ),
    Route(
        "surveys/<int:pk>/answer/",
        _u("surveys:answer", lambda w: w.survey_a.pk),
        cells(LOGIN, 404, 404, 200, 404, 404, 200, 404, 404),
    ),
    Route(
        "surveys/<int:pk>/answer/",
        _u("surveys:answer", lambda w: w.survey_b.pk),
        cells(LOGIN, 404, 404, 404, 404, 404, 200, 404, 404),
        label="other",
    ),
    Route(
        "surveys/<int:pk>/answer/",
        _u("surveys:answer", lambda w: w.survey_a.pk),
        cells(LOGIN, 404, 404, DONE, 404, 404, DONE, 404, 404),
        method="post",
        data=lambda w: SURVEY_POST,
        label="post",
    ),
    Route(
        "surveys/<int:pk>/answer/",
        _u("surveys:answer", lambda w: w.survey_b.pk),
        cells(LOGIN, 404, 404, 404, 404, 404, DONE, 404, 404),
        method="post",
        data=lambda w: SURVEY_POST,
        label="post other",
    ),
    Route("surveys/status/", _u("surveys:status"), ANSWERS),
    Route("surveys/visits/<int:visit_pk>/setup/", _u("surveys:setup", VA), WRITE_OWN),
    Route(
        "surveys/visits/<int:visit_pk>/setup/", _u("surveys:setup", VB), WRITE_OTHER, label="other"
    ),
    Route(
        "surveys/visits/<int:visit_pk>/setup/",
        _u("surveys:setup", VA),
        POST_RECORD_OWN,
        method="post",
        data=lambda w: {"starts_on": "", "deadline": "2030-01-31"},
        label="post",
    ),
    Route("surveys/answers/", _u("surveys:answers"), ANSWERS),
    Route("surveys/answers/export.<str:fmt>", _u("surveys:export", "csv"), ANSWERS),
    Route("surveys/answers/export.<str:fmt>", _u("surveys:export", "xlsx"), ANSWERS, label="xlsx"),
    Route("surveys/analysis/", _u("surveys:analysis"), ANSWERS),
    # The secretariat's reminder from the status page (a GET only leads back there).
    Route(
        "surveys/<int:pk>/remind/",
        _u("surveys:remind", lambda w: w.survey_a.pk),
        cells(LOGIN, 403, 403, 403, 403, 403, REDIRECTED, 403, 403),
    ),
    Route(
        "surveys/<int:pk>/remind/",
        _u("surveys:remind", lambda w: w.survey_b.pk),
        cells(LOGIN, 403, 403, 403, 403, 403, DONE, 403, 403),
        method="post",
        label="post",
    ),
    # Front doors (workspace/urls.py): the landing sends every role elsewhere.
    Route("work/", _u("workspace:start"), cells(LOGIN, *[REDIRECTED] * 8)),
    Route(
        "work/dashboard/",
        _u("workspace:dashboard"),
        cells(LOGIN, 403, 403, 403, 403, 403, 200, 403, 403),
    ),
]


def _private_image_url(w):
    """A draft's photo in the private collection (publishing/media.py), made in each savepoint."""
    from django.core.files.base import ContentFile
    from wagtail.images import get_image_model

    from publishing.media import media_collections

    image = get_image_model().objects.create(
        title="下書きの写真",
        file=ContentFile(tiny_png(), name="draft.png"),
        width=40,
        height=30,
        collection=media_collections().private,
    )
    return image.file.url


# Drafts' images and documents: the roles that see every engagement, nobody else (not disclosed).
INVENTORY += [
    Route(
        "private-media/<path:name>",
        _private_image_url,
        cells(404, 404, 404, 404, 200, 404, 200, 200, 404),
    )
]

# Accounts (accounts/urls.py and the admin's login/logout, which lead to the same views).
EVERYONE = cells(*[200] * 9)
SIGNED_IN = cells(LOGIN, *[200] * 8)
DIRECTORY = cells(LOGIN, 403, 403, 403, 200, 403, 200, 403, 403)
SECRETARIAT_ONLY = cells(LOGIN, 403, 403, 403, 403, 403, 200, 403, 403)
SECRETARIAT_POST = cells(LOGIN, 403, 403, 403, 403, 403, DONE, 403, 403)
USER = lambda w: w.contact.pk  # noqa: E731
# Admin pages: people without admin access are sent to sign in; the secretariat and editors
# review; trainers (admin users for curricula) are refused.
REVIEW_PAGES = cells(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, 200, ADMIN_REFUSED)
REVIEW_POSTS = cells(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, DONE, DONE, ADMIN_REFUSED)
PROPOSAL = lambda w: w.proposal.pk  # noqa: E731
CASE = lambda w: w.case.pk  # noqa: E731
INVITE = lambda w: {  # noqa: E731
    "email": "new-person@world.test",
    "display_name": "新規 太郎",
    "roles": [roles.SUPPORTER],
}
INVENTORY += [
    Route("accounts/login/", _u("accounts:login"), EVERYONE),
    Route("accounts/logout/", _u("accounts:logout"), EVERYONE),
    Route(  # signing out ends on the sign-in page
        "accounts/logout/",
        _u("accounts:logout"),
        cells(*[LOGIN] * 9),
        method="post",
        label="post",
    ),
    Route("accounts/password/", _u("accounts:password_change"), SIGNED_IN),
    Route("accounts/password/reset/", _u("accounts:password_reset"), EVERYONE),
    Route("accounts/password/reset/done/", _u("accounts:password_reset_done"), EVERYONE),
    Route(
        "accounts/password/reset/<uidb64>/<token>/",
        _u("accounts:password_reset_confirm", "MQ", "bad-token"),
        EVERYONE,
    ),
    Route(
        "accounts/invitation/<uidb64>/<token>/",
        _u("accounts:invitation_confirm", "MQ", "bad-token"),
        EVERYONE,
    ),
    Route("accounts/2fa/setup/", _u("accounts:two_factor_setup"), cells(LOGIN, *[REDIRECTED] * 8)),
    Route(
        "accounts/2fa/verify/", _u("accounts:two_factor_verify"), cells(LOGIN, *[REDIRECTED] * 8)
    ),
    Route("accounts/profile/", _u("accounts:profile"), SIGNED_IN),
    Route(
        "accounts/profile/",
        _u("accounts:profile"),
        cells(LOGIN, DONE, DONE, 403, DONE, 403, DONE, DONE, DONE),
        method="post",
        data=lambda w: {
            "display_name": "表示名",
            "job_title": "",
            "phone": "",
            "qualifications": "",
        },
        label="post",
    ),
    Route("accounts/users/", _u("accounts:user_list"), DIRECTORY),
    Route("accounts/users/<int:pk>/", _u("accounts:user_detail", USER), DIRECTORY),
    Route("accounts/users/new/", _u("accounts:user_invite"), SECRETARIAT_ONLY),
    Route(
        "accounts/users/new/",
        _u("accounts:user_invite"),
        SECRETARIAT_POST,
        method="post",
        data=INVITE,
        label="post",
    ),
    Route("accounts/users/import/", _u("accounts:user_import"), SECRETARIAT_ONLY),
    Route("accounts/users/import/sample.csv", _u("accounts:user_import_sample"), SECRETARIAT_ONLY),
    Route("accounts/audit/", _u("accounts:audit_log"), SECRETARIAT_ONLY),
]


def _invited_only(w):
    w.contact.set_unusable_password()
    w.contact.last_login = None
    w.contact.save()


def _with_device(w):
    from accounts import twofactor

    twofactor.install_device(w.contact, "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")


USER_ACTIONS = {
    "resend": _invited_only,
    "deactivate": None,
    "activate": None,
    "two_factor_reset": _with_device,
}
for _action, _prepare in USER_ACTIONS.items():
    _path = {"two_factor_reset": "2fa/reset"}.get(_action, _action)
    INVENTORY.append(
        Route(
            f"accounts/users/<int:pk>/{_path}/",
            _u(f"accounts:user_{_action}", USER),
            SECRETARIAT_POST,
            method="post",
            prepare=_prepare,
        )
    )
INVENTORY += [
    # Wagtail's own login pages send people to the throttled login above.
    Route("admin/login/", lambda w: "/admin/login/", cells(*[LOGIN] * 9)),
    Route("_util/login/", lambda w: "/_util/login/", cells(*[LOGIN] * 9)),
    Route("admin/logout/", lambda w: "/admin/logout/", cells(*[LOGIN] * 9), method="post"),
]

# Proposals (publishing/urls.py) and the secretariat's review pages in the admin.
PROPOSE = lambda w: {"note": "学びの多い案件です。"}  # noqa: E731
INVENTORY += [
    Route("proposals/", _u("publishing:mine"), SIGNED_IN),
    Route(
        "proposals/new/<int:engagement_pk>/",
        _u("publishing:propose", A),
        cells(LOGIN, 200, 403, 404, 403, 200, 403, 403, 404),
    ),
    Route(
        "proposals/new/<int:engagement_pk>/",
        _u("publishing:propose", B),
        cells(LOGIN, 404, 404, 404, 403, 404, 403, 403, 404),
        label="other",
    ),
    Route(
        "proposals/new/<int:engagement_pk>/",
        _u("publishing:propose", A),
        cells(LOGIN, DONE, 403, 404, 403, DONE, 403, 403, 404),
        method="post",
        data=PROPOSE,
        label="post",
    ),
    Route("admin/proposals/", _u("publishing_admin:queue"), REVIEW_PAGES),
    Route("admin/proposals/<int:pk>/", _u("publishing_admin:detail", PROPOSAL), REVIEW_PAGES),
    Route(
        "admin/proposals/cases/<int:page_id>/anonymise/",
        _u("publishing_admin:anonymise", CASE),
        REVIEW_PAGES,
    ),
    Route(
        "admin/proposals/cases/<int:page_id>/knowhow/",
        _u("publishing_admin:codify", CASE),
        REVIEW_PAGES,
    ),
]


def _draftable(w):
    """Engagement B's company gets the profile a case's 基礎情報 is made from."""
    company = w.b.company
    company.industry, company.prefecture, company.employees = "E", "17", 12
    company.save()


for _name in ("assign", "create_draft", "decline"):
    INVENTORY.append(
        Route(
            f"admin/proposals/<int:pk>/{_name}/",
            _u(f"publishing_admin:{_name}", PROPOSAL),
            REVIEW_POSTS,
            method="post",
            data=lambda w: {"reason": "今回は見送ります。"},
            prepare=_draftable if _name == "create_draft" else None,
        )
    )


# Dispatch (dispatch/urls.py): registry, requests and matching for the secretariat and the agency
# (the secretariat alone writes), a supporter's own profile, the requesting body's request form.
REGISTRY_READ = cells(LOGIN, 403, 403, 403, 200, 403, 200, 403, 403)
REQUEST_FORM = cells(LOGIN, 403, 200, 403, 403, 403, 200, 403, 403)
REQUEST_POST = cells(LOGIN, 403, DONE, 403, 403, 403, DONE, 403, 403)
OWN_PROFILE = cells(LOGIN, 200, 403, 403, 403, 403, 403, 403, 403)
OWN_PROFILE_POST = cells(LOGIN, DONE, 403, 403, 403, 403, 403, 403, 403)
NO_ENTRIES = {
    f"{prefix}-{key}": "0"
    for prefix in ("experience", "conflicts", "relationships")
    for key in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")
}
SUPPORTER_POST = {
    "name": "登録 花子",
    "email": "hanako@world.test",
    "category": "1",
    "recommended_by": "diagnosis-association",
    "home_prefecture": "17",
    "travel": "anywhere",
    "supporter_type": "2",
    "max_engagements": "2",
    **NO_ENTRIES,
}


def _matrix_supporter(w):
    """A registry entry for the world's supporter (their own profile), made in each savepoint."""
    from dispatch.models import Supporter

    supporter, _created = Supporter.objects.get_or_create(
        external_id="matrix-sup",
        defaults={
            "name": "マトリクス 支援員",
            "email": w.supporter.email,
            "category": 1,
            "recommended_by": "other",
            "home_prefecture": "13",
            "travel": "anywhere",
            "supporter_type": 3,
        },
    )
    return supporter


def _matrix_request(w):
    from dispatch.models import DispatchRequest

    request, _created = DispatchRequest.objects.get_or_create(
        external_id="matrix-req",
        defaults={
            "received": "2026-05-10",
            "company_id": "co-matrix",
            "company_name": "株式会社マトリクス",
            "industry": "E",
            "prefecture": "17",
            "employees": "21-50",
            "body_id": "yorozu-17",
            "body_kind": "yorozu",
            "body_prefecture": "17",
            "approach": "issue-setting",
            "needs": "整理したい",
        },
    )
    return request


def _with_consent_file(w):
    from django.core.files.base import ContentFile

    request = _matrix_request(w)
    request.consent_file.save("consent.png", ContentFile(tiny_png()), save=False)
    request.consent_file_name, request.consent_content_type = "同意書.png", "image/png"
    request.save()


def _askable(w):
    """The world's registry entry as a candidate that has done its training."""
    supporter = _matrix_supporter(w)
    supporter.training = {"intro-video": "completed"}
    supporter.save()
    _matrix_request(w)


def _offer_url(w):
    from datetime import timedelta

    from django.utils import timezone

    from dispatch.models import Offer
    from dispatch.offers import token_for

    request = _matrix_request(w)
    request.status = "asking"
    request.save()
    offer = Offer.objects.create(
        request=request,
        supporter=_matrix_supporter(w),
        nonce="0123456789abcdef0123456789abcdef",
        expires_at=timezone.now() + timedelta(hours=1),
    )
    return reverse("dispatch:offer_respond", args=[token_for(offer)])


SUP = lambda w: _matrix_supporter(w).pk  # noqa: E731
REQ = lambda w: _matrix_request(w).pk  # noqa: E731
SUPPORTER_NAME = lambda w: "マトリクス 支援員"  # noqa: E731
COMPANY_NAME = lambda w: "株式会社マトリクス"  # noqa: E731
WORKBOOK = lambda w: "xl/worksheets/"  # noqa: E731 - the part every XLSX file holds


def _prepared(prepare, url):
    """A URL whose object `prepare` makes first (in the request's savepoint)."""

    def build(w):
        prepare(w)
        return url(w)

    return build


INVENTORY += [
    Route(
        "dispatch/supporters/",
        lambda w: reverse("dispatch:supporter_list") + "?q=matrix-sup",
        REGISTRY_READ,
        prepare=_matrix_supporter,
        shows=SUPPORTER_NAME,
    ),
    Route(
        "dispatch/supporters/new/",
        _u("dispatch:supporter_create"),
        SECRETARIAT_ONLY,
        shows=lambda w: 'name="external_id"',
    ),
    Route(
        "dispatch/supporters/new/",
        _u("dispatch:supporter_create"),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {"external_id": "sup-new", **SUPPORTER_POST},
        label="post",
        writes="dispatch_supporter",
    ),
    Route(
        "dispatch/supporters/<int:pk>/",
        _u("dispatch:supporter_detail", SUP),
        REGISTRY_READ,
        shows=SUPPORTER_NAME,
    ),
    Route(
        "dispatch/supporters/<int:pk>/edit/",
        _u("dispatch:supporter_edit", SUP),
        SECRETARIAT_ONLY,
        shows=lambda w: 'value="マトリクス 支援員"',
    ),
    Route(
        "dispatch/supporters/<int:pk>/edit/",
        _u("dispatch:supporter_edit", SUP),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {**SUPPORTER_POST, "email": w.supporter.email, "notes": "面談済み"},
        label="post",
        writes="dispatch_supporter",
    ),
    Route(
        "dispatch/training/",
        _u("dispatch:training_status"),
        REGISTRY_READ,
        prepare=_matrix_supporter,
        shows=SUPPORTER_NAME,
    ),
    Route(
        "dispatch/training/remind/",
        _u("dispatch:training_remind"),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {"group": "not_registered"},
        prepare=_matrix_supporter,  # registered for nothing yet
        writes="dispatch_supporter",
    ),
    Route(
        "dispatch/registry/import/",
        _u("dispatch:registry_import"),
        SECRETARIAT_ONLY,
        shows=lambda w: 'type="file"',
    ),
    Route(
        "dispatch/registry/import/",
        _u("dispatch:registry_import"),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {
            "kind": "",
            "file": SimpleUploadedFile(
                "supporters.csv",
                "id,name,email,category,recommended_by,home_prefecture,travel,type\n"
                "sup-csv,取込 太郎,csv@world.test,2,other,01,anywhere,4\n".encode("cp932"),
            ),
        },
        label="post",
        writes="dispatch_supporter",
    ),
    Route(
        "dispatch/registry/<str:kind>.<str:fmt>",
        _u("dispatch:registry_export", "supporters", "jsonl"),
        REGISTRY_READ,
        prepare=_matrix_supporter,
        shows=lambda w: '"id": "matrix-sup"',
    ),
    Route(
        "dispatch/registry/<str:kind>.<str:fmt>",
        _u("dispatch:registry_export", "requests", "xlsx"),
        REGISTRY_READ,
        label="xlsx",
        shows=WORKBOOK,
    ),
    Route(
        "dispatch/profile/",
        _u("dispatch:own_profile"),
        OWN_PROFILE,
        prepare=_matrix_supporter,
        shows=SUPPORTER_NAME,
    ),
    Route(
        "dispatch/profile/",
        _u("dispatch:own_profile"),
        OWN_PROFILE_POST,
        method="post",
        data=lambda w: {"travel": "neighbouring", "motto": "傾聴", **NO_ENTRIES},
        prepare=_matrix_supporter,
        label="post",
        writes="dispatch_supporter",
    ),
    Route(
        "dispatch/requests/",
        _u("dispatch:request_list"),
        REGISTRY_READ,
        prepare=_matrix_request,
        shows=COMPANY_NAME,
    ),
    Route(
        "dispatch/requests/new/",
        _u("dispatch:request_new"),
        REQUEST_FORM,
        shows=lambda w: 'name="company_name"',
    ),
    Route(
        "dispatch/requests/new/",
        _u("dispatch:request_new"),
        REQUEST_POST,
        method="post",
        data=lambda w: {
            "company_name": "株式会社依頼",
            "industry": "E",
            "prefecture": "17",
            "employees": "21-50",
            "body_kind": "yorozu",
            "body_prefecture": "17",
            "approach": "issue-setting",
            "needs": "何から手をつけるか整理したい",
        },
        label="post",
        writes="dispatch_dispatchrequest",
    ),
    Route("dispatch/requests/mine/", _u("dispatch:request_mine"), REQUEST_FORM),
    Route(
        "dispatch/requests/<int:pk>/",
        _u("dispatch:request_detail", REQ),
        REGISTRY_READ,
        shows=COMPANY_NAME,
    ),
    Route(
        "dispatch/requests/<int:pk>/status/",
        _u("dispatch:request_status", REQ),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {"status": "selecting"},
        writes="dispatch_dispatchrequest",
    ),
    Route(
        "dispatch/requests/<int:pk>/consent/",
        _u("dispatch:request_consent", REQ),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {
            "consent_signed": "2026-05-20",
            "file": SimpleUploadedFile("同意書.png", tiny_png()),
        },
        writes="dispatch_dispatchrequest",
    ),
    Route(
        "dispatch/requests/<int:pk>/consent/file/",
        _u("dispatch:consent_file", REQ),
        REGISTRY_READ,
        prepare=_with_consent_file,
        shows=lambda w: "PNG",  # the signature of the stored image
    ),
    Route(
        "dispatch/requests/<int:pk>/match/",
        _u("dispatch:request_match", REQ),
        REGISTRY_READ,
        prepare=_matrix_supporter,
        shows=SUPPORTER_NAME,
    ),
    Route(
        "dispatch/requests/<int:pk>/offers/",
        _u("dispatch:request_offer", REQ),
        SECRETARIAT_POST,
        method="post",
        data=lambda w: {"supporters": ["matrix-sup"]},
        prepare=_askable,
        writes="dispatch_offer",
    ),
    Route("dispatch/board/", _u("dispatch:board"), REGISTRY_READ, shows=lambda w: w.a.code),
    Route("dispatch/board/summary.xlsx", _u("dispatch:board_xlsx"), REGISTRY_READ, shows=WORKBOOK),
    # The mailed link: the token is the credential, whoever opens it (no account needed).
    Route("dispatch/offers/<str:token>/", _offer_url, cells(*[200] * 9), shows=COMPANY_NAME),
    Route(
        "dispatch/offers/<str:token>/",
        _offer_url,
        cells(*[DONE] * 9),
        method="post",
        data=lambda w: {"answer": "decline"},
        label="post",
        writes="dispatch_offer",
    ),
    Route(  # accepting makes the engagement and puts the supporter on its team
        "dispatch/offers/<str:token>/",
        _offer_url,
        cells(*[DONE] * 9),
        method="post",
        data=lambda w: {"answer": "accept"},
        label="accept",
        writes="engagements_engagementmember",
    ),
    Route(
        "dispatch/offers/<str:token>/",
        _u("dispatch:offer_respond", "forged-token"),
        cells(*[404] * 9),
        label="forged",
    ),
]


# Support requests (支援要請): the team of the engagement (not the company contact) raises and
# reads, the secretariat handles, the agency reads; editors and trainers never see them, and
# outsiders of the engagement get 404.
def _support_request(w, engagement=None, status="open", private=False):
    """A support request of engagement A (or the one given), made in each savepoint."""
    from dispatch.models import SupportRequest

    return SupportRequest.objects.create(
        engagement=engagement or w.a,
        category="policy",
        body="マトリクスの相談",
        private=private,
        status=status,
        raised_by=w.supporter,
        assignee=w.secretariat if status != "open" else None,
    )


SR_A = lambda w: _support_request(w).pk  # noqa: E731
SR_B = lambda w: _support_request(w, w.b).pk  # noqa: E731
SR_ASSIGNED = lambda w: _support_request(w, status="assigned").pk  # noqa: E731
SR_ANSWERED = lambda w: _support_request(w, status="answered").pk  # noqa: E731
# 事務局だけに相談: raised by the world's supporter, hidden from the rest of the team.
SR_PRIVATE = lambda w: _support_request(w, status="answered", private=True).pk  # noqa: E731
SHOWS_SUPPORT = lambda w: "マトリクスの相談"  # noqa: E731
#                      anon   supp  req   comp  agency supmem secr  editor trainer
SUPPORT_RAISE = cells(LOGIN, 200, 200, 404, 403, 403, 403, 403, 404)
SUPPORT_RAISE_OTHER = cells(LOGIN, 404, 404, 404, 403, 404, 403, 403, 404)
SUPPORT_SEE = cells(LOGIN, 200, 200, 404, 200, 200, 200, 404, 404)
SUPPORT_SEE_OTHER = cells(LOGIN, 404, 404, 404, 200, 404, 200, 404, 404)
SUPPORT_HANDLE = cells(LOGIN, 403, 403, 404, 403, 403, DONE, 404, 404)
SUPPORT_HANDLE_OTHER = cells(LOGIN, 404, 404, 404, 403, 404, DONE, 404, 404)
SUPPORT_REPLY = cells(LOGIN, DONE, DONE, 404, 403, 403, 403, 404, 404)
SUPPORT_REPLY_OTHER = cells(LOGIN, 404, 404, 404, 403, 404, 403, 404, 404)
SUPPORT_BODY = lambda w: {"category": "team", "body": "日程の調整をお願いします。"}  # noqa: E731
INVENTORY += [
    Route(
        "dispatch/support/",
        _prepared(_support_request, _u("dispatch:support_list")),
        REGISTRY_READ,
        shows=lambda w: w.a.code,
    ),
    Route(
        "dispatch/support/new/<int:engagement_pk>/",
        _u("dispatch:support_new", A),
        SUPPORT_RAISE,
        shows=lambda w: 'name="body"',
    ),
    Route(
        "dispatch/support/new/<int:engagement_pk>/",
        _u("dispatch:support_new", B),
        SUPPORT_RAISE_OTHER,
        label="other",
    ),
    Route(
        "dispatch/support/new/<int:engagement_pk>/",
        _u("dispatch:support_new", A),
        cells(LOGIN, DONE, DONE, 404, 403, 403, 403, 403, 404),
        method="post",
        data=SUPPORT_BODY,
        label="post",
        writes="dispatch_supportrequest",
    ),
    Route(
        "dispatch/support/new/<int:engagement_pk>/",
        _u("dispatch:support_new", B),
        SUPPORT_RAISE_OTHER,
        method="post",
        data=SUPPORT_BODY,
        label="post other",
    ),
    Route(
        "dispatch/support/<int:pk>/",
        _u("dispatch:support_detail", SR_A),
        SUPPORT_SEE,
        shows=SHOWS_SUPPORT,
    ),
    Route(
        "dispatch/support/<int:pk>/",
        _u("dispatch:support_detail", SR_B),
        SUPPORT_SEE_OTHER,
        label="other",
        shows=SHOWS_SUPPORT,
    ),
    Route(
        "dispatch/support/<int:pk>/",
        _u("dispatch:support_detail", SR_PRIVATE),
        cells(LOGIN, 200, 404, 404, 200, 404, 200, 404, 404),
        label="private",
        shows=SHOWS_SUPPORT,
    ),
    Route(
        "dispatch/support/<int:pk>/reply/",
        _u("dispatch:support_reply", SR_PRIVATE),
        cells(LOGIN, DONE, 404, 404, 403, 404, 403, 404, 404),
        method="post",
        data=lambda w: {"reply-body": "ありがとうございます。"},
        label="private",
        writes="dispatch_supportmessage",
    ),
    Route(
        "dispatch/support/<int:pk>/",
        _u("dispatch:support_detail", lambda w: 999_999_999),
        cells(LOGIN, *[404] * 8),
        label="unknown id",
    ),
    Route(
        "dispatch/support/<int:pk>/assign/",
        _u("dispatch:support_assign", SR_A),
        SUPPORT_HANDLE,
        method="post",
        data=lambda w: {"assignee": w.secretariat.pk},
        writes="dispatch_supportrequest",
    ),
    Route(
        "dispatch/support/<int:pk>/assign/",
        _u("dispatch:support_assign", SR_B),
        SUPPORT_HANDLE_OTHER,
        method="post",
        data=lambda w: {"assignee": w.secretariat.pk},
        label="other",
        writes="dispatch_supportrequest",
    ),
    Route(
        "dispatch/support/<int:pk>/answer/",
        _u("dispatch:support_answer", SR_ASSIGNED),
        SUPPORT_HANDLE,
        method="post",
        data=lambda w: {"answer-body": "事務局で調整します。"},
        writes="dispatch_supportmessage",
    ),
    Route(
        "dispatch/support/<int:pk>/reply/",
        _u("dispatch:support_reply", SR_ANSWERED),
        SUPPORT_REPLY,
        method="post",
        data=lambda w: {"reply-body": "ありがとうございます。"},
        writes="dispatch_supportmessage",
    ),
    Route(
        "dispatch/support/<int:pk>/reply/",
        _u("dispatch:support_reply", SR_B),
        SUPPORT_REPLY_OTHER,
        method="post",
        data=lambda w: {"reply-body": "ありがとうございます。"},
        label="other",
    ),
    Route(
        "dispatch/support/<int:pk>/close/",
        _u("dispatch:support_close", SR_ANSWERED),
        SUPPORT_HANDLE,
        method="post",
        writes="dispatch_supportrequest",
    ),
]


# Case packs (training/urls.py): trainers and the secretariat, nobody else (trainer notes).
PACKS_READ = cells(LOGIN, 403, 403, 403, 403, 403, 200, 403, 200)
PACKS_POST = cells(LOGIN, 403, 403, 403, 403, 403, DONE, 403, DONE)


def _pack_unit():
    from training.models import CurriculumUnitPage

    return CurriculumUnitPage.objects.live().filter(items__case__live=True).first()


def _with_pack(w):
    """A pack of one material of a demo unit (one keeps the PDF quick), made in each savepoint."""
    from training import packs

    unit = _pack_unit()
    first = packs.unit_materials(unit)[0]
    w.pack = packs.save_pack(
        unit=unit,
        title="マトリクスのパック",
        questions="",
        trainer_notes="",
        selections=[packs.Selection(first.key)],
        by=w.trainer,
    )


def _new_pack_data(w):
    from training import packs

    first = packs.unit_materials(_pack_unit())[0]
    return {"title": "新しいパック", f"{first.key}-include": "on"}


PACK = lambda w: w.pack.pk  # noqa: E731
UNIT = lambda w: _pack_unit().pk  # noqa: E731

INVENTORY += [
    Route("work/packs/", _u("training:pack_list"), PACKS_READ),
    Route("work/packs/new/", _u("training:pack_choose_unit"), PACKS_READ),
    Route("work/packs/new/<int:unit_id>/", _u("training:pack_create", UNIT), PACKS_READ),
    Route(
        "work/packs/new/<int:unit_id>/",
        _u("training:pack_create", UNIT),
        PACKS_POST,
        method="post",
        data=_new_pack_data,
        label="post",
    ),
    Route("work/packs/<int:pk>/", _u("training:pack_detail", PACK), PACKS_READ, prepare=_with_pack),
    Route(
        "work/packs/<int:pk>/edit/", _u("training:pack_edit", PACK), PACKS_READ, prepare=_with_pack
    ),
    Route(
        "work/packs/<int:pk>/delete/",
        _u("training:pack_delete", PACK),
        PACKS_POST,
        method="post",
        prepare=_with_pack,
    ),
    Route(
        "work/packs/<int:pk>/pdf/<str:edition>/",
        _u("training:pack_download", PACK, "participants"),
        PACKS_READ,
        prepare=_with_pack,
    ),
    Route(
        "work/packs/<int:pk>/pdf/<str:edition>/",
        _u("training:pack_download", PACK, "trainer"),
        PACKS_READ,
        prepare=_with_pack,
        label="trainer",
    ),
]


# Following the library (following/urls.py): the feed is public; a saved search is its
# owner's alone (anyone else: 404, not disclosed); the mailed unsubscribe link is the credential.
def _saved_search(w):
    from following.models import SavedSearch
    from following.queries import Query
    from following.services import saved_search_create

    found = SavedSearch.objects.filter(user=w.supporter).first()
    return found or saved_search_create(
        user=w.supporter, query=Query.of("傾聴", {}), name="傾聴の事例", frequency="weekly"
    )


def _unsubscribe_url(w):
    from following.services import unsubscribe_token

    return reverse("following:unsubscribe", args=[unsubscribe_token(_saved_search(w))])


SAVED = lambda w: _saved_search(w).pk  # noqa: E731
OWN_SAVED = cells(LOGIN, 200, 404, 404, 404, 404, 404, 404, 404)
OWN_SAVED_POST = cells(LOGIN, DONE, 404, 404, 404, 404, 404, 404, 404)
INVENTORY += [
    Route("following/feed/", lambda w: reverse("following:case_feed") + "?q=傾聴", EVERYONE),
    Route("following/saved/", _u("following:saved_list"), SIGNED_IN),
    Route("following/saved/new/", lambda w: reverse("following:saved_new") + "?q=傾聴", SIGNED_IN),
    Route(
        "following/saved/new/",
        _u("following:saved_new"),
        cells(LOGIN, *[DONE] * 8),
        method="post",
        data=lambda w: {"confirm": "1", "q": "傾聴", "name": "傾聴", "frequency": "daily"},
        label="post",
    ),
    Route("following/saved/<int:pk>/", _u("following:saved_edit", SAVED), OWN_SAVED),
    Route(
        "following/saved/<int:pk>/",
        _u("following:saved_edit", SAVED),
        OWN_SAVED_POST,
        method="post",
        data=lambda w: {"name": "名前を変えた", "frequency": "daily"},
        label="post",
    ),
    Route("following/saved/<int:pk>/delete/", _u("following:saved_delete", SAVED), OWN_SAVED),
    Route(
        "following/saved/<int:pk>/delete/",
        _u("following:saved_delete", SAVED),
        OWN_SAVED_POST,
        method="post",
        label="post",
    ),
    Route("following/unsubscribe/<str:token>/", _unsubscribe_url, EVERYONE),
    Route(
        "following/unsubscribe/<str:token>/",
        _unsubscribe_url,
        cells(*[DONE] * 9),
        method="post",
        label="post",
    ),
    Route(
        "following/unsubscribe/<str:token>/",
        _u("following:unsubscribe", "forged-token"),
        cells(*[404] * 9),
        label="forged",
    ),
]


def _click_url(w) -> str:
    """A result link of the case list: a fresh log row's signed token, rank 1, the world's case."""
    tracking = analytics.log_search(source="list", text="経営", filters={}, page=1, result_count=1)
    return f"{reverse('search-click')}?log={tracking.token}&rank=1&to={w.case.pk}"


# Search analytics (search/): the public click route and the secretariat's report in the admin
# (permission search.view_searchquerylog; agency and other roles have no admin access).
SEARCH_REPORT = cells(LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, LOGIN, 200, ADMIN_REFUSED, ADMIN_REFUSED)
INVENTORY += [
    Route("search/click/", _click_url, cells(*[REDIRECTED] * 9)),
    Route(
        "search/click/",
        lambda w: f"{reverse('search-click')}?log=1:forged&rank=1&to={w.case.pk}",
        cells(*[400] * 9),
        label="forged",
    ),
    Route("admin/search-report/", _u("search_admin:report"), SEARCH_REPORT),
    Route("admin/search-report/csv/", _u("search_admin:report_csv"), SEARCH_REPORT),
]


def _client_for(world, role) -> Client:
    client = Client()
    if role != "anonymous":
        login(client, getattr(world, role))
    return client


NOTHING_WRITTEN = "answered without writing"
# Bookkeeping that any request may write: sessions, the audit log, the task queue.
BOOKKEEPING_TABLES = ("django_session", "accounts_auditevent", "django_tasks")
WRITE_SQL = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class WriteRecorder:
    """Tables written by the statements Django runs (a write counts only if one really happens)."""

    def __init__(self):
        self.tables: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        match = WRITE_SQL.match(sql)
        if match and not match[2].startswith(BOOKKEEPING_TABLES):
            self.tables.append(match[2])
        return execute(sql, params, many, context)


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")


def _outcome(response, tables: list[str], route: Route, world) -> object:
    post, wrote = response.wsgi_request.method == "POST", bool(tables)
    location = response["Location"] if response.status_code == 302 else ""
    if (
        post
        and wrote
        and (response.status_code not in (200, 302) or "/accounts/login/" in location)
    ):
        # Refused, hidden or sent to sign in, yet something was written: never acceptable.
        return f"{response.status_code} after writing {sorted(set(tables))}"
    if "/accounts/login/" in location:
        return LOGIN
    if location == "/admin/":
        return ADMIN_REFUSED
    if post and response.status_code in (200, 302):
        # A form shown again with its errors, or a redirect that changed nothing, is no write.
        if route.writes and route.writes not in tables:
            return f"done without writing {route.writes}"
        return DONE if wrote else NOTHING_WRITTEN
    if response.status_code == 200 and route.shows and route.shows(world) not in _body(response):
        return f"200 without {route.shows(world)!r}"
    return REDIRECTED if location else response.status_code


def _request(route: Route, world, role):
    """The response, and the tables it wrote besides bookkeeping."""
    if route.prepare:
        route.prepare(world)
    client = _client_for(world, role)
    url = route.url(world)
    recorder = WriteRecorder()
    with connection.execute_wrapper(recorder):
        if route.method == "post":
            response = client.post(url, route.data(world) if route.data else {})
        else:
            response = client.get(url)
    return response, recorder.tables


@pytest.mark.django_db
@pytest.mark.parametrize(
    "route", INVENTORY, ids=[f"{r.method} {r.pattern} {r.label}".strip() for r in INVENTORY]
)
def test_matrix(world, route):
    """Every role gets exactly the listed answer; each request runs in its own savepoint."""
    wrong = []
    for role, expected in zip(ROLES, route.expect, strict=True):
        with transaction.atomic():
            response, tables = _request(route, world, role)
            outcome = _outcome(response, tables, route, world)
            transaction.set_rollback(True)
        if outcome != expected:
            wrong.append(f"{role}: expected {expected}, got {outcome}")
    assert not wrong, "\n".join(wrong)


# Routes served by Wagtail or Django apps with their own permission model, checked as a whole.
DELEGATED_PREFIXES = {
    "admin/": "Wagtail admin: access_admin permission plus the second factor (accounts)",
    "documents/": "Wagtail documents: collection view permissions",
    "api/v1/": "Public search API: published, anonymised content only",
    "": "Wagtail page serving: live public pages (private pages need a login)",
    # Only with DEBUG or SERVE_MEDIA (development, the browser tests' server); nginx in production.
    "^media/(?P<path>.*)$": "Public media (case images); private files live outside MEDIA_ROOT",
}


def _patterns(resolver=None, prefix=""):
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            if route in DELEGATED_PREFIXES:
                yield route
            else:
                yield from _patterns(entry, route)
        elif isinstance(entry, URLPattern):
            yield route


def test_every_route_is_in_the_inventory():
    listed = {r.pattern for r in INVENTORY} | set(DELEGATED_PREFIXES)
    missing = sorted(set(_patterns()) - listed)
    assert not missing, f"Routes missing from the inventory: {missing}"
