"""Versioned policy data (thresholds, periods, indicator lists, advice), each file citing its
source. Loaded through `load_policy` only, so no number of the law hides in code."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from typing import Any


@cache
def load_policy(name: str) -> dict[str, Any]:
    """Return the parsed policy file `<name>.json` from this package.

    Every policy file is a JSON object with at least `version` and `source` keys.
    """
    text = resources.files(__package__).joinpath(f"{name}.json").read_text(encoding="utf-8")
    data = json.loads(text)
    if not isinstance(data, dict) or "version" not in data or "source" not in data:
        raise ValueError(f"policy {name!r} must be an object carrying 'version' and 'source'")
    return data
