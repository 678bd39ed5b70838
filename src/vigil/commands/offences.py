"""`vigil offences --json`: the offence finder over JSON (issue 8).

Reads `{"victim_date_of_birth", "suspect_date_of_birth", "incident_date", "facts"}` on stdin
and prints `{"victim_age", "suspect_age", "offences", "notes"}` on stdout. Bad input exits 2
with a message naming the field on stderr and nothing on stdout.
"""

from __future__ import annotations

import argparse
import json
import sys

from vigil.core.offences import FACTS, find_offences_for, parse_request

EXIT_BAD_INPUT = 2


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="vigil offences",
        description=(
            "Which offences the ages and facts may amount to (Sexual Offences Act 2003, "
            "Modern Slavery Act 2015 s2, Protection of Children Act 1978 s1, Criminal Justice "
            "Act 1988 s160). Facts: " + ", ".join(FACTS)
        ),
    )
    parser.add_argument(
        "--json",
        action="store_true",
        required=True,
        help="read the request as JSON on stdin and print the finding as JSON",
    )
    return parser


def main(argv: list[str]) -> int:
    """Run the command; returns the exit status."""
    try:
        _parser().parse_args(argv)
    except SystemExit as exit_:  # argparse already wrote usage or help (help on stdout, code 0)
        return int(exit_.code or 0)
    try:
        obj = json.loads(sys.stdin.read())
    except json.JSONDecodeError as error:
        return _bad_input(f"input: not valid JSON ({error.msg} at line {error.lineno})")
    except UnicodeDecodeError:
        return _bad_input("input: not UTF-8 text")
    try:
        request = parse_request(obj)
    except ValueError as error:
        return _bad_input(str(error))
    finding = find_offences_for(request)
    sys.stdout.write(json.dumps(finding.to_json(), indent=2, ensure_ascii=False) + "\n")
    return 0


def _bad_input(message: str) -> int:
    print(f"vigil offences: {message}", file=sys.stderr)
    return EXIT_BAD_INPUT
