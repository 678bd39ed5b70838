"""`vigil hotel-return-tasks`: raise a follow-up task for every hotel return now past its due
date and not received (run nightly; a return that arrives late raises its task at once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from vigil.disruption.services import hotel_return_tasks_raise


class Command(BaseCommand):
    help = "Raise follow-up tasks for hotel returns that are missing after their due date."

    def handle(self, *args: Any, **options: Any) -> None:
        raised = hotel_return_tasks_raise()
        self.stdout.write(f"{raised} follow-up task{'s' if raised != 1 else ''} raised")
