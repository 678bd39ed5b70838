"""`vigil notice check --json` (issue 9 CLI contract): rule failures are problems; malformed
input exits 2 naming the field, with nothing on stdout."""

from __future__ import annotations

import io
import json
import sys

import pytest

from vigil.commands.notice import main

HOTEL = {
    "kind": "hotel",
    "issuing_officer_rank": "inspector",
    "issued_on": "2026-01-15",
    "period_end": "2026-07-15",
    "premises_type": "hotel",
    "information_required": ["guest_names", "guest_addresses", "vehicle_registration"],
    "frequency": "weekly",
}


def call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], payload: object
) -> tuple[int, dict | None, str]:
    text = payload if isinstance(payload, str) else json.dumps(payload)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(["check", "--json"])
    out, err = capsys.readouterr()
    return code, (json.loads(out) if out else None), err


def test_valid_hotel_notice(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert call(monkeypatch, capsys, HOTEL) == (0, {"valid": True, "problems": []}, "")


def test_hotel_notice_one_day_too_long_and_too_junior(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = call(
        monkeypatch,
        capsys,
        {**HOTEL, "period_end": "2026-07-16", "issuing_officer_rank": "sergeant"},
    )
    assert code == 0 and out is not None and out["valid"] is False
    assert [p["field"] for p in out["problems"]] == ["issuing_officer_rank", "period_end"]


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        (
            {
                "kind": "cawn",
                "child_date_of_birth": "2010-05-20",
                "child_in_care": False,
                "issued_on": "2026-05-19",
            },
            [],
        ),
        (
            {
                "kind": "cawn",
                "child_date_of_birth": "2010-05-20",
                "child_in_care": False,
                "issued_on": "2026-05-20",
            },
            ["child_date_of_birth"],
        ),
        (
            {
                "kind": "cawn",
                "child_date_of_birth": "2010-05-20",
                "child_in_care": True,
                "issued_on": "2026-05-20",
            },
            [],
        ),
        (
            {
                "kind": "shpo",
                "made_on": "2026-03-10",
                "prohibitions": [
                    {"type": "general", "until": "further_order"},
                    {"type": "foreign_travel", "until": "2031-03-11"},
                ],
            },
            ["prohibitions[1].until"],
        ),
        (
            {
                "kind": "sro",
                "made_on": "2026-03-10",
                "prohibitions": [
                    {"type": "general", "until": "2028-03-10"},
                ],
            },
            [],
        ),
    ],
)
def test_rule_checks(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    payload: dict,
    expected: list[str],
) -> None:
    code, out, _ = call(monkeypatch, capsys, payload)
    assert code == 0 and out is not None
    assert [p["field"] for p in out["problems"]] == expected
    assert out["valid"] is (expected == [])


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ("{nope", "input"),
        ("[]", "input"),
        ({"kind": "asbo"}, "kind"),
        ({**HOTEL, "issuing_officer_rank": "captain"}, "issuing_officer_rank"),
        ({**HOTEL, "issued_on": "15/01/2026"}, "issued_on"),
        ({**HOTEL, "frequency": "hourly"}, "frequency"),
        ({**HOTEL, "information_required": ["shoe_size"]}, "information_required[0]"),
        ({k: v for k, v in HOTEL.items() if k != "premises_type"}, "premises_type"),
        (
            {
                "kind": "cawn",
                "child_date_of_birth": "2010-01-01",
                "child_in_care": "no",
                "issued_on": "2026-01-01",
            },
            "child_in_care",
        ),
        (
            {
                "kind": "sro",
                "made_on": "2026-01-01",
                "prohibitions": [{"type": "curfew", "until": "further_order"}],
            },
            "prohibitions[0].type",
        ),
        (
            {
                "kind": "sro",
                "made_on": "2026-01-01",
                "prohibitions": [{"type": "general", "until": "forever"}],
            },
            "prohibitions[0].until",
        ),
    ],
)
def test_malformed_input_exits_2_naming_the_field(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], payload: object, field: str
) -> None:
    code, out, err = call(monkeypatch, capsys, payload)
    assert code == 2 and out is None
    assert err.startswith(f"vigil notice: {field}")


def test_the_vigil_command_runs_it() -> None:
    import subprocess
    from pathlib import Path

    vigil = Path(sys.executable).with_name("vigil")
    done = subprocess.run(
        [str(vigil), "notice", "check", "--json"],
        input=json.dumps({**HOTEL, "issuing_officer_rank": "constable"}),
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0
    problem = json.loads(done.stdout)["problems"][0]
    assert problem["field"] == "issuing_officer_rank"
    assert problem["message"].endswith("the issuing officer's rank is constable")
