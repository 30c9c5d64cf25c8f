import base64

from accounts import totp

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


def test_rfc6238_sha1_vectors_truncated_to_six_digits():
    # RFC 6238 Appendix B (8 digits); the last six are what a 6-digit app shows.
    for moment, eight in [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ]:
        assert totp.code_at(RFC_SECRET, moment) == eight[-6:]


def test_window_is_one_step_either_side():
    now = 1_700_000_015.0
    step = totp.current_step(now)
    for offset in (-1, 0, 1):
        assert totp.matching_step(RFC_SECRET, totp.hotp(RFC_SECRET, step + offset), now=now) == (
            step + offset
        )
    for offset in (-2, 2):
        assert totp.matching_step(RFC_SECRET, totp.hotp(RFC_SECRET, step + offset), now=now) is None


def test_a_used_step_and_older_ones_never_match_again():
    now = 1_700_000_015.0
    step = totp.current_step(now)
    code = totp.hotp(RFC_SECRET, step)
    assert totp.matching_step(RFC_SECRET, code, last_used_step=step, now=now) is None
    assert totp.matching_step(RFC_SECRET, code, last_used_step=step - 1, now=now) == step


def test_full_width_digits_and_spaces_are_accepted():
    now = 1_700_000_015.0
    code = totp.code_at(RFC_SECRET, now)
    typed = "".join(chr(ord(c) + 0xFEE0) for c in code[:3]) + " " + code[3:]
    assert totp.matching_step(RFC_SECRET, typed, now=now) == totp.current_step(now)


def test_secret_uri_and_grouping():
    secret = totp.generate_secret()
    assert len(secret) == 32 and set(secret) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    assert totp.grouped("ABCDEFGHIJ") == "ABCD EFGH IJ"
    uri = totp.provisioning_uri(secret, account="a@example.test", issuer="伴走ナレッジ")
    assert uri.startswith("otpauth://totp/")
    assert f"secret={secret}" in uri and "period=30" in uri and "digits=6" in uri
