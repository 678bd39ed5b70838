"""The stored "missing together" links (issue 7, round 3): kept by the services and the import
in their own transaction, equal to a rebuild from scratch, and read only as far as the user
may see both children and what they shared."""

from __future__ import annotations

from datetime import date, timedelta
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from tests.factories import LocationFactory, PersonFactory, VehicleFactory
from tests.missing.conftest import record_return, report
from tests.missing.test_import import ROWS, csv_text
from tests.missing.test_list_queries import NOW, _reference_pairs, crowd  # noqa: F401
from vigil.accounts.services import restrict_record
from vigil.missing import selectors
from vigil.missing.imports import import_missing_export
from vigil.missing.models import MissingEpisode, MissingTogetherLink
from vigil.missing.together import rebuild_together_links, refresh_together_links

pytestmark = pytest.mark.django_db


def _stored() -> set[tuple[Any, ...]]:
    return set(
        MissingTogetherLink.objects.values_list(
            "earlier_id", "later_id", "kind", "place_id", "person_id", "vehicle_id"
        )
    )


def _child(user: Any, name: str) -> Any:
    return PersonFactory(
        acting_user=user, given_names=name, family_name="Test", date_of_birth=date(2011, 1, 1)
    )


def test_links_kept_by_the_services_are_those_a_rebuild_makes(
    investigator: Any,
    crowd: dict[str, Any],  # noqa: F811
) -> None:
    kept = _stored()
    assert {kind for _, _, kind, *_ in kept} == {"place", "with", "each other"}
    assert rebuild_together_links() == len(kept)
    assert _stored() == kept
    pairs = selectors._together_pairs(investigator, NOW)
    assert {(p.children, tuple(sorted(p.episodes))) for p in pairs} == _reference_pairs(NOW)
    # Pairs are read at the reader's "now": before Amy's open episode began, Gus (found with
    # her) had nobody to go missing with; her open episode runs on after it.
    amy_open = MissingEpisode.objects.get(child=crowd["Amy"], returned_at=None)
    before = selectors._together_pairs(investigator, amy_open.reported_missing_at)
    assert str(crowd["Gus"].pk) not in {child for p in before for child in p.children}
    later = NOW + timedelta(days=20)
    assert {(p.children, tuple(sorted(p.episodes))) for p in selectors._together_pairs(
        investigator, later
    )} == _reference_pairs(later)  # fmt: skip


def test_a_return_links_the_episodes_it_now_shares_something_with(investigator: Any) -> None:
    start = timezone.now() - timedelta(days=2)
    amy, ben, cal = (_child(investigator, name) for name in ("Amy", "Ben", "Cal"))
    car = VehicleFactory(acting_user=investigator, vrm="AB12 CDE")
    first = report(investigator, amy, start)
    second = report(investigator, ben, start + timedelta(hours=1))
    assert _stored() == set()  # overlapping, nothing shared yet
    record_return(investigator, first, start + timedelta(hours=5), vehicles=[car])
    assert _stored() == set()
    record_return(investigator, second, start + timedelta(hours=6), vehicles=[car])
    assert _stored() == {(first.pk, second.pk, "vehicle", None, None, car.pk)}
    # Cal goes missing after both returned and is found with Amy: no overlap, no link.
    third = report(investigator, cal, start + timedelta(hours=10))
    record_return(investigator, third, start + timedelta(hours=12), found_with=[amy])
    assert _stored() == {(first.pk, second.pk, "vehicle", None, None, car.pk)}
    # Refreshing changes nothing that is already right.
    refresh_together_links([first.pk, second.pk, third.pk])
    assert _stored() == {(first.pk, second.pk, "vehicle", None, None, car.pk)}


def test_the_import_stores_links_all_or_nothing_and_a_reimport_changes_none(
    investigator: Any,
) -> None:
    result = import_missing_export(
        acting_user=investigator, text=csv_text(*ROWS), filename="export.csv"
    )
    assert not result.errors
    kayleigh = MissingEpisode.objects.get(external_reference="MIS/0533")
    chloe = MissingEpisode.objects.get(external_reference="MIS/0600")
    # Kayleigh was found with Chloe while Chloe was still missing: "each other".
    assert _stored() == {(kayleigh.pk, chloe.pk, "each other", None, None, None)}
    import_missing_export(acting_user=investigator, text=csv_text(*ROWS), filename="export.csv")
    assert _stored() == {(kayleigh.pk, chloe.pk, "each other", None, None, None)}
    bad = import_missing_export(
        acting_user=investigator,
        text=csv_text(ROWS[0].replace("MIS/0412", "MIS/0999"), "not,a,row"),
        filename="bad.csv",
    )
    assert bad.errors and MissingEpisode.objects.count() == 3
    assert _stored() == {(kayleigh.pk, chloe.pk, "each other", None, None, None)}
    assert rebuild_together_links() == 1
    MissingTogetherLink.objects.all().delete()  # as if loaded around the services
    out = StringIO()
    call_command("missing", "rebuild-together", "--user", "investigator", stdout=out)
    assert out.getvalue().strip() == "1 missing-together links stored"
    assert _stored() == {(kayleigh.pk, chloe.pk, "each other", None, None, None)}


def test_a_pair_made_only_by_a_hidden_place_is_neither_shown_nor_counted(
    investigator: Any, colleague: Any
) -> None:
    start = timezone.now() - timedelta(days=3)
    hotel = LocationFactory(acting_user=investigator, name="Hidden Hotel", premises_type="hotel")
    park = LocationFactory(acting_user=investigator, name="Open Park", premises_type="park")
    amy, ben = _child(investigator, "Amy"), _child(investigator, "Ben")
    for kid, hours in ((amy, 0), (ben, 1)):
        episode = report(investigator, kid, start + timedelta(hours=hours))
        record_return(investigator, episode, start + timedelta(hours=6), found_at=hotel)
    restrict_record(acting_user=investigator, record=hotel, reason="Covert operation")
    assert [len(g.children) for g in selectors.missing_together_page(investigator).object_list] == [
        2
    ]
    assert selectors.missing_together_page(colleague).paginator.count == 0
    assert selectors.missing_together_groups(colleague, child=amy) == ([], [])
    # Found at the same open park as well: the colleague sees the pair, by the park alone.
    for kid, hours in ((amy, 24), (ben, 25)):
        episode = report(investigator, kid, start + timedelta(hours=hours))
        record_return(investigator, episode, start + timedelta(hours=30), found_at=park)
    _, mine = selectors.missing_together_groups(colleague, child=amy)
    assert [(v.other.pk, len(v.episodes), v.shared) for v in mine] == [
        (ben.pk, 1, [f"found at {park}"])
    ]
