"""`vigil networks-analyse [--user USERNAME]`: search every record for communities that meet
the definition of group-based CSE and keep them for the Groups view, record pages and
screening (issue 10). Run it nightly and after imports (cron or a systemd timer), before
`vigil rescreen`; analysts can also run it from the Groups view."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.networks import services


class Command(BaseCommand):
    help = "Find communities that may be group-based CSE and keep them for the Groups view."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", help="the username the run is recorded against")

    def handle(self, *args: Any, **options: Any) -> None:
        user = None
        if options["user"]:
            user = get_user_model().objects.filter(username=options["user"]).first()
            if user is None:
                raise CommandError(f"no user {options['user']!r}")
        run = services.network_analyse(acting_user=user)
        self.stdout.write(
            f"{run.records:,} people, objects and places with {run.links:,} links: "
            f"{run.communities:,} communities, {len(run.candidates)} possible "
            f"group-based CSE, in {run.seconds:.1f} s"
        )
