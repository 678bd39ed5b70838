from __future__ import annotations

from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser

from vigil.synthetic.demo_area import DEMO_PASSWORD, USERS, build_demo_area


class Command(BaseCommand):
    help = "Migrate, load the synthetic demo area, print the demo logins, then serve."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--no-serve", action="store_true", help="Load and exit.")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(
        self, *args: Any, no_serve: bool = False, addrport: str = "", **options: Any
    ) -> None:
        call_command("migrate", verbosity=0, interactive=False)
        build_demo_area()
        self.stdout.write(self.style.SUCCESS("Demo area loaded: Northshire (synthetic data)."))
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for user in USERS:
            self.stdout.write(f"  {user.username:<14} {user.role.label}, {user.agency}")
        if not no_serve:
            self.stdout.write(f"Serving on http://{addrport}/  (Ctrl+C to stop)")
            call_command("runserver", addrport, use_reloader=False)
