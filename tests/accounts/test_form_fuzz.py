"""Random input to the access and audit forms: never a server error, and a refused form
changes nothing (no sharing decision, restriction or audit entry of a write)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import PersonFactory
from vigil.accounts import services
from vigil.accounts.models import RecordRestriction, SharingDecision
from vigil.audit.models import Action, AuditEntry

WRITES = [Action.COLLECTION, Action.ALTERATION, Action.DISCLOSURE]

values = st.one_of(
    st.text(max_size=40),
    st.sampled_from(["", " ", "1", "0", "-1", "999999999999999999999", "ca1989_s47", "on"]),
    st.integers(min_value=-(2**63), max_value=2**63).map(str),
)


def form_data(fields: list[str]) -> st.SearchStrategy[dict[str, Any]]:
    return st.dictionaries(
        st.sampled_from(fields), st.one_of(values, st.lists(values, max_size=3)), max_size=6
    )


def state() -> tuple[int, int, int]:
    return (
        SharingDecision.objects.count(),
        RecordRestriction.objects.count(),
        AuditEntry.objects.filter(action__in=WRITES).count(),
    )


@pytest.fixture
def setting(investigator: Any, council: Any, colleague: Any) -> dict[str, Any]:
    child = PersonFactory(acting_user=investigator)
    decision = services.share_record(
        acting_user=investigator,
        record=child,
        agency=council,
        lawful_basis="ca1989_s47",
        scope="Strategy",
    )
    client = Client()
    client.force_login(investigator)
    return {"child": child, "decision": decision, "client": client}


FORMS = {
    "record_share": ["agency", "lawful_basis", "scope", "within_conditions"],
    "record_withdraw": ["decision", "reason"],
    "record_restrict": ["reason", "users", "teams"],
    "record_lift_restriction": ["reason"],
}


@pytest.mark.parametrize("name", list(FORMS))
def test_random_form_posts_never_fail_or_half_save(setting, name):
    url = reverse(name, args=["person", setting["child"].pk])

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(data=form_data(FORMS[name]))
    def post(data: dict[str, Any]) -> None:
        before = state()
        response = setting["client"].post(url, data)
        assert response.status_code < 500, data
        if response.status_code != 302:
            assert response.status_code in (200, 403, 404), data
            assert state() == before, data

    post()


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=form_data(["record", "next", "reference", "reason", "token", "username", "start_0"]))
def test_random_input_to_prompt_code_and_audit_forms(db, outsider, investigator, data):
    client = Client()
    client.force_login(outsider)
    for url in (
        reverse("why_are_you_looking"),
        reverse("second_factor"),
        reverse("audit_home"),
        reverse("audit_user"),
        reverse("audit_user_export"),
    ):
        assert client.post(url, data).status_code < 500, (url, data)
        flat = {k: v if isinstance(v, str) else (v[0] if v else "") for k, v in data.items()}
        assert client.get(url, flat).status_code < 500, (url, data)
