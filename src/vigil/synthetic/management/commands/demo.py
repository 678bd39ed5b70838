from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from vigil.accounts.models import Role, User
from vigil.disruption.demo import OPERATOR_USERNAME, build_disruption_demo
from vigil.synthetic.demo_area import (
    DEMO_PASSWORD,
    USERS,
    build_demo_area,
    enrol_demo_authenticators,
)
from vigil.synthetic.loader import DEFAULT_PEOPLE, DEFAULT_SEED, load_demo_area


class Command(BaseCommand):
    help = "Migrate, load the synthetic demo area, print the demo logins, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load and exit.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument(
            "--people",
            type=int,
            default=DEFAULT_PEOPLE,
            help="People in the synthetic force area loaded on top of the hand-shaped demo "
            f"(default {DEFAULT_PEOPLE:,}; 0 for the small demo only).",
        )
        parser.add_argument(
            "--seed", type=int, default=DEFAULT_SEED, help="The same seed gives the same area."
        )

    def handle(
        self, *args: Any, no_serve: bool = False, addrport: str = "", **options: Any
    ) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        build_demo_area()
        # Each area's demo records: a hotel notice with overdue returns, a CAWN, a draft SRO.
        build_disruption_demo(DEMO_PASSWORD)
        people = options.get("people", DEFAULT_PEOPLE)
        load_demo_area(self.stdout, people=people, seed=options.get("seed", DEFAULT_SEED))
        # Find the network groups, then screen every child, so the Groups view, the caseload
        # and each child's screening (which counts a flagged group) are current from the start.
        call_command("networks-analyse", verbosity=0)
        call_command("rescreen", verbosity=0)
        self.stdout.write(self.style.SUCCESS("Demo area loaded: Northshire (synthetic data)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in USERS:
            self.stdout.write(f"  {user.username:<14} {Role(user.role).label}, {user.agency}")
        operator = User.objects.filter(username=OPERATOR_USERNAME).first()
        if operator is not None:
            self.stdout.write(
                f"  {operator.username:<14} Hotel operator, Station Hotel (returns portal only)"
            )
        # Sign-in needs a code from an authenticator app: add these keys to one (time-based,
        # 6 digits, 30 seconds), or compute a code with `oathtool --totp -b KEY`.
        secrets = enrol_demo_authenticators(
            User.objects.filter(
                username__in=[user.username for user in USERS]
                + ([operator.username] if operator is not None else [])
            )
        )
        self.stdout.write("Authenticator app keys (TOTP, base32) for the second sign-in step:")
        for username, secret in sorted(secrets.items()):
            self.stdout.write(f"  {username:<14} {secret}")
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/  (Ctrl+C to stop)")
            call_command("runserver", addrport, use_reloader=False)
