"""`vigil notice check --json`: check a proposed hotel information notice, child abduction
warning notice, SHPO or SRO against the rules in policy/disruption.json (issue 9).

Reads one JSON object on stdin and prints `{"valid": bool, "problems": [{"field", "message"}]}`.
Malformed input (not a rule failure) exits 2 naming the field on stderr, nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

from vigil.core.disruption import check_notice_request

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil notice",
        description="Check a proposed disruption notice or order (kind: hotel, cawn, shpo, sro).",
    )
    parser.add_argument("action", choices=["check"], help="what to do")
    parser.add_argument(
        "--json",
        action="store_true",
        required=True,
        help="read the proposal as JSON on stdin and print the result as JSON",
    )
    return parser


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status."""
    try:
        _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse already wrote usage or help
        return int(exit_.code or 0)
    try:
        obj = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        return _bad_input(f"input: not valid JSON ({error.msg} at line {error.lineno})")
    except UnicodeDecodeError:
        return _bad_input("input: not UTF-8 text")
    try:
        result = check_notice_request(obj)
    except ValueError as error:
        return _bad_input(str(error))
    sys.stdout.write(json.dumps(result, indent=2, ensure_ascii=False) + "\n")
    return 0


def _bad_input(message: str) -> int:
    print(f"vigil notice: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
