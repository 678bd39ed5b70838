"""`vigil screen [--json]`: screen one child for CSE from a JSON object on stdin.

Input (issue 6 CLI contract):
    {"date_of_birth": "YYYY-MM-DD", "assessed_on": "YYYY-MM-DD", "in_care": false,
     "observations": [{"code": "<taxonomy code>", "observed_on": "YYYY-MM-DD"}],
     "override": {"rank": 3, "reason": "..."}}          (in_care and override optional)
Output: {"level": str, "rank": int, "label": str, "reasons": [...], "policy_version": str}.
Bad input: exit status 2, a message naming the field on stderr, nothing on stdout. Unknown
fields are refused too: a misspelt "overide" silently ignored would change a child's result.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from vigil.core.dates import parse_iso_date
from vigil.core.screening import (
    Observation,
    Override,
    ScreeningInputError,
    ScreeningResult,
    screen_child,
)

USAGE = "usage: vigil screen [--json] < child.json"
TOP_FIELDS = {"date_of_birth", "assessed_on", "in_care", "observations", "override"}
OBSERVATION_FIELDS = {"code", "observed_on"}
OVERRIDE_FIELDS = {"rank", "reason"}


class _BadInput(Exception):
    pass


def _refuse_unknown(obj: dict[str, Any], allowed: set[str], prefix: str) -> None:
    for key in sorted(set(obj) - allowed):
        raise _BadInput(f"{prefix}{key}: unknown field (expected {', '.join(sorted(allowed))})")


def _required(obj: dict[str, Any], key: str, prefix: str = "") -> Any:
    if key not in obj:
        raise _BadInput(f"{prefix}{key}: required")
    return obj[key]


def _date(value: Any, field: str) -> Any:
    try:
        return parse_iso_date(value, field)
    except ValueError as exc:
        raise _BadInput(str(exc)) from None


def parse_request(text: str) -> dict[str, Any]:
    """Turn the stdin JSON into keyword arguments for `screen_child`; raises _BadInput."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise _BadInput(f"input: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise _BadInput("input: expected one JSON object")
    _refuse_unknown(data, TOP_FIELDS, "")
    date_of_birth = _date(_required(data, "date_of_birth"), "date_of_birth")
    assessed_on = _date(_required(data, "assessed_on"), "assessed_on")
    in_care = data.get("in_care", False)
    if not isinstance(in_care, bool):
        raise _BadInput("in_care: expected true or false")
    raw_observations = _required(data, "observations")
    if not isinstance(raw_observations, list):
        raise _BadInput("observations: expected a list")
    observations = []
    for index, raw in enumerate(raw_observations):
        prefix = f"observations[{index}]."
        if not isinstance(raw, dict):
            raise _BadInput(f"observations[{index}]: expected an object with code, observed_on")
        _refuse_unknown(raw, OBSERVATION_FIELDS, prefix)
        code = _required(raw, "code", prefix)
        if not isinstance(code, str):
            raise _BadInput(f"{prefix}code: expected a taxonomy code string")
        observed_on = _date(_required(raw, "observed_on", prefix), f"{prefix}observed_on")
        observations.append(Observation(code, observed_on))
    override = None
    if "override" in data and data["override"] is not None:
        raw = data["override"]
        if not isinstance(raw, dict):
            raise _BadInput("override: expected an object with rank and reason")
        _refuse_unknown(raw, OVERRIDE_FIELDS, "override.")
        rank = _required(raw, "rank", "override.")
        if isinstance(rank, bool) or not isinstance(rank, int):
            raise _BadInput("override.rank: expected a whole number")
        reason = raw.get("reason")
        if reason is None or (isinstance(reason, str) and not reason.strip()):
            raise _BadInput("override.reason: a reason is required for an override")
        if not isinstance(reason, str):
            raise _BadInput("override.reason: expected text")
        override = Override(rank=rank, reason=reason)
    return {
        "date_of_birth": date_of_birth,
        "assessed_on": assessed_on,
        "in_care": in_care,
        "observations": observations,
        "override": override,
    }


def _as_text(result: ScreeningResult) -> str:
    lines = [f"{result.label} (rank {result.rank}); rules alone: {result.rule_label}"]
    for reason in result.reasons:
        codes = ", ".join(obs.code for obs in reason.observations)
        lines.append(f"- [{reason.rule}] {reason.text}" + (f" ({codes})" if codes else ""))
    if result.review_on:
        lines.append(f"review by {result.review_on.isoformat()}")
    lines.append(f"policy {result.policy_version}")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if any(arg != "--json" for arg in argv):
        print(f"arguments: unexpected {' '.join(argv)!r}\n{USAGE}", file=sys.stderr)
        return 2
    try:
        request = parse_request(sys.stdin.read())
        result = screen_child(**request)
    except (_BadInput, ScreeningInputError) as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if "--json" in argv:
        sys.stdout.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(_as_text(result))
    return 0
