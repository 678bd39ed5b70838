"""The disruption demo builds on the Northshire demo through the services, and is idempotent."""

from __future__ import annotations

import pytest

from vigil.disruption import selectors
from vigil.disruption.demo import build_disruption_demo
from vigil.disruption.models import HotelInformationNotice
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = pytest.mark.django_db


def test_demo_notice_is_served_with_a_return_overdue() -> None:
    users = build_demo_area()["users"]
    records = build_disruption_demo(DEMO_PASSWORD)
    notice = records["hotel_notice"]
    assert notice.issuing_officer == users["supervisor"]
    assert [item.notice for item in selectors.overdue_returns(users["investigator"])] == [notice]
    assert [n.pk for n in selectors.operator_notice_list(records["operator"])] == [notice.pk]
    build_disruption_demo(DEMO_PASSWORD)
    assert HotelInformationNotice.objects.count() == 1
