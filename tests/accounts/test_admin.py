"""Administrators manage users, not case content: they can reset an authenticator and sign a
user out everywhere, but never see an authenticator's secret."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import make_user
from vigil.accounts.models import Role


def test_admin_lists_authenticators_without_their_secrets(police, investigator):
    admin_user = make_user("admin", police, Role.SYSTEM_ADMINISTRATOR, is_staff=True)
    admin_user.is_superuser = True
    admin_user.save()
    device = TOTPDevice.objects.create(user=investigator, name="Phone", confirmed=True)
    client = Client()
    client.force_login(admin_user)
    page = client.get(reverse("admin:otp_totp_totpdevice_change", args=[device.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    assert device.key not in html and "data:image" not in html
    with pytest.raises(NoReverseMatch):
        reverse("admin:otp_totp_totpdevice_config", args=[device.pk])
    # Resetting a lost device is deleting it: the user sets up a new one at next sign-in.
    client.post(reverse("admin:otp_totp_totpdevice_delete", args=[device.pk]), {"post": "yes"})
    assert not TOTPDevice.objects.filter(pk=device.pk).exists()


def test_admin_signs_a_user_out_everywhere(police, investigator):
    admin_user = make_user("admin", police, Role.SYSTEM_ADMINISTRATOR, is_staff=True)
    admin_user.is_superuser = True
    admin_user.save()
    victim_session = Client()
    victim_session.force_login(investigator)
    client = Client()
    client.force_login(admin_user)
    client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "sign_out_everywhere", "_selected_action": [investigator.pk]},
    )
    assert victim_session.get(reverse("home")).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200
