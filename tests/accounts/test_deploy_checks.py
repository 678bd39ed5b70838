"""`vigil check --deploy` is clean under production settings, and fails on the development
secret key."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

VIGIL = str(Path(sys.executable).with_name("vigil"))


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        # (the browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE for Playwright)
        if key
        not in {
            "DEBUG",
            "VIGIL_HTTPS",
            "SECRET_KEY",
            "DATABASE_URL",
            "ALLOWED_HOSTS",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    return subprocess.run(
        [VIGIL, "check", "--deploy", "--fail-level", "WARNING"],
        env={**base, "VIGIL_VAR_DIR": str(tmp_path), **env},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deploy_checks_pass_under_production_settings(tmp_path):
    result = deploy_check(
        tmp_path,
        DEBUG="0",
        VIGIL_HTTPS="1",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="vigil.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_checks_fail_on_the_development_key(tmp_path):
    result = deploy_check(tmp_path, DEBUG="0", VIGIL_HTTPS="1")
    assert result.returncode != 0
    assert "vigil.E001" in result.stdout + result.stderr
