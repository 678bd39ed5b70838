"""An analyst runs linkage, reviews a possible duplicate side by side, links the two records as
the same person, sees them on the person page, and unmerges them; and "already known?" suggests
the child while a user types her in."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from vigil.people import services
from vigil.synthetic.demo_area import DEMO_PASSWORD, build_demo_area

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def demo(settings: Any) -> dict[str, Any]:
    settings.VIGIL_LINKAGE_LAUNCHER = "inline"  # the run happens within the button's request
    area = build_demo_area()
    kayleigh = area["kayleigh"]
    # The missing-person team's record of the same child: a nickname and a misspelt surname.
    area["kay"] = services.person_create(
        acting_user=area["users"]["investigator"],
        given_names="Kay",
        family_name="Smyth",
        date_of_birth=kayleigh.date_of_birth,
        gender="female",
    )
    return area


def test_review_a_possible_duplicate_link_and_unmerge(page: Any, demo: Any) -> None:
    sign_in(page, "analyst", DEMO_PASSWORD)
    page.get_by_role("link", name="Possible duplicates").click()
    expect(page.get_by_role("heading", name="Possible duplicates")).to_be_visible()
    # The run happens inside this request (inline launcher): Splink's set-up takes seconds.
    page.get_by_role("button", name="Run linkage now").click(timeout=90_000)
    expect(page.get_by_text("Linkage run started")).to_be_visible()
    status = page.locator("#linkage-run [data-run-field=status_label]")
    assert status.inner_text() == "Finished"

    row = page.locator("#candidate-matches tr", has_text="Kay Smyth")
    assert "Kayleigh Smith" in row.locator("td").first.inner_text()
    row.get_by_role("link", name="Review").click()

    expect(page.get_by_role("heading", name="Are these the same person?")).to_be_visible()
    cards = page.locator("#side-by-side")
    expect(cards.get_by_role("link", name="Kayleigh Smith")).to_be_visible()
    expect(cards.get_by_role("link", name="Kay Smyth")).to_be_visible()
    assert cards.locator(".govuk-tag--green").first.is_visible()  # date of birth agrees
    assert (
        page.locator("#evidence")
        .get_by_text("Given name nickname or spelling variant")
        .is_visible()
    )

    page.get_by_label("Not the same person: never suggest this pair again").check()
    page.get_by_role("button", name="Save decision").click()
    # expect() waits for the page the click submitted; is_visible() would race it.
    expect(
        page.locator(".govuk-error-summary").get_by_text("Say why these are not the same person")
    ).to_be_visible()

    page.get_by_label("Same person: link these records").check()
    page.get_by_label("Why?").fill("Same date of birth; Kay is her nickname at school")
    page.get_by_role("button", name="Save decision").click()
    expect(page.get_by_text("Linked as the same person")).to_be_visible()

    page.goto(f"/people/{demo['kay'].pk}/")
    panel = page.locator("#panel-same-person")
    expect(panel.get_by_role("link", name="Kayleigh Smith")).to_be_visible()
    panel.get_by_role("link", name="Unmerge").click()
    page.get_by_role("button", name="Unmerge").click()
    expect(page.locator(".govuk-error-summary")).to_be_visible()
    page.get_by_label("Why are these not the same person?").fill("Checked with school: twins")
    page.get_by_role("button", name="Unmerge").click()
    expect(page.get_by_text("is no longer linked to other records")).to_be_visible()
    assert page.locator("#panel-same-person").count() == 0


def test_already_known_while_adding_a_person(page: Any, demo: Any) -> None:
    sign_in(page, "investigator", DEMO_PASSWORD)
    page.goto("/people/new/")
    page.get_by_label("Given names").fill("Kaylee")
    page.get_by_label("Family name").fill("Smith")
    born = demo["kayleigh"].date_of_birth
    page.get_by_label("Day").fill(str(born.day))
    page.get_by_label("Month").fill(str(born.month))
    page.get_by_label("Year").fill(str(born.year))
    suggestions = page.locator("[data-already-known-results]")
    suggestions.get_by_role("heading", name="Already known?").wait_for()  # as the user types
    expect(suggestions.get_by_role("link", name="Kayleigh Smith")).to_be_visible()
