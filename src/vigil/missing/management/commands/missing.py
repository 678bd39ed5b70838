"""`vigil missing import FILE.csv --user NAME` and `vigil missing rhi-due --json --user NAME`;
`vigil missing rebuild-together --user NAME` recomputes the stored missing-together links.

Both act as a named user, so the access layer and the audit log treat the command like the
screens: the import is stored under the user's agency, and the due list shows what they may see.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from vigil.accounts.access import works_with_cases
from vigil.accounts.models import User
from vigil.core.missing import uk_time
from vigil.missing import imports, selectors
from vigil.missing.together import rebuild_together_links


class Command(BaseCommand):
    help = (
        "Missing episodes. `import FILE.csv`: import a force missing-persons export (all or "
        "nothing; exit 2 with the row report on bad input). `rhi-due`: return home interviews "
        "due or overdue now. `rebuild-together`: recompute the stored missing-together links."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("operation", choices=["import", "rhi-due", "rebuild-together"])
        parser.add_argument("file", nargs="?", help="The CSV export (import only)")
        parser.add_argument("--user", required=True, help="Username to act as (audited)")
        parser.add_argument("--json", action="store_true", help="Print JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        user = User.objects.filter(username=options["user"], is_active=True).first()
        if user is None or not works_with_cases(user):
            raise CommandError(f"{options['user']}: no such user with case access", returncode=2)
        if options["operation"] == "import":
            self._import(user, options)
        elif options["operation"] == "rebuild-together":
            # Derived data only (no case record changes): after loading episodes some other
            # way than the services or the import.
            with transaction.atomic():
                made = rebuild_together_links()
            self.stdout.write(f"{made:,} missing-together links stored")
        else:
            self._due(user, options)

    def _import(self, user: User, options: dict[str, Any]) -> None:
        if not options["file"]:
            raise CommandError("Give the CSV file to import", returncode=2)
        path = Path(options["file"])
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"{path}: {error}", returncode=2) from None
        result = imports.import_missing_export(acting_user=user, text=text, filename=path.name)
        if options["json"]:
            self.stdout.write(json.dumps(result.to_dict(), indent=2))
        if not result.ok:
            report = "\n".join(
                f"line {e.line}{f' [{e.column}]' if e.column else ''}: {e.message}"
                for e in result.errors
            )
            sys.stderr.write(f"{result.summary()}\n{report}\n")
            raise SystemExit(2)
        if not options["json"]:
            self.stdout.write(result.summary())

    def _due(self, user: User, options: dict[str, Any]) -> None:
        now = timezone.now()
        rows = selectors.interviews(user, show="open", now=now)
        out = [
            {
                "episode": row.interview.episode.ref,
                "child": row.interview.episode.child.full_name,
                "child_id": row.interview.episode.child_id,
                "due_at": row.interview.due_at.isoformat(),
                "due_at_uk": uk_time(row.interview.due_at).strftime("%Y-%m-%d %H:%M %Z"),
                "state": row.state.state,
                "status": row.interview.status,
                "offered_by": str(row.interview.offered_by or ""),
                "area": row.interview.episode.area,
            }
            for row in rows
        ]
        if options["json"]:
            self.stdout.write(json.dumps(out, indent=2))
            return
        for item in out:
            self.stdout.write(
                f"{item['state']:9} {item['due_at_uk']}  {item['episode']:8} {item['child']}"
            )
