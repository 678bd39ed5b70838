"""django-axes locks signing in after repeated failures, with a GOV.UK page that says what
to do; the lock is per username and address."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

PASSWORD = "correct-horse-battery"


def attempt(client: Client, username: str, password: str) -> object:
    return client.post(reverse("login"), {"username": username, "password": password})


def test_five_failures_lock_the_account_out(investigator, settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    client = Client()
    for _ in range(4):
        response = attempt(client, "investigator", "wrong password")
        assert response.status_code == 200
        assert "There is a problem" in response.content.decode()
    locked = attempt(client, "investigator", "wrong password")
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "You cannot sign in at the moment" in html
    assert "try again in 30 minutes" in html
    # Even the right password is refused while locked.
    assert attempt(client, "investigator", PASSWORD).status_code == 429


def test_a_success_resets_the_count(investigator):
    client = Client()
    for _ in range(4):
        attempt(client, "investigator", "wrong password")
    assert attempt(client, "investigator", PASSWORD).status_code == 302
    client = Client()
    for _ in range(4):
        assert attempt(client, "investigator", "wrong password").status_code == 200


def test_the_lock_is_per_user(investigator, colleague):
    client = Client()
    for _ in range(5):
        attempt(client, "investigator", "wrong password")
    assert attempt(client, "analyst", PASSWORD).status_code == 302
