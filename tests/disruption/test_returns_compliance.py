"""Hotel returns beyond the portal (issue 9): an officer enters a return received on paper or by
email, checked and stored like an online one and marked as entered by them; officers see
compliance per notice (on time, late, missing) for daily, weekly and monthly returns, and late
or missing returns reach the officers' lists (the due page, the dashboard)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.disruption.conftest import days_ago, issue_hotel_notice
from vigil.accounts.models import User
from vigil.audit.models import Action, AuditEntry
from vigil.core.disruption import add_months
from vigil.disruption import selectors, services
from vigil.disruption.models import (
    HotelInformationNotice,
    HotelReturn,
    HotelReturnTask,
    ReturnMethod,
)
from vigil.people.models import Location

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return " ".join(response.content.decode().split())


def date_fields(name: str, day: date) -> dict[str, str]:
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def paper_post(period_start: date, received: date, **guest: str) -> dict[str, str]:
    data = {
        "period": period_start.isoformat(),
        "method": "paper",
        **date_fields("received_on", received),
        "guest-TOTAL_FORMS": "1",
        "guest-INITIAL_FORMS": "0",
        "guest-MIN_NUM_FORMS": "1",
        "guest-MAX_NUM_FORMS": "50",
        "guest-0-guest_name": "Jason Cole",
        "guest-0-address": "9 Canal Street",
        "guest-0-town": "Northam",
        "guest-0-postcode": "NE4 5XY",
        **date_fields("guest-0-arrived_on", period_start),
        "guest-0-vehicle_registration": "AB12 CDE",
    }
    data.update({f"guest-0-{k}": v for k, v in guest.items()})
    return data


def at(day: date, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


# --- Paper and emailed returns ----------------------------------------------------------------


def test_an_officer_enters_a_paper_return_judged_on_the_day_received(
    notice: HotelInformationNotice, investigator: User
) -> None:
    first = selectors.compliance(notice)[0].period
    assert first.due_on < timezone.localdate()  # entered after it was due...
    client = client_for(investigator)
    page = text(client.get(notice.get_absolute_url()))
    assert "Enter a return received on paper or by email" in page
    response = client.post(
        reverse("hotel_return_enter", args=[notice.pk]), paper_post(first.start, first.due_on)
    )
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    hotel_return = HotelReturn.objects.get()
    assert hotel_return.method == ReturnMethod.PAPER and hotel_return.entered_by_officer
    assert hotel_return.submitted_by == investigator and hotel_return.received_on == first.due_on
    assert hotel_return.guests.get().vehicle_registration == "AB12 CDE"
    # ...but received on the day it was due: on time.
    assert selectors.compliance(notice)[0].state == "on_time"
    page = text(client.get(notice.get_absolute_url()))
    assert "on paper, entered by an officer" in page and "Jason Cole" in page
    entry = AuditEntry.objects.get(action=Action.COLLECTION, object_type="hotelreturn")
    assert entry.detail["method"] == "paper"
    assert entry.detail["received_on"] == first.due_on.isoformat()


def test_a_paper_return_received_after_its_due_date_is_late(
    notice: HotelInformationNotice, investigator: User
) -> None:
    first = selectors.compliance(notice)[0].period
    services.hotel_return_submit(
        acting_user=investigator,
        notice=notice,
        period_start=first.start,
        guests=[],
        nil_return=True,
        method=ReturnMethod.EMAIL,
        received_on=first.due_on + timedelta(days=1),
    )
    assert selectors.compliance(notice)[0].state == "late"


def test_paper_return_bad_rows_save_nothing_and_show_errors(
    notice: HotelInformationNotice, investigator: User
) -> None:
    first = selectors.compliance(notice)[0].period
    url = reverse("hotel_return_enter", args=[notice.pk])
    client = client_for(investigator)
    page = text(client.post(url, paper_post(first.start, first.due_on, guest_name="Cole")))
    assert "Guest 1:" in page and "There is a problem" in page
    no_date = paper_post(first.start, first.due_on)
    del no_date["received_on_0"], no_date["received_on_1"], no_date["received_on_2"]
    assert "Date received" in text(client.post(url, no_date))
    early = paper_post(first.start, first.start - timedelta(days=1))
    assert "before its period starts" in text(client.post(url, early))
    assert not HotelReturn.objects.exists()


def test_only_the_police_enter_paper_returns(
    notice: HotelInformationNotice,
    operator_with_access: User,
    partner: User,
) -> None:
    url = reverse("hotel_return_enter", args=[notice.pk])
    assert client_for(operator_with_access).get(url).status_code == 404
    assert client_for(partner).get(url).status_code == 404
    first = selectors.compliance(notice)[0].period
    with pytest.raises(PermissionDenied):
        services.hotel_return_submit(
            acting_user=operator_with_access,
            notice=notice,
            period_start=first.start,
            guests=[],
            nil_return=True,
            method=ReturnMethod.PAPER,
            received_on=first.due_on,
        )
    with pytest.raises(ValidationError):
        services.hotel_return_submit(
            acting_user=operator_with_access,
            notice=notice,
            period_start=first.start,
            guests=[],
            nil_return=True,
            received_on=first.due_on,  # only a paper or emailed return has one
        )
    assert not HotelReturn.objects.exists()


# --- Compliance by frequency ------------------------------------------------------------------


def _submit(notice: HotelInformationNotice, operator: User, start: date, on: date) -> None:
    made = services.hotel_return_submit(
        acting_user=operator, notice=notice, period_start=start, guests=[], nil_return=True
    )
    HotelReturn.objects.filter(pk=made.pk).update(submitted_at=at(on))


@pytest.mark.parametrize(
    ("frequency", "issued_days_ago", "step"),
    [("daily", 6, timedelta(days=1)), ("weekly", 30, timedelta(days=7)), ("monthly", 100, None)],
)
def test_compliance_on_time_late_and_missing_for_each_frequency(
    frequency: str,
    issued_days_ago: int,
    step: timedelta | None,
    investigator: User,
    inspector: User,
    hotel: Location,
    operator_with_access: User,
) -> None:
    notice = issue_hotel_notice(
        drafter=investigator,
        issuer=inspector,
        premises=hotel,
        issued_days_ago=issued_days_ago,
        frequency=frequency,
    )
    rows = selectors.compliance(notice)
    start = days_ago(issued_days_ago)
    for index, row in enumerate(rows[:3]):
        expected_start = add_months(start, index) if step is None else start + step * index
        assert row.period.start == expected_start
        assert row.period.due_on == row.period.end + timedelta(days=2)  # policy grace
    on_time, late, missing = rows[0], rows[1], rows[2]
    _submit(notice, operator_with_access, on_time.period.start, on_time.period.due_on)
    _submit(notice, operator_with_access, late.period.start, late.period.due_on + timedelta(1))
    states = [row.state for row in selectors.compliance(notice)]
    assert states[:3] == ["on_time", "late", "missing"]
    assert missing.period.due_on < timezone.localdate()

    # The officers' list of overdue returns (the due page and the dashboard) names the missing
    # period; the dashboard also names a late one received in the last 30 days (policy).
    overdue = selectors.overdue_returns(investigator)
    assert [item.notice for item in overdue] == [notice]
    assert missing.period.start in [row.period.start for row in overdue[0].missing]
    alerts = selectors.dashboard_alerts(investigator).returns
    recent = late.period.due_on + timedelta(1) >= days_ago(30)
    assert [row.period.start for row in alerts[0].late] == ([late.period.start] if recent else [])
    page = text(client_for(investigator).get(notice.get_absolute_url()))
    assert "On time" in page and "Late" in page and "Missing" in page
    due_page = text(client_for(investigator).get(reverse("disruption_due")))
    assert notice.code in due_page


# --- Follow-up tasks --------------------------------------------------------------------------


def test_missing_returns_raise_a_task_once_and_a_late_return_closes_it_and_raises_another(
    notice: HotelInformationNotice, investigator: User, operator_with_access: User
) -> None:
    missing = [row for row in selectors.compliance(notice) if row.state == "missing"]
    assert len(missing) == 2
    assert services.hotel_return_tasks_raise() == 2
    assert services.hotel_return_tasks_raise() == 0  # once per period
    tasks = selectors.open_return_tasks(investigator)
    assert [(t.reason, t.period_start) for t in tasks] == [
        ("missing", row.period.start) for row in missing
    ]
    # The first missing return arrives (late): its task closes itself and a 'late' one is raised.
    services.hotel_return_submit(
        acting_user=operator_with_access,
        notice=notice,
        period_start=missing[0].period.start,
        guests=[],
        nil_return=True,
    )
    open_now = {(t.reason, t.period_start) for t in selectors.open_return_tasks(investigator)}
    assert open_now == {("late", missing[0].period.start), ("missing", missing[1].period.start)}
    closed = HotelReturnTask.objects.get(reason="missing", period_start=missing[0].period.start)
    assert closed.outcome == "return_received" and closed.closed_at is not None
    assert AuditEntry.objects.filter(object_type="hotelreturntask").count() == 3


def test_an_officer_follows_up_and_closes_a_task(
    notice: HotelInformationNotice, investigator: User, partner: User
) -> None:
    services.hotel_return_tasks_raise()
    task = selectors.open_return_tasks(investigator)[0]
    client = client_for(investigator)
    for page in (notice.get_absolute_url(), reverse("disruption_due"), reverse("home")):
        assert "Return missing" in text(client.get(page)), page
    url = reverse("hotel_return_task_close", args=[task.pk])
    refused = client.post(url, {"outcome": "no_further_action", "note": ""}, follow=True)
    assert "Say why no further action is needed" in text(refused)
    assert client.get(url).status_code == 405
    assert client_for(partner).post(url, {"outcome": "operator_contacted"}).status_code == 404
    response = client.post(url, {"outcome": "operator_contacted", "note": "Phoned the manager"})
    assert response.status_code == 302 and response["Location"] == notice.get_absolute_url()
    task.refresh_from_db()
    assert task.closed_by == investigator and task.outcome == "operator_contacted"
    assert task not in selectors.open_return_tasks(investigator)
    entry = AuditEntry.objects.get(object_type="hotelreturntask", action=Action.ALTERATION)
    assert entry.detail["outcome"] == "operator_contacted"


def test_the_nightly_command_raises_tasks(notice: HotelInformationNotice) -> None:
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("hotel-return-tasks", stdout=out)
    assert "2 follow-up tasks raised" in out.getvalue()
