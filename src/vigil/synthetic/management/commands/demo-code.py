"""Print the current sign-in code of a demo user, so a tester needs no authenticator app."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from vigil.disruption.demo import OPERATOR_USERNAME
from vigil.synthetic.demo_area import USERS


class Command(BaseCommand):
    help = "Print the current 6-digit sign-in code of a demo user (demo users only)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")

    def handle(self, *args: Any, username: str = "", **options: Any) -> None:
        # Only the synthetic demo's own accounts: a real user's code is never printed.
        if username not in {user.username for user in USERS} | {OPERATOR_USERNAME}:
            raise CommandError(f"{username!r} is not a demo user", returncode=2)
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"{username} has no authenticator: run `vigil demo` first")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
