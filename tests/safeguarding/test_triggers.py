"""Re-screening when a fact a derived observation reads changes, whoever writes it: POLE links,
events and flags written through vigil.people.services, missing episodes (which write through
them). Once per child per transaction, on commit, storing only real changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from datetime import timedelta
from typing import Any

import pytest
from django.db import transaction

from tests.factories import EventFactory, LocationFactory, PersonFactory
from tests.missing.conftest import record_return, report
from tests.safeguarding.conftest import days_ago, today, years_ago
from vigil.people import services as people_services
from vigil.safeguarding import triggers
from vigil.safeguarding.models import ScreeningResult

pytestmark = pytest.mark.django_db

Capture = Callable[..., AbstractContextManager[list[Callable[[], Any]]]]


@contextmanager
def committed(capture: Capture) -> Iterator[list[Callable[[], Any]]]:
    """Run the block as if it were a transaction of its own that commits: the test's outer
    transaction never commits, so the records its fixtures wrote are left pending; start a new
    batch as a new request's transaction would, and run the on-commit callbacks at the end."""
    triggers._local.batch = None
    with capture(execute=True) as callbacks:
        yield callbacks


def current(child: Any) -> ScreeningResult | None:
    return ScreeningResult.objects.filter(child=child, is_current=True).first()


def history(child: Any) -> int:
    return ScreeningResult.objects.filter(child=child).count()


