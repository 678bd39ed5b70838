"""Signing in takes a password and then a code from an authenticator app (django-otp TOTP);
until then nothing opens, the API included."""

from __future__ import annotations

import re
import time
from base64 import b64decode
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.accounts.totp import code_for_secret, fresh_code

PASSWORD = "correct-horse-battery"


def password_only(user: Any) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, response.content
    return client


@pytest.fixture
def device(investigator: Any) -> TOTPDevice:
    return TOTPDevice.objects.create(user=investigator, name="Phone", confirmed=True)


def test_a_password_alone_opens_nothing(investigator, device):
    client = password_only(investigator)
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == "/sign-in/code/?next=%2F"
    assert client.get(reverse("search")).status_code == 302
    api = client.get("/api/people/")
    assert api.status_code == 403
    assert "authenticator" in api.json()["detail"]


def test_the_right_code_signs_in_and_returns_to_the_page(investigator, device):
    client = password_only(investigator)
    url = reverse("second_factor") + "?next=/search/"
    page = client.get(url).content.decode()
    assert "Enter the code from your authenticator app" in page
    response = client.post(url, {"token": fresh_code(device), "next": "/search/"})
    assert response.status_code == 302
    assert response["Location"] == "/search/"
    assert client.get(reverse("home")).status_code == 200
    assert client.get("/api/people/").status_code == 200


@pytest.mark.parametrize(
    ("token", "message"),
    [
        ("", "Enter code from your authenticator app"),
        ("12ab56", "Enter the 6-digit code from your authenticator app"),
        ("000000", "The code is not right"),
    ],
)
def test_a_wrong_code_is_refused(investigator, device, token, message):
    client = password_only(investigator)
    response = client.post(reverse("second_factor"), {"token": token})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html and message in html
    assert client.get(reverse("home")).status_code == 302


def test_a_code_cannot_be_replayed(investigator, device):
    code = fresh_code(device)
    first = password_only(investigator)
    assert first.post(reverse("second_factor"), {"token": code}).status_code == 302
    second = password_only(investigator)
    response = second.post(reverse("second_factor"), {"token": code})
    assert "The code is not right" in response.content.decode()


def test_unsafe_next_is_ignored(investigator, device):
    client = password_only(investigator)
    response = client.post(
        reverse("second_factor"), {"token": fresh_code(device), "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_first_sign_in_sets_up_the_authenticator_with_a_qr_code(investigator):
    client = password_only(investigator)
    response = client.get(reverse("home"))
    assert response["Location"].startswith(reverse("second_factor_setup"))
    page = client.get(response["Location"]).content.decode()
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', page)
    assert qr and b"<svg" in b64decode(qr.group(1))
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', page).group(1)
    wrong = client.post(reverse("second_factor_setup"), {"token": "000000"})
    assert "The code is not right" in wrong.content.decode()
    throttled = client.post(reverse("second_factor_setup"), {"token": code_for_secret(secret)})
    assert "Too many wrong codes" in throttled.content.decode()
    time.sleep(1.1)  # django-otp's wait after one wrong code
    done = client.post(reverse("second_factor_setup"), {"token": code_for_secret(secret)})
    assert done.status_code == 302
    assert client.get(reverse("home")).status_code == 200
    assert TOTPDevice.objects.get(user=investigator).confirmed


def test_someone_with_only_the_password_cannot_swap_the_authenticator(investigator, device):
    client = password_only(investigator)
    response = client.get(reverse("second_factor_setup"))
    assert response["Location"].startswith(reverse("second_factor"))
    assert TOTPDevice.objects.filter(user=investigator).count() == 1


def test_a_new_phone_replaces_the_old_authenticator(client, investigator, device):
    client.force_login(investigator)  # fully signed in (tests/conftest.py)
    page = client.get(reverse("second_factor_setup")).content.decode()
    secret = re.search(r'id="authenticator-secret">([A-Z2-7]+)<', page).group(1)
    client.post(reverse("second_factor_setup"), {"token": code_for_secret(secret)})
    devices = TOTPDevice.objects.filter(user=investigator)
    assert devices.count() == 1 and devices.get().pk != device.pk
