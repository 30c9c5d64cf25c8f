"""Time-based one-time passwords (RFC 6238 over RFC 4226): SHA-1, 30-second steps, 6 digits."""

import base64
import hashlib
import hmac
import secrets
import struct
import time
import unicodedata
from urllib.parse import quote, urlencode

STEP = 30
DIGITS = 6
# One step either side absorbs clock drift between phone and server (RFC 6238 §5.2).
WINDOW = 1
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA-1 block the RFC recommends


def generate_secret() -> str:
    """A new random shared secret, base32 without padding (what authenticator apps expect)."""
    return base64.b32encode(secrets.token_bytes(SECRET_BYTES)).decode("ascii").rstrip("=")


def _key(secret: str) -> bytes:
    cleaned = secret.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def current_step(now: float | None = None) -> int:
    return int((time.time() if now is None else now) // STEP)


def hotp(secret: str, counter: int) -> str:
    """The RFC 4226 code for one counter value."""
    digest = hmac.new(_key(secret), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    number = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(number % 10**DIGITS).zfill(DIGITS)


def code_at(secret: str, now: float | None = None) -> str:
    """The code an authenticator app shows at `now`."""
    return hotp(secret, current_step(now))


def normalise_code(value: str) -> str:
    """Full-width digits and spaces, as typed on a Japanese keyboard, become plain digits."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).replace("-", "")


def matching_step(
    secret: str, code: str, *, last_used_step: int | None = None, now: float | None = None
) -> int | None:
    """The step whose code equals `code` within the window and after `last_used_step`."""
    code = normalise_code(code)
    if len(code) != DIGITS or not code.isdigit():
        return None
    now_step = current_step(now)
    for step in range(now_step - WINDOW, now_step + WINDOW + 1):
        if last_used_step is not None and step <= last_used_step:
            continue  # a code already used, or older than one used, is spent (RFC 6238 §5.2)
        if hmac.compare_digest(hotp(secret, step), code):
            return step
    return None


def provisioning_uri(secret: str, *, account: str, issuer: str) -> str:
    """The otpauth:// URI that authenticator apps read from the QR code."""
    label = quote(f"{issuer}:{account}", safe="@:")
    query = urlencode(
        {"secret": secret, "issuer": issuer, "algorithm": "SHA1", "digits": DIGITS, "period": STEP},
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def grouped(secret: str) -> str:
    """The secret in blocks of four, easier to type by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))
