"""Login, second-factor and mail throttling in Django's cache, decided before any hashing.

Every limit is temporary (a cool-off or a sliding window), so an attacker can slow an account
down but never lock a person, or a whole office behind one NAT address, out for good.
The cache must be shared by all web processes in production (REDIS_URL); with the per-process
memory cache each worker would count on its own.
"""

import hashlib
import time
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.core import signing
from django.core.cache import cache

from .network import client_ip

# Per (address, client IP): this many failures start a cool-off of this length.
PAIR_FAILURES = 5
PAIR_COOLOFF = 15 * 60
# Per address, from any IP: failures reaching the hasher in any sliding hour.
ACCOUNT_FAILURES_PER_HOUR = 20
ACCOUNT_WINDOW = 60 * 60
# Per client IP: login POSTs in any sliding minute.
IP_POSTS_PER_MINUTE = 20
IP_WINDOW = 60
# Second factor, per user: wrong codes before a cool-off.
TOTP_FAILURES = 5
TOTP_COOLOFF = 15 * 60
# Self-service password reset mails per address and hour (security notes §5.2).
RESET_MAILS_PER_HOUR = 5

DEVICE_COOKIE = "bk_login_device"
DEVICE_COOKIE_AGE = 180 * 24 * 3600
_DEVICE_SALT = "accounts.throttle.device"


def clock() -> float:
    """Seconds since the epoch; tests move it instead of sleeping."""
    return time.time()


def normalise_email(value: str) -> str:
    """NFKC (full-width input), trimmed and lower-cased: one key per mailbox however typed."""
    return unicodedata.normalize("NFKC", value or "").strip().lower()


def _digest(*parts: str) -> str:
    # Hashed so that the shared cache never holds addresses in clear text.
    joined = "\x1f".join(parts).encode()
    return hashlib.sha256(settings.SECRET_KEY.encode() + b"\x1f" + joined).hexdigest()[:32]


def account_digest(email: str) -> str:
    """A stable pseudonym for an address, usable in cache keys and audit details."""
    return _digest("account", normalise_email(email))


class SlidingLog:
    """Timestamps of recent events under one cache key, never more than `limit` of them."""

    def __init__(self, key: str, *, limit: int, window: int):
        self.key, self.limit, self.window = key, limit, window

    def _recent(self) -> list[float]:
        now = clock()
        return [t for t in cache.get(self.key, []) if now - t < self.window]

    def full(self) -> bool:
        return len(self._recent()) >= self.limit

    def retry_after(self) -> int:
        recent = self._recent()
        if len(recent) < self.limit:
            return 0
        return max(1, int(recent[-self.limit] + self.window - clock()) + 1)

    def add(self) -> int:
        # get-then-set is not atomic: under concurrent requests a limit can be passed by the
        # number of parallel workers, which stays far below the ASVS ceiling of 100 an hour.
        recent = [*self._recent(), clock()][-self.limit :]
        cache.set(self.key, recent, self.window)
        return len(recent)

    def clear(self) -> None:
        cache.delete(self.key)


class Cooloff:
    """A 'not before' time under one cache key."""

    def __init__(self, key: str, *, seconds: int):
        self.key, self.seconds = key, seconds

    def remaining(self) -> int:
        until = cache.get(self.key)
        if until is None:
            return 0
        left = until - clock()
        return int(left) + 1 if left > 0 else 0

    def start(self) -> None:
        cache.set(self.key, clock() + self.seconds, self.seconds)


@dataclass(frozen=True)
class Refusal:
    """Why a login is answered with 429 before the password is looked at."""

    reason: str  # "ip", "pair" or "account"
    retry_after: int


class LoginThrottle:
    """The three login limits for one request and one typed address."""

    def __init__(self, request, email: str):
        self.request = request
        self.account = account_digest(email)
        self.ip = client_ip(request)
        pair = _digest("pair", self.account, self.ip)
        self.ip_posts = SlidingLog(
            f"login:ip:{_digest('ip', self.ip)}", limit=IP_POSTS_PER_MINUTE, window=IP_WINDOW
        )
        self.pair_failures = SlidingLog(
            f"login:pair:{pair}", limit=PAIR_FAILURES, window=PAIR_COOLOFF
        )
        self.pair_cooloff = Cooloff(f"login:pair-lock:{pair}", seconds=PAIR_COOLOFF)
        self.account_failures = SlidingLog(
            f"login:account:{self.account}",
            limit=ACCOUNT_FAILURES_PER_HOUR,
            window=ACCOUNT_WINDOW,
        )

    def has_device_cookie(self) -> bool:
        """True when this browser signed in to this address before (OWASP device cookies)."""
        raw = self.request.COOKIES.get(DEVICE_COOKIE)
        if not raw:
            return False
        try:
            value = signing.loads(raw, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_AGE)
        except signing.BadSignature:
            return False
        return value == self.account

    def check(self) -> Refusal | None:
        """A refusal when any limit is reached; counts this POST against the IP otherwise."""
        if self.ip_posts.full():
            return Refusal("ip", self.ip_posts.retry_after())
        self.ip_posts.add()
        if wait := self.pair_cooloff.remaining():
            return Refusal("pair", wait)
        # A browser that has signed in to this account before keeps its way in while someone
        # else is guessing the password from elsewhere; only its own failures slow it down.
        if self.account_failures.full() and not self.has_device_cookie():
            return Refusal("account", self.account_failures.retry_after())
        return None

    def failed(self) -> Refusal | None:
        """Counts a failed password; returns the refusal that now starts, if any."""
        self.account_failures.add()
        if self.pair_failures.add() >= PAIR_FAILURES:
            self.pair_failures.clear()
            self.pair_cooloff.start()
            return Refusal("pair", PAIR_COOLOFF)
        if self.account_failures.full():
            return Refusal("account", self.account_failures.retry_after())
        return None

    def succeeded(self) -> None:
        self.pair_failures.clear()

    def device_cookie_value(self) -> str:
        return signing.dumps(self.account, salt=_DEVICE_SALT)


def totp_cooloff(user) -> Cooloff:
    return Cooloff(f"totp:lock:{user.pk}", seconds=TOTP_COOLOFF)


def totp_failed(user) -> bool:
    """Counts a wrong code; True when this failure starts a cool-off."""
    failures = SlidingLog(f"totp:fail:{user.pk}", limit=TOTP_FAILURES, window=TOTP_COOLOFF)
    if failures.add() >= TOTP_FAILURES:
        failures.clear()
        totp_cooloff(user).start()
        return True
    return False


def totp_succeeded(user) -> None:
    SlidingLog(f"totp:fail:{user.pk}", limit=TOTP_FAILURES, window=TOTP_COOLOFF).clear()


def reset_mail_allowed(email: str) -> bool:
    """Counts one reset mail for the address; False once the hourly limit is reached."""
    log = SlidingLog(
        f"reset:{account_digest(email)}", limit=RESET_MAILS_PER_HOUR, window=ACCOUNT_WINDOW
    )
    if log.full():
        return False
    log.add()
    return True
