"""Writes of saved searches: save, rename or change the mail, delete, unsubscribe by link."""

import secrets

from django.contrib.auth import get_user_model
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import MAX_PER_USER, SavedSearch
from .queries import Query

SALT = "following.unsubscribe"


@transaction.atomic
def saved_search_create(*, user, query: Query, name: str, frequency: str) -> SavedSearch:
    """Saves `query` for `user`; at most MAX_PER_USER each (ValidationError, in Japanese).

    The digest starts from now: what was published before is in the list already."""
    # The person's row is the lock: two saves at once cannot both pass the count.
    get_user_model().objects.select_for_update().filter(pk=user.pk).first()
    if SavedSearch.objects.filter(user=user).count() >= MAX_PER_USER:
        raise ValidationError(
            _(
                "保存できる検索は %(max)d 件までです。使わなくなった検索を削除してから保存してください。"
            )
            % {"max": MAX_PER_USER}
        )
    saved = SavedSearch(
        user=user,
        name=name.strip(),
        text=query.text,
        filters={k: list(v) for k, v in query.filters.items()},
        frequency=frequency,
        checked_until=timezone.now(),
    )
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def saved_search_update(*, saved: SavedSearch, name: str, frequency: str) -> SavedSearch:
    """Renames it or changes its mail. Turning the mail back on does not mail what was
    published while it was off: the digest starts again from now."""
    was_off = saved.frequency == SavedSearch.Frequency.NONE
    saved.name = name.strip()
    saved.frequency = frequency
    if was_off and frequency != SavedSearch.Frequency.NONE:
        saved.checked_until = timezone.now()
    saved.full_clean()
    saved.save()
    return saved


@transaction.atomic
def saved_search_delete(*, saved: SavedSearch) -> None:
    saved.delete()


@transaction.atomic
def unsubscribe(*, saved: SavedSearch) -> SavedSearch:
    """Stops the mail of one saved search (the search itself stays in the person's list)."""
    saved.frequency = SavedSearch.Frequency.NONE
    saved.save(update_fields=["frequency", "updated_at"])
    return saved


def unsubscribe_token(saved: SavedSearch) -> str:
    """The credential of the one-click unsubscribe link: works without signing in, never
    expires (an old mail must still stop the mails), names nothing but the saved search."""
    return signing.dumps({"s": saved.pk, "n": saved.nonce}, salt=SALT, compress=True)


def saved_from_token(token: str) -> SavedSearch | None:
    """The saved search of a link, or None when the link was not made here (or it is gone)."""
    try:
        data = signing.loads(token, salt=SALT)
        saved = SavedSearch.objects.get(pk=data["s"])
    except (signing.BadSignature, SavedSearch.DoesNotExist, KeyError, TypeError, ValueError):
        return None
    return saved if secrets.compare_digest(saved.nonce, str(data.get("n", ""))) else None
