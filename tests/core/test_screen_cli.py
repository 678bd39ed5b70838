"""`vigil screen --json` (issue 6 CLI contract): good input, and every kind of bad input exits 2
with a message naming the field on stderr and nothing on stdout."""

import io
import json
import subprocess
import sys

import pytest

from vigil.commands.screen import main

CHILD = {
    "date_of_birth": "2011-06-15",
    "assessed_on": "2026-02-01",
    "in_care": False,
    "observations": [
        {"code": "WS-FAM-RISKY-ADULTS", "observed_on": "2026-01-10"},
        {"code": "WS-EDU-TRUANCY", "observed_on": "2025-11-03"},
    ],
}


def run(monkeypatch, capsys, payload, argv=("--json",)):
    text = payload if isinstance(payload, str) else json.dumps(payload)
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def with_(**changes):
    payload = json.loads(json.dumps(CHILD))
    for key, value in changes.items():
        if value is ...:
            payload.pop(key)
        else:
            payload[key] = value
    return payload


def test_prints_the_contract_shape(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, CHILD)
    assert (status, err) == (0, "")
    result = json.loads(out)
    assert set(result) == {"level", "rank", "label", "reasons", "policy_version"}
    assert (result["level"], result["rank"], result["label"]) == ("medium", 2, "medium")
    assert isinstance(result["policy_version"], str) and result["policy_version"]
    listed = {o["code"] for r in result["reasons"] for o in r["observations"]}
    assert listed == {"WS-FAM-RISKY-ADULTS", "WS-EDU-TRUANCY"}


def test_in_care_and_override_are_optional(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, with_(in_care=..., observations=[]))
    assert status == 0
    assert json.loads(out)["label"] == "no indicators recorded"


def test_override_raises_with_reason(monkeypatch, capsys):
    payload = with_(override={"rank": 3, "reason": "disclosed to a teacher"})
    status, out, _ = run(monkeypatch, capsys, payload)
    result = json.loads(out)
    assert (status, result["rank"], result["level"]) == (0, 3, "high")
    assert "disclosed to a teacher" in result["reasons"][0]["text"]


def test_override_below_the_rules_does_not_lower_and_says_so(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, with_(override={"rank": 0, "reason": "fine"}))
    result = json.loads(out)
    assert (status, result["rank"]) == (0, 2)
    assert "not applied" in result["reasons"][0]["text"]


def test_in_care_adds_the_risk_factor(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, with_(in_care=True, observations=[]))
    result = json.loads(out)
    assert (status, result["level"]) == (0, "low")


BAD = [
    ("malformed JSON", "{not json", "input"),
    ("not an object", "[1, 2]", "input"),
    ("empty input", "", "input"),
    ("date_of_birth missing", with_(date_of_birth=...), "date_of_birth"),
    ("date_of_birth malformed", with_(date_of_birth="15/06/2011"), "date_of_birth"),
    ("date_of_birth impossible", with_(date_of_birth="2011-02-30"), "date_of_birth"),
    ("date_of_birth not a string", with_(date_of_birth=20110615), "date_of_birth"),
    ("assessed_on missing", with_(assessed_on=...), "assessed_on"),
    ("assessed_on malformed", with_(assessed_on="2026-2-1"), "assessed_on"),
    (
        "observed_on malformed",
        with_(observations=[{"code": "WS-EDU-TRUANCY", "observed_on": "soon"}]),
        "observations[0].observed_on",
    ),
    (
        "observed_on missing",
        with_(observations=[{"code": "WS-EDU-TRUANCY"}]),
        "observations[0].observed_on",
    ),
    (
        "unknown code",
        with_(observations=[{"code": "WS-HUNCH", "observed_on": "2026-01-01"}]),
        "observations[0].code",
    ),
    ("code missing", with_(observations=[{"observed_on": "2026-01-01"}]), "observations[0].code"),
    (
        "code not a string",
        with_(observations=[{"code": 7, "observed_on": "2026-01-01"}]),
        "observations[0].code",
    ),
    (
        "observation after assessed_on",
        with_(observations=[{"code": "WS-EDU-TRUANCY", "observed_on": "2026-02-02"}]),
        "observations[0].observed_on",
    ),
    (
        "observation before birth",
        with_(observations=[{"code": "WS-EDU-TRUANCY", "observed_on": "2011-06-14"}]),
        "observations[0].observed_on",
    ),
    ("observations not a list", with_(observations={"code": "WS-EDU-TRUANCY"}), "observations"),
    ("observations missing", with_(observations=...), "observations"),
    ("observation not an object", with_(observations=["WS-EDU-TRUANCY"]), "observations[0]"),
    ("aged 18 on assessed_on", with_(date_of_birth="2008-02-01"), "date_of_birth"),
    ("aged over 18", with_(date_of_birth="1990-01-01", observations=[]), "date_of_birth"),
    ("born after assessed_on", with_(date_of_birth="2026-03-01", observations=[]), "date_of_birth"),
    ("override without reason", with_(override={"rank": 3}), "override.reason"),
    ("override with empty reason", with_(override={"rank": 3, "reason": "  "}), "override.reason"),
    ("override reason not text", with_(override={"rank": 3, "reason": 5}), "override.reason"),
    ("override without rank", with_(override={"reason": "why"}), "override.rank"),
    ("override rank out of range", with_(override={"rank": 7, "reason": "why"}), "override.rank"),
    (
        "override rank not a number",
        with_(override={"rank": "high", "reason": "why"}),
        "override.rank",
    ),
    ("override not an object", with_(override=3), "override"),
    ("in_care not a boolean", with_(in_care="yes"), "in_care"),
    ("unknown field", with_(overide={"rank": 3, "reason": "typo"}), "overide"),
    (
        "unknown observation field",
        with_(observations=[{"code": "WS-EDU-TRUANCY", "observed_on": "2026-01-01", "when": 1}]),
        "observations[0].when",
    ),
]


@pytest.mark.parametrize(("payload", "field"), [(p, f) for _, p, f in BAD], ids=[b[0] for b in BAD])
def test_bad_input_exits_2_naming_the_field_with_nothing_on_stdout(
    monkeypatch, capsys, payload, field
):
    status, out, err = run(monkeypatch, capsys, payload)
    assert status == 2
    assert out == ""
    assert err.startswith(field), err


def test_bad_arguments_exit_2(monkeypatch, capsys):
    status, out, err = run(monkeypatch, capsys, CHILD, argv=("--xml",))
    assert (status, out) == (2, "")
    assert "usage" in err


def test_text_output_without_json(monkeypatch, capsys):
    status, out, _ = run(monkeypatch, capsys, CHILD, argv=())
    assert status == 0
    assert out.startswith("medium (rank 2)")


def test_vigil_command_dispatches_to_screen():
    """End to end through the `vigil` dispatcher, as other tools call it."""
    proc = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "screen", "--json"],
        input=json.dumps(CHILD),
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["level"] == "medium"
    bad = subprocess.run(
        [sys.executable, "-m", "vigil.cli", "screen", "--json"],
        input="{",
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (bad.returncode, bad.stdout) == (2, "")
