"""`vigil offences --json` (issue 8): JSON in, JSON out; bad input exits 2, names the field on
stderr and prints nothing on stdout."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest

from vigil.commands.offences import main

VIGIL = Path(sys.executable).with_name("vigil")

VALID = {
    "victim_date_of_birth": "2011-06-16",
    "suspect_date_of_birth": "1990-01-01",
    "incident_date": "2024-06-15",
    "facts": ["penile_penetration", "paid_for_sexual_services"],
}


def call(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], text: str, *argv: str
) -> tuple[int, str, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(text))
    code = main(list(argv or ["--json"]))
    out, err = capsys.readouterr()
    return code, out, err


def test_prints_the_finding(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = call(monkeypatch, capsys, json.dumps(VALID))
    assert (code, err) == (0, "")
    data = json.loads(out)
    assert data["victim_age"] == 12
    assert data["suspect_age"] == 34
    sections = [(o["act"], o["section"], o["max_penalty"]) for o in data["offences"]]
    assert sections[:2] == [
        ("Sexual Offences Act 2003", "5", "life"),
        ("Sexual Offences Act 2003", "47", "life"),
    ]
    assert ("Sexual Offences Act 2003", "9", "14 years") in sections
    assert isinstance(data["notes"], list)


BAD_INPUTS = [
    pytest.param("{not json", "input", id="malformed-json"),
    pytest.param("", "input", id="empty-stdin"),
    pytest.param("[1, 2]", "input", id="not-an-object"),
    pytest.param(json.dumps({**VALID, "incident_date": "2024-13-01"}), "incident_date",
                 id="bad-date"),
    pytest.param(json.dumps({**VALID, "victim_date_of_birth": "16/06/2011"}),
                 "victim_date_of_birth", id="wrong-date-format"),
    pytest.param(json.dumps({**VALID, "victim_date_of_birth": "2024-06-16"}),
                 "victim_date_of_birth", id="victim-born-after-incident"),
    pytest.param(json.dumps({**VALID, "suspect_date_of_birth": "2030-01-01"}),
                 "suspect_date_of_birth", id="suspect-born-after-incident"),
    pytest.param(json.dumps({**VALID, "facts": ["groping"]}), "facts[0]", id="unknown-fact"),
    pytest.param(json.dumps({**VALID, "facts": "sexual_touching"}), "facts", id="facts-not-list"),
    pytest.param(json.dumps({**VALID, "colour": "red"}), "colour", id="unknown-field"),
    *[
        pytest.param(json.dumps({k: v for k, v in VALID.items() if k != field}), field,
                     id=f"missing-{field}")
        for field in VALID
    ],
]  # fmt: skip


@pytest.mark.parametrize(("text", "field"), BAD_INPUTS)
def test_bad_input_exits_2_names_the_field_prints_nothing(
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    field: str,
) -> None:
    code, out, err = call(monkeypatch, capsys, text)
    assert code == 2
    assert out == ""
    assert f"{field}:" in err


def test_without_json_flag_is_a_usage_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = call(monkeypatch, capsys, json.dumps(VALID), "--yaml")
    assert code == 2
    assert out == ""
    assert "usage" in err


def run_vigil(stdin: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(VIGIL), "offences", "--json"],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(not VIGIL.exists(), reason="vigil script not installed in this venv")
def test_installed_command_round_trip() -> None:
    result = run_vigil(json.dumps(VALID))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["victim_age"] == 12


@pytest.mark.skipif(not VIGIL.exists(), reason="vigil script not installed in this venv")
def test_installed_command_bad_input() -> None:
    result = run_vigil(json.dumps({**VALID, "facts": ["sexual_touching", "nope"]}))
    assert result.returncode == 2
    assert result.stdout == ""
    assert "facts[1]" in result.stderr
