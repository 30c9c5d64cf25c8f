"""Settings of the dispatch app, with the programme's defaults (override them in Django settings).

The programme (seed report §1-1-1) required 区分1 to watch the introduction video and 区分2 to
complete the introduction video and 基盤スキル I–III as well; the other courses are optional.
"""

from django.conf import settings
from django.utils.translation import gettext_lazy as _

DEFAULT_COURSES = {
    "intro-video": _("導入動画"),
    "skills-1": _("基盤スキルⅠ"),
    "skills-2": _("基盤スキルⅡ"),
    "skills-3": _("基盤スキルⅢ"),
    "skills-4": _("基盤スキルⅣ"),
    "case-course": _("ケースで学ぶ！伴走支援研修"),
}
DEFAULT_REQUIRED_COURSES = {
    1: ("intro-video",),
    2: ("intro-video", "skills-1", "skills-2", "skills-3"),
}


def courses() -> dict:
    """Course slug → label (DISPATCH_TRAINING_COURSES)."""
    return getattr(settings, "DISPATCH_TRAINING_COURSES", DEFAULT_COURSES)


def required_courses(category: int) -> tuple[str, ...]:
    """The courses a supporter of `category` must complete before being sent anywhere."""
    required = getattr(settings, "DISPATCH_REQUIRED_COURSES", DEFAULT_REQUIRED_COURSES)
    return tuple(required.get(category, ()))


def course_label(slug: str) -> str:
    return str(courses().get(slug, slug))


def offer_hours() -> int:
    """How long an offer's accept/decline link works (DISPATCH_OFFER_HOURS)."""
    return int(getattr(settings, "DISPATCH_OFFER_HOURS", 72))


def report_days() -> int:
    """A visit without a report this many days after it is flagged (DISPATCH_REPORT_DAYS)."""
    return int(getattr(settings, "DISPATCH_REPORT_DAYS", 7))


def idle_days() -> int:
    """An engagement without a visit for this many days is flagged (DISPATCH_IDLE_DAYS)."""
    return int(getattr(settings, "DISPATCH_IDLE_DAYS", 45))
