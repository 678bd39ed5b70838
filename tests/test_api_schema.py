"""schemathesis against Vigil's own OpenAPI schema (/api/schema/): every operation is called
with generated input, over WSGI, as a signed-in CSE investigator (session and second factor,
CSRF token for writes) with records in the database, and no answer may be a server error
(issue 5: "schemathesis against the OpenAPI schema with 0 server errors").

Bounded for the test suite (a fixed number of examples per operation, derandomised so a run
is repeatable); `VIGIL_SCHEMATHESIS_EXAMPLES` raises it for a longer hunt. Figures: run with
`-s` to see the operations and calls made."""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from hypothesis import HealthCheck, Phase, settings

from tests.factories import EventFactory, LinkFactory, LocationFactory, PersonFactory, PhoneFactory
from vigil.accounts.justification import API_HEADER

EXAMPLES = int(os.environ.get("VIGIL_SCHEMATHESIS_EXAMPLES", "12"))
CALLS: Counter[str] = Counter()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _keep_the_test_connection() -> Iterator[None]:
    """As Django's test client does: the WSGI application must not close the test's database
    connection after each request (with CONN_MAX_AGE=0 it would, and the test's transaction
    with it, on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The schema is public and served without touching the database, so it loads at import.
schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", get_wsgi_application())


@pytest.fixture
def signed_in(investigator: Any) -> dict[str, Any]:
    """The cookies and headers of a signed-in investigator's browser session, with records
    for the generated calls to find (ids 1 upwards)."""
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh", family_name="Smith")
    adult = PersonFactory(acting_user=investigator, given_names="Lee", family_name="Marsh")
    phone = PhoneFactory(acting_user=investigator)
    place = LocationFactory(acting_user=investigator, name="Station Hotel")
    EventFactory(acting_user=investigator, people=[(child, "victim"), (adult, "suspect")])
    LinkFactory(
        acting_user=investigator,
        link_type="uses_phone",
        source_entity=adult,
        target_entity=phone,
        source="Schema test",
    )
    LinkFactory(
        acting_user=investigator,
        link_type="found_at",
        source_entity=child,
        target_entity=place,
        source="Schema test",
    )
    client = Client()
    client.force_login(investigator)  # with the second factor (tests/conftest.py)
    token = _get_new_csrf_string()
    return {
        "cookies": {"sessionid": client.cookies["sessionid"].value, "csrftoken": token},
        "headers": {"X-CSRFToken": token, API_HEADER: "Schema test"},
    }


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    phases=[Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_no_server_errors(case: Any, signed_in: dict[str, Any]) -> None:
    CALLS[case.operation.label] += 1
    case.call_and_validate(
        headers=signed_in["headers"],
        cookies=signed_in["cookies"],
        checks=[schemathesis.checks.not_a_server_error],
    )


def test_zz_figures() -> None:
    """Prints how many operations were exercised and how many calls made (run with -s)."""
    if CALLS:
        print(
            f"\nschemathesis: {len(CALLS)} operations, {sum(CALLS.values())} calls, "
            f"up to {EXAMPLES} generated examples each"
        )