def test_a_new_link_to_an_adult_suspect_rescreens_the_child(
    investigator: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    child = family["kayleigh"]
    with committed(django_capture_on_commit_callbacks):
        people_services.link_create(
            acting_user=investigator,
            link_type="associate_of",
            source_entity=family["suspect"],
            target_entity=child,
            source="Patrol sighting",
            last_seen=today(),
        )
    row = current(child)
    assert row is not None and row.level == "medium"
    assert row.trigger == "Records changed" and row.triggered_by == investigator
    assert any(
        obs["code"] == "WS-FAM-LINKED-TO-ADULT-SUSPECT"
        for reason in row.reasons
        for obs in reason["observations"]
    )


def test_flagging_an_adult_as_a_suspect_rescreens_the_children_linked_to_him(
    investigator: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    child, mother = family["kayleigh"], family["mother"]
    uncle = PersonFactory(
        acting_user=investigator,
        given_names="Gary",
        family_name="Bell",
        date_of_birth=years_ago(44),
    )
    with committed(django_capture_on_commit_callbacks):
        people_services.link_create(
            acting_user=investigator,
            link_type="associate_of",
            source_entity=uncle,
            target_entity=child,
            source="School",
        )
    before = current(child)
    assert before is not None and before.rank == 0
    with committed(django_capture_on_commit_callbacks):
        people_services.person_update(
            acting_user=investigator,
            person=uncle,
            expected_version=uncle.version,
            flags=["suspect"],
        )
    after = current(child)
    assert after is not None and after.rank == 2 and after.previous_rank == 0
    # The adult himself and the unconnected mother are not screened.
    assert current(uncle) is None and current(mother) is None


def test_a_missing_return_rescreens_once_for_everything_it_wrote(
    investigator: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    child = family["kayleigh"]
    hotel = LocationFactory(acting_user=investigator, premises_type="hotel", town="Southport")
    with committed(django_capture_on_commit_callbacks):
        episode = report(investigator, child, days_ago(3, 21), missing_from=family["home"])
    assert history(child) == 1
    with committed(django_capture_on_commit_callbacks) as callbacks:
        record_return(
            investigator,
            episode,
            days_ago(2, 9),
            found_at=hotel,
            found_with=[family["suspect"]],
        )
    # One re-screen for the event, links, participants and place it wrote.
    assert len(callbacks) == 1
    row = current(child)
    assert row is not None and row.level == "high" and history(child) == 2
    codes = {obs["code"] for item in row.reasons for obs in item["observations"]}
    assert {"WS-FAM-FOUND-AT-LOCATION-OF-CONCERN", "WS-FAM-RISKY-ADULTS"} <= codes


def test_a_write_that_changes_nothing_screening_reads_stores_nothing(
    investigator: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    child = family["kayleigh"]
    with committed(django_capture_on_commit_callbacks):
        EventFactory(acting_user=investigator, occurred_at=days_ago(4), people=[(child, "subject")])
    assert history(child) == 1
    with committed(django_capture_on_commit_callbacks):
        EventFactory(acting_user=investigator, occurred_at=days_ago(3), people=[(child, "subject")])
    assert history(child) == 1


def test_a_rolled_back_write_rescreens_no_one_and_the_next_one_still_does(
    investigator: Any, family: dict[str, Any], django_capture_on_commit_callbacks: Capture
) -> None:
    child = family["kayleigh"]
    with committed(django_capture_on_commit_callbacks) as callbacks:
        try:
            with transaction.atomic():
                people_services.link_create(
                    acting_user=investigator,
                    link_type="associate_of",
                    source_entity=family["suspect"],
                    target_entity=child,
                    source="x",
                )
                raise RuntimeError("the user's write failed")
        except RuntimeError:
            pass
        people_services.link_create(
            acting_user=investigator,
            link_type="partner_of",
            source_entity=family["suspect"],
            target_entity=family["housemate"],
            source="Patrol sighting",
            last_seen=today() - timedelta(days=1),
        )
    # The rolled-back link is not there to count (the family's records, written earlier in
    # this test's transaction, were screened with the rest).
    kayleigh = current(child)
    assert callbacks and (kayleigh is None or kayleigh.rank == 0)
    row = current(family["housemate"])
    assert row is not None and row.rank >= 2


def test_a_child_the_writer_cannot_see_is_rescreened_by_the_system(
    investigator: Any,
    partner: Any,
    family: dict[str, Any],
    django_capture_on_commit_callbacks: Capture,
) -> None:
    from vigil.safeguarding.triggers import rescreen_children

    child = family["kayleigh"]
    EventFactory(
        acting_user=investigator,
        occurred_at=days_ago(5),
        people=[(child, "victim"), (family["suspect"], "suspect")],
    )
    assert rescreen_children([child.pk, family["mother"].pk], acting_user=partner, reason="x")
    row = current(child)
    assert row is not None and row.triggered_by is None and row.rank >= 2
    assert current(family["mother"]) is None


def test_a_network_run_rescreens_the_children_of_its_groups(
    investigator: Any, family: dict[str, Any]
) -> None:
    from vigil.safeguarding.triggers import rescreen_group_members

    child, adult = family["kayleigh"], family["suspect"]
    candidates = [{"members": [f"person:{child.pk}", f"person:{adult.pk}", "phone:3"]}]
    assert rescreen_group_members(candidates) == 1
    row = current(child)
    assert row is not None and row.trigger == "Network analysis run"
    assert current(adult) is None
    assert rescreen_group_members(candidates) == 0  # nothing changed: nothing stored


def test_a_rolled_back_transaction_leaves_nothing_for_the_next(
    investigator: Any, colleague: Any, family: dict[str, Any]
) -> None:
    """A write rolled back with its whole transaction must not lend its user or its records
    to the next transaction's re-screen."""
    with transaction.atomic():
        triggers.records_changed(investigator, [family["kayleigh"]])
        first = triggers._local.batch
    # Simulate the rollback of that transaction: its callbacks are gone.
    transaction.get_connection().run_on_commit = [
        entry
        for entry in transaction.get_connection().run_on_commit
        if getattr(entry[1], "__self__", None) is not first
    ]
    triggers.records_changed(colleague, [family["tyler"]])
    second = triggers._local.batch
    assert second is not first
    assert second.acting_user == colleague and second.people == {family["tyler"].pk}
