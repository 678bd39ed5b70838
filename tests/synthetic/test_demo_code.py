from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


@pytest.mark.django_db
def test_demo_code_prints_a_code_the_second_factor_accepts() -> None:
    call_command("demo", "--no-serve", "--people", "0", stdout=StringIO())
    out = StringIO()
    call_command("demo-code", "investigator", stdout=out)
    code = out.getvalue().strip()
    assert len(code) == 6 and code.isdigit()
    device = TOTPDevice.objects.get(user__username="investigator")
    assert device.verify_token(code)


@pytest.mark.django_db
def test_demo_code_refuses_anyone_but_a_demo_user() -> None:
    with pytest.raises(CommandError, match="not a demo user"):
        call_command("demo-code", "someone.real", stdout=StringIO())
