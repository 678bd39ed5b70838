"""Name keys for tolerant search: exact tokens, nickname groups and sound-alike codes.

A stored name is indexed under every key of each of its tokens; a query token matches a stored
token when they share a key. Exact beats nickname beats sound-alike when results are ranked.
Nicknames come from the published `nicknames` table (Old Dominion University, CC-BY-SA), so
"Kate" finds "Katherine"; Metaphone makes "Kayliegh" find "Kayleigh" and "Smyth" find "Smith".
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import jellyfish
from nicknames import NickNamer

EXACT_WEIGHT = 3
NICKNAME_WEIGHT = 2
SOUND_WEIGHT = 1

_TOKEN_SPLIT = re.compile(r"[^a-z0-9']+")


def fold(text: str) -> str:
    """Lower-case, strip diacritics ("Zoë" -> "zoe") and apostrophes ("O'Neil" -> "oneil")."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.lower().replace("'", "").replace("’", "")


def name_tokens(text: str) -> list[str]:
    """Tokens of a name; hyphenated and multi-part names give one token per part."""
    return [token for token in _TOKEN_SPLIT.split(fold(text)) if token]


@cache
def _nicknamer() -> NickNamer:
    return NickNamer()


@cache
def nickname_groups(token: str) -> frozenset[str]:
    """The canonical names a token may stand for, including itself."""
    namer = _nicknamer()
    groups = {token} | set(namer.canonicals_of(token))
    return frozenset(groups)


def sound_code(token: str) -> str:
    return jellyfish.metaphone(token) if token.isalpha() else ""


@cache
def token_keys(token: str) -> dict[str, int]:
    """Every key for one token, with the weight of a match on that key."""
    keys = {f"x:{token}": EXACT_WEIGHT}
    for group in nickname_groups(token):
        keys.setdefault(f"n:{group}", NICKNAME_WEIGHT)
    code = sound_code(token)
    if code:
        keys.setdefault(f"m:{code}", SOUND_WEIGHT)
    return keys


def name_keys(*names: str) -> set[str]:
    """All keys to index for a person's names (given and family names, aliases, nicknames)."""
    keys: set[str] = set()
    for name in names:
        for token in name_tokens(name):
            keys.update(token_keys(token))
    return keys
