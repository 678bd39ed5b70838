"""UK identifiers as police and partner records carry them: postcodes, vehicle registration
marks, phone numbers, online handles. Each `normalise_*` gives the form we index and compare on;
each `format_*` the form people read."""

from __future__ import annotations

import re

# The Royal Mail / ONS postcode pattern (BS 7666 shape), including GIR 0AA.
_POSTCODE = re.compile(
    r"^(GIR0AA|[A-PR-UWYZ](?:[0-9]{1,2}|[A-HK-Y][0-9]{1,2}|[0-9][A-HJKPSTUW]|[A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_postcode(value: str) -> str:
    return re.sub(r"\s+", "", value).upper()


def is_valid_postcode(value: str) -> bool:
    return bool(_POSTCODE.match(normalise_postcode(value)))


def format_postcode(value: str) -> str:
    """'ls11aa' -> 'LS1 1AA' (the inward code is always the last three characters)."""
    compact = normalise_postcode(value)
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def postcode_district(value: str) -> str:
    """The outward code ('LS1 1AA' -> 'LS1'), used to find records in a neighbourhood."""
    compact = normalise_postcode(value)
    return compact[:-3] if len(compact) > 3 else compact


def normalise_vrm(value: str) -> str:
    """Vehicle registration mark as ANPR stores it: 'ab12 cde' -> 'AB12CDE'."""
    return re.sub(r"[^A-Za-z0-9]", "", value).upper()


# Current (2001-) format AB12CDE, prefix A123BCD, suffix ABC123D, and dateless marks.
_VRM_FORMATS = [
    re.compile(r"^[A-Z]{2}[0-9]{2}[A-Z]{3}$"),
    re.compile(r"^[A-Z][0-9]{1,3}[A-Z]{3}$"),
    re.compile(r"^[A-Z]{3}[0-9]{1,3}[A-Z]$"),
    re.compile(r"^[A-Z]{1,3}[0-9]{1,4}$"),
    re.compile(r"^[0-9]{1,4}[A-Z]{1,3}$"),
]


def is_uk_vrm(value: str) -> bool:
    compact = normalise_vrm(value)
    return any(pattern.match(compact) for pattern in _VRM_FORMATS)


def format_vrm(value: str) -> str:
    compact = normalise_vrm(value)
    if _VRM_FORMATS[0].match(compact):
        return f"{compact[:4]} {compact[4:]}"
    return compact


def normalise_phone(value: str) -> str:
    """UK numbers to national format digits ('+44 7700 900123' -> '07700900123'); other
    international numbers keep a leading '+'. Returns '' when there are no digits."""
    raw = value.strip()
    digits = re.sub(r"\D", "", raw)
    if raw.startswith("+"):
        international = digits
    elif digits.startswith("00"):
        international = digits[2:]
    else:
        return digits
    if not international:
        return ""
    if international.startswith("44"):
        rest = international[2:]
        return "0" + rest[1:] if rest.startswith("0") else "0" + rest
    return "+" + international


def is_plausible_phone(value: str) -> bool:
    normalised = normalise_phone(value)
    if normalised.startswith("+"):
        return 8 <= len(normalised) - 1 <= 15
    return normalised.startswith("0") and 10 <= len(normalised) <= 11


def normalise_handle(value: str) -> str:
    """Online handles compare without case or a leading '@'."""
    return value.strip().lstrip("@").lower()
