"""Roles are Django groups; these names are the only place they are spelled."""

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


def has_any_role(user, roles) -> bool:
    """True for a superuser or a member of one of the named groups."""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return user.groups.filter(name__in=roles).exists()
