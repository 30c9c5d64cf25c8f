"""Roles are Django groups; these names are the only place they are spelled.

The access matrix of the programme (docs/domain.md) is reproduced cell by cell in MATRIX. Everything a
matrix cell allows is further limited to the engagements a person belongs to (engagements/access.py).
"""

SUPPORTER = "伴走支援員"
REQUESTING_BODY = "実施機関"
COMPANY_CONTACT = "派遣先企業担当者"
AGENCY = "中小企業庁"
SUPPORT_MEMBER = "サポートメンバー"
SECRETARIAT = "事務局"
EDITOR = "編集者"
TRAINER = "研修講師"

ALL_ROLES = (
    SUPPORTER,
    REQUESTING_BODY,
    COMPANY_CONTACT,
    AGENCY,
    SUPPORT_MEMBER,
    SECRETARIAT,
    EDITOR,
    TRAINER,
)

# Who may read curriculum trainer notes.
TRAINER_NOTE_READERS = frozenset({TRAINER, SECRETARIAT, EDITOR})

# Accounts that can see everything or manage people sign in with a second factor.
TWO_FACTOR_ROLES = frozenset({SECRETARIAT, EDITOR, AGENCY})

# The matrix's columns.
UPDATE_PROFILE = "update_profile"  # 任意登録情報の更新
VIEW_ALL_USERS = "view_all_users"  # 全ユーザー情報の閲覧
UPLOAD = "upload"  # ファイルのアップロード
DOWNLOAD_LATEST = "download_latest"  # 最新ファイルのダウンロード
DOWNLOAD_PAST = "download_past"  # 過去ファイルのダウンロード
ANSWER_SURVEY = "answer_survey"  # アンケート回答
VIEW_ANSWERS = "view_answers"  # 回答の閲覧
DOWNLOAD_ANSWERS = "download_answers"  # 回答のダウンロード

MATRIX: dict[str, frozenset[str]] = {
    SUPPORTER: frozenset({UPDATE_PROFILE, UPLOAD, DOWNLOAD_LATEST}),
    REQUESTING_BODY: frozenset({UPDATE_PROFILE, UPLOAD, DOWNLOAD_LATEST}),
    COMPANY_CONTACT: frozenset({ANSWER_SURVEY}),
    AGENCY: frozenset(
        {
            UPDATE_PROFILE,
            VIEW_ALL_USERS,
            DOWNLOAD_LATEST,
            DOWNLOAD_PAST,
            VIEW_ANSWERS,
            DOWNLOAD_ANSWERS,
        }
    ),
    SUPPORT_MEMBER: frozenset({UPLOAD, DOWNLOAD_LATEST}),
    SECRETARIAT: frozenset(
        {
            UPDATE_PROFILE,
            VIEW_ALL_USERS,
            UPLOAD,
            DOWNLOAD_LATEST,
            DOWNLOAD_PAST,
            ANSWER_SURVEY,
            VIEW_ANSWERS,
            DOWNLOAD_ANSWERS,
        }
    ),
    # Not in the programme's matrix: the secretariat's editors read engagement files to write
    # cases; trainers work on published material only.
    EDITOR: frozenset({UPDATE_PROFILE, DOWNLOAD_LATEST, DOWNLOAD_PAST}),
    TRAINER: frozenset({UPDATE_PROFILE}),
}

# Roles that see every engagement rather than only their own.
SEES_ALL_ENGAGEMENTS = frozenset({SECRETARIAT, EDITOR, AGENCY})
# Roles that write activity plans, visit plans and visit reports (in their own engagements).
WRITES_REPORTS = frozenset({SUPPORTER, SECRETARIAT})


def role_names(user) -> frozenset[str]:
    """The user's role names, read once per request object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached |= {SECRETARIAT}
        user._role_names = cached
    return cached


def has_any_role(user, roles) -> bool:
    """True for a superuser or a member of one of the named groups."""
    return bool(role_names(user) & frozenset(roles))


def allowed(user, action: str) -> bool:
    """True when one of the user's roles has `action` in the access matrix."""
    return any(action in MATRIX.get(role, ()) for role in role_names(user))
