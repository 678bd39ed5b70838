from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.audit.services import verify_chain


class Command(BaseCommand):
    help = "Audit log tools. `vigil audit verify` checks the hash chain."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["verify"])

    def handle(self, *args: Any, **options: Any) -> None:
        intact, message = verify_chain()
        if not intact:
            raise CommandError(message, returncode=1)
        self.stdout.write(message)
