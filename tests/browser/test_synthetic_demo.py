"""The demo with a synthetic force area loaded: an investigator finds a planted victim by the
nickname friends use, and her record shows what the planted case left behind: the nickname,
missing episodes, warning signs recorded as concerns and as screening observations, and the
offender she was seen with."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.people.models import Event, Person
from vigil.safeguarding.models import Observation
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area
from vigil.synthetic.loader import load_synthetic_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_planted_victim_is_found_by_nickname(page: Any, live_server: Any) -> None:
    build_demo_area()
    truth = load_synthetic_area(people=600, seed=4).truth
    network = next(n for n in truth["networks"] if n["type"] == "boyfriend_model")
    # A victim with a warning sign recorded on the record the search finds.
    victim = Person.objects.get(
        pk=next(v for v in network["victims"] if Observation.objects.filter(child=v).exists())
    )
    observation = Observation.objects.filter(child=victim).first()
    assert observation is not None
    nickname = truth["nicknames"][str(victim.pk)]
    offenders = Person.objects.filter(pk__in=network["offenders"])
    concern = (
        Event.objects.filter(event_type="concern", involved_people__person=victim)
        .order_by("-occurred_at")
        .first()
    )
    assert concern is not None

    sign_in(page, "investigator", DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Welcome, Sam Okafor")).to_be_visible()
    page.get_by_label("Quick search").fill(f"{nickname} {victim.family_name}")
    page.get_by_role("button", name="Search").click()
    results = page.locator("#people-results")
    link = results.locator(f"a[href='/people/{victim.pk}/']")
    assert link.inner_text() == victim.full_name

    link.click()
    assert page.locator("#person-name").inner_text() == victim.full_name
    expect(page.locator("#other-names").get_by_text(nickname)).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline.get_by_text(concern.summary).first).to_be_visible()
    expect(timeline.get_by_text("Missing from").first).to_be_visible()
    # The screening panel shows the recorded warning sign behind her level.
    expect(page.get_by_text(observation.label).first).to_be_visible()
    assert any(
        page.get_by_role("link", name=offender.full_name).count() for offender in offenders
    ), "the offender she was seen with is linked from her record"

    # The dashboard lists her among the investigator's recent records.
    page.get_by_role("link", name="Home").first.click()
    expect(page.get_by_role("link", name=victim.full_name).first).to_be_visible()
