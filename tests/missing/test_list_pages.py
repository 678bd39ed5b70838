"""The missing list pages a page at a time (issue 7 at force scale): "Showing 1 to 50 of N",
GOV.UK pagination that keeps the filters, only the page's rows read and audited, and the
counts made in the database agreeing with the pure rules at their edges."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from tests.factories import LocationFactory, PersonFactory
from tests.missing.conftest import at, record_return, report
from vigil.accounts.services import restrict_record
from vigil.audit.models import Action, AuditEntry
from vigil.core.missing import episodes_in_window, missing_policy, missing_trend
from vigil.missing import selectors
from vigil.missing.models import MissingEpisode

pytestmark = pytest.mark.django_db


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _child(user: Any, name: str, **extra: Any) -> Any:
    return PersonFactory(
        acting_user=user,
        given_names=name,
        family_name="Test",
        date_of_birth=date(2011, 1, 1),
        **extra,
    )


def _consulted(person: Any, after: int) -> bool:
    return AuditEntry.objects.filter(
        pk__gt=after, action=Action.CONSULTATION, object_type="person", object_id=str(person.pk)
    ).exists()


@pytest.fixture
def small_pages(monkeypatch: pytest.MonkeyPatch) -> int:
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    monkeypatch.setattr(selectors, "TOGETHER_PAGE_SIZE", 2)
    return 2


def test_missing_now_pages_and_audits_only_the_page(investigator: Any, small_pages: int) -> None:
    now = timezone.now()
    kids = [_child(investigator, name) for name in ("Amy", "Ben", "Cal")]
    for hours, kid in zip((30, 20, 10), kids, strict=True):
        report(investigator, kid, now - timedelta(hours=hours))
    mark = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    client = client_for(investigator)
    first = client.get(reverse("missing_now")).content.decode()
    assert "Amy Test" in first and "Ben Test" in first and "Cal Test" not in first
    assert "Showing <b>1</b> to <b>2</b> of <b>3</b> children" in first
    assert "3 children missing" in first and 'rel="next"' in first and "?page=2" in first
    assert _consulted(kids[0], mark) and not _consulted(kids[2], mark)
    second = client.get(reverse("missing_now"), {"page": "2"}).content.decode()
    assert "Cal Test" in second and "Amy Test" not in second and 'rel="prev"' in second
    assert "Showing <b>3</b> to <b>3</b> of <b>3</b> children" in second
    # Not a page number: the first page; past the end: the last.
    assert "Amy Test" in client.get(reverse("missing_now"), {"page": "x"}).content.decode()
    assert "Cal Test" in client.get(reverse("missing_now"), {"page": "99"}).content.decode()


def test_interview_pages_keep_the_filters(investigator: Any, small_pages: int) -> None:
    now = timezone.now()
    for n, name in enumerate(("Amy", "Ben", "Cal")):
        episode = report(investigator, _child(investigator, name), now - timedelta(days=3 + n))
        record_return(investigator, episode, now - timedelta(days=2 + n))
    text = (
        client_for(investigator)
        .get(reverse("missing_interviews"), {"show": "open", "area": ""})
        .content.decode()
    )
    assert "Showing <b>1</b> to <b>2</b> of <b>3</b> interviews" in text
    assert "?show=open&amp;area=&amp;page=2" in text
    page = selectors.interviews_page(investigator, show="open", page=2)
    assert (page.number, page.paginator.count, len(page.object_list), page.has_next()) == (
        2,
        3,
        1,
        False,
    )


def test_repeat_missing_counts_in_the_database_as_the_rule_does_at_its_edges(
    investigator: Any,
) -> None:
    policy = missing_policy()
    window = timedelta(days=policy.repeat_window_days)
    now = at(2026, 6, 1, 12)
    second = timedelta(seconds=1)
    edges = [
        # Exactly a window before now is outside; a second later is inside.
        [now - window, now - window + second, now - timedelta(days=1), now],
        # Exactly two windows before is outside the window before too.
        [now - 2 * window, now - window - second, now - window, now - second],
        [now - timedelta(days=d) for d in range(policy.repeat_episodes)],
        [now - timedelta(days=d) for d in range(policy.repeat_episodes - 1)],
    ]
    kids = []
    for n, times in enumerate(edges):
        kid = _child(investigator, f"Kid{n}")
        kids.append((kid, times))
        for moment in times:
            record_return(investigator, report(investigator, kid, moment), moment + second)
    report(investigator, kids[0][0], now + timedelta(days=1))  # after now: not counted
    rows = {row.child.pk: row for row in selectors.repeat_missing(investigator, now=now)}
    for kid, times in kids:
        count = episodes_in_window(times, now, policy.repeat_window_days)
        if count < policy.repeat_episodes:
            assert kid.pk not in rows
            continue
        row = rows[kid.pk]
        assert row.count == count
        assert row.trend == missing_trend(times, now, policy.repeat_window_days)
        assert row.last_reported == max(t for t in times if t > now - 2 * window)
    page = selectors.repeat_missing_page(investigator, now=now)
    assert [row.child.pk for row in page.object_list] == list(rows)
    assert page.paginator.count == len(rows)


def test_where_found_cuts_the_people_found_with_in_the_database(
    investigator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(selectors, "WHERE_FOUND_NAMES", 2)
    now = timezone.now()
    hotel = LocationFactory(acting_user=investigator, name="Hotel", premises_type="hotel")
    adults = [_child(investigator, name) for name in ("Zed", "Abe", "Mo")]
    found = [[adults[0]], [adults[0], adults[1]], [adults[2]], [adults[0], adults[2]]]
    for n, with_ in enumerate(found):
        kid = _child(investigator, f"Kid{n}")
        start = now - timedelta(days=10 + n)
        episode = report(investigator, kid, start)
        record_return(investigator, episode, start + timedelta(hours=3), found_at=hotel,
                      found_with=with_)  # fmt: skip
    row = selectors.where_found_page(investigator).object_list[0]
    # Most often first, then by name; all three counted.
    assert [(p.given_names, n) for p, n in row.found_with] == [("Zed", 3), ("Mo", 2)]
    assert (row.found_with_count, row.more_found_with) == (3, 1)
    assert [c.given_names for c in row.children] == ["Kid0", "Kid1"]
    assert (row.children_count, row.more_children) == (4, 2)
    text = client_for(investigator).get(reverse("missing_where_found")).content.decode()
    assert "and 1 more" in text and "and 2 more (see the place)" in text


def test_missing_together_pages_groups_and_never_counts_a_hidden_child(
    investigator: Any, colleague: Any, small_pages: int
) -> None:
    now = timezone.now()
    day = now - timedelta(days=20)
    places = [LocationFactory(acting_user=investigator, name=f"Hotel {n}") for n in range(3)]
    kids = {}
    for n, place in enumerate(places):
        for name in (f"A{n}", f"B{n}"):
            kids[name] = _child(investigator, name)
            start = day + timedelta(days=n)
            episode = report(investigator, kids[name], start)
            record_return(investigator, episode, start + timedelta(hours=5), found_at=place)
    hidden = kids["A2"]
    restrict_record(acting_user=investigator, record=hidden, reason="Witness protection")
    page = selectors.missing_together_page(investigator)
    assert (page.paginator.count, len(page.object_list), page.paginator.num_pages) == (3, 2, 2)
    # The colleague cannot see A2: the pair with B2 is neither shown nor counted.
    seen = selectors.missing_together_page(colleague, page=2)
    assert (seen.paginator.count, seen.number, seen.paginator.num_pages) == (2, 1, 1)
    everyone = [child.pk for group in seen.object_list for child in group.children]
    assert hidden.pk not in everyone and kids["B2"].pk not in everyone
    text = client_for(colleague).get(reverse("missing_together")).content.decode()
    assert "Showing <b>1</b> to <b>2</b> of <b>2</b> peer groups" in text
    assert "A2 Test" not in text


def test_a_childs_panel_lists_who_they_went_missing_with(
    investigator: Any,
) -> None:
    now = timezone.now()
    hotel = LocationFactory(acting_user=investigator, name="Hotel")
    amy, ben = _child(investigator, "Amy"), _child(investigator, "Ben")
    for kid, hours in ((amy, 0), (ben, 2)):
        start = now - timedelta(days=3, hours=hours)
        record_return(
            investigator, report(investigator, kid, start), start + timedelta(hours=6),
            found_at=hotel,
        )  # fmt: skip
    summary = selectors.child_summary(investigator, amy)
    assert [(v.other.pk, v.shared) for v in summary.together] == [(ben.pk, [f"found at {hotel}"])]
    assert MissingEpisode.objects.count() == 2
