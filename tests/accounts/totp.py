"""Authenticator-app codes for tests, computed independently of django-otp (RFC 6238 TOTP
with HMAC-SHA1, 30-second steps and 6 digits: what pyotp and phone apps compute)."""

from __future__ import annotations

import hashlib
import hmac
import struct
import time
from base64 import b32decode
from typing import Any


def totp_code(secret: bytes, at: float | None = None, step: int = 30, digits: int = 6) -> str:
    counter = int((time.time() if at is None else at) // step)
    digest = hmac.new(secret, struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 10**digits:0{digits}d}"


def code_for_secret(base32_secret: str, at: float | None = None) -> str:
    return totp_code(b32decode(base32_secret), at)


def fresh_code(device: Any) -> str:
    """A code the device will accept now: django-otp refuses a code from a time step already
    used (replay), so after a recent sign-in take the next step's code (within tolerance)."""
    device.refresh_from_db()
    now = time.time()
    step = int(now // device.step)
    if step <= device.last_t:
        now = (device.last_t + 1) * device.step
    return totp_code(device.bin_key, now, device.step, device.digits)
