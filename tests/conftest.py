"""Shared fixtures: agencies and the standard users per role (owner, colleague, partner,
outsider), and database set-up that keeps the audit table append-only between tests."""

from __future__ import annotations

import os
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from vigil.accounts.models import Agency, AgencyKind, Role, User

# CI explores the same examples every run (a red build is then reproducible); developers'
# runs keep exploring new ones.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "why_are_you_looking: keep the 'Why are you looking?' prompt on for this test",
    )


def verify_second_factor(client: Any, user: Any) -> None:
    """Mark a test client's session as signed in with the second factor (as the code step
    does), enrolling `user` with an authenticator app if they have none."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Test authenticator", confirmed=True)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


@pytest.fixture(autouse=True)
def _signed_in_with_second_factor(monkeypatch: pytest.MonkeyPatch) -> None:
    """`client.force_login(user)` stands for a full sign-in, second factor included, so every
    test that signs in does not repeat the code step (tests/accounts tests that step itself)."""
    from django.test import Client

    original = Client.force_login

    def force_login(self: Client, user: Any, backend: str | None = None) -> None:
        original(self, user, backend)
        verify_second_factor(self, user)

    monkeypatch.setattr(Client, "force_login", force_login)


@pytest.fixture(autouse=True)
def _why_are_you_looking(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests written before the prompt existed open victims' records directly; tests marked
    `why_are_you_looking` (and the authorisation matrix) keep it on."""
    if request.node.get_closest_marker("why_are_you_looking") is None:
        monkeypatch.setattr("vigil.accounts.justification.prompt_enabled", lambda: False)


@pytest.fixture(autouse=True)
def _audit_triggers(request: pytest.FixtureRequest) -> Any:
    """Tests that empty the database between runs (live-server and transactional tests) must
    lift the append-only triggers for the flush, and restore them for the next test."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        from django.db import connection

        from vigil.audit.triggers import install_triggers, remove_triggers

        install_triggers(connection)
        yield
        remove_triggers(connection)
    else:
        yield


@pytest.fixture
def police(db: Any) -> Agency:
    return Agency.objects.create(name="Testshire Police", kind=AgencyKind.POLICE)


@pytest.fixture
def other_police(db: Any) -> Agency:
    return Agency.objects.create(name="Otherford Police", kind=AgencyKind.POLICE)


@pytest.fixture
def council(db: Any) -> Agency:
    return Agency.objects.create(
        name="Testshire Children's Services", kind=AgencyKind.CHILDRENS_SERVICES
    )


def make_user(username: str, agency: Agency | None, role: str, **extra: Any) -> User:
    user = User.objects.create_user(
        username=username, password="correct-horse-battery", agency=agency, role=role, **extra
    )
    return user


@pytest.fixture
def investigator(police: Agency) -> User:
    """The owner: a CSE investigator in the agency that owns the test records."""
    return make_user("investigator", police, Role.CSE_INVESTIGATOR)


@pytest.fixture
def colleague(police: Agency) -> User:
    return make_user("analyst", police, Role.INTELLIGENCE_ANALYST)


@pytest.fixture
def other_force_officer(other_police: Agency) -> User:
    return make_user("otherofficer", other_police, Role.CSE_INVESTIGATOR)


@pytest.fixture
def partner(council: Agency) -> User:
    """A MASH social worker: sees only what their agency owns (or was shared)."""
    return make_user("socialworker", council, Role.MASH_PRACTITIONER)


@pytest.fixture
def outsider(police: Agency) -> User:
    """Signed in but with no case role (an auditor): sees no case content."""
    return make_user("auditor", police, Role.AUDITOR)
