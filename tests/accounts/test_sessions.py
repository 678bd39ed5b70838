"""Sessions end after 30 idle minutes, and a user can end all of theirs at once."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from vigil.audit.models import AuditEntry


def test_idle_timeout_is_thirty_minutes_and_each_request_extends_it():
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_an_idle_session_is_signed_out(client, investigator):
    client.force_login(investigator)
    assert client.get(reverse("home")).status_code == 200
    first = Session.objects.get().expire_date
    assert first - timezone.now() <= timedelta(minutes=30)
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_sign_out_everywhere_ends_every_session(investigator, colleague):
    laptop, phone, other = Client(), Client(), Client()
    laptop.force_login(investigator)
    phone.force_login(investigator)
    other.force_login(colleague)
    response = laptop.post(reverse("sign_out_everywhere"))
    assert response["Location"] == reverse("login") + "?signed_out=everywhere"
    for client in (laptop, phone):
        assert client.get(reverse("home"))["Location"].startswith(reverse("login"))
    assert other.get(reverse("home")).status_code == 200
    assert "signed out on every device" in laptop.get(response["Location"]).content.decode()
    assert AuditEntry.objects.filter(detail__sessions="signed out everywhere").exists()


def test_sign_out_everywhere_needs_a_post(client, investigator):
    client.force_login(investigator)
    assert client.get(reverse("sign_out_everywhere")).status_code == 405
    assert client.get(reverse("account")).status_code == 200
