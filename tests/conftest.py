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
