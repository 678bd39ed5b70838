"""`vigil linkage-run [--run N] [--user USERNAME]`: run the linkage model over every person
record and fill the "Possible duplicates" review queue (issue 11).

Without --run a new run is queued and done at once (e.g. nightly from cron or a systemd timer);
--run N does a run already queued by the "Run linkage now" button."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError, CommandParser

from vigil.errors import ApplicationError
from vigil.linkage import services
from vigil.linkage.models import LinkageRun


class Command(BaseCommand):
    help = "Find possible duplicate person records and queue them for review."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", type=int, help="do this queued run (started from the web)")
        parser.add_argument("--user", help="the username the run is recorded against")

    def handle(self, *args: Any, **options: Any) -> None:
        run_id = options["run"]
        if run_id is None:
            user = None
            if options["user"]:
                user = get_user_model().objects.filter(username=options["user"]).first()
                if user is None:
                    raise CommandError(f"no user {options['user']!r}")
            busy = LinkageRun.objects.filter(
                status__in=[LinkageRun.Status.QUEUED, LinkageRun.Status.RUNNING]
            )
            if busy.exists():
                raise CommandError("a linkage run is already in progress")
            run_id = LinkageRun.objects.create(
                requested_by=user, review_threshold=services.REVIEW_THRESHOLD
            ).pk

        def progress(run: LinkageRun) -> None:
            if options["verbosity"] > 1:
                self.stdout.write(f"{run.stage}: {run.people_read}/{run.people_total}")

        try:
            run = services.linkage_run_execute(run_id, on_progress=progress)
        except (ApplicationError, LinkageRun.DoesNotExist) as error:
            raise CommandError(str(error)) from None
        if run.status == LinkageRun.Status.FAILED:
            raise CommandError(f"linkage run {run.pk} failed: {run.error}")
        self.stdout.write(
            f"linkage run {run.pk}: {run.people_read} people, {run.pairs_scored} pairs at or "
            f"above {run.review_threshold}, {run.matches_new} new for review, "
            f"{run.matches_rescored} re-scored, {run.matches_already_decided} already decided"
        )
