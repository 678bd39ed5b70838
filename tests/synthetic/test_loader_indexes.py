"""What the loader keeps besides the POLE rows, written in bulk: the "already known?" index of
every person it loads and the "missing together" links of its episodes. Each is compared with
the rows the per-save path writes (the people services' index hook; one refresh per episode
service call)."""

from __future__ import annotations

from contextlib import nullcontext
from pathlib import Path
from typing import Any

import pytest

from tests.linkage.index_rows import index_snapshot
from tests.synthetic.conftest import AS_OF
from vigil.linkage import services as linkage_services
from vigil.missing.models import MissingTogetherLink
from vigil.missing.together import rebuild_together_links
from vigil.people.models import Person
from vigil.synthetic import loader
from vigil.synthetic.loader import load_synthetic_area

SMALL = 600  # as in test_loader: every scenario type, quick to load


@pytest.fixture(autouse=True)
def _var_dir(settings: Any, tmp_path: Path) -> None:
    settings.VAR_DIR = tmp_path


def together_rows() -> set[tuple[Any, ...]]:
    return set(
        MissingTogetherLink.objects.values_list(
            "earlier_id", "later_id", "kind", "place_id", "person_id", "vehicle_id"
        )
    )


def test_every_loaded_person_is_indexed_as_the_per_save_hook_would(db: Any) -> None:
    load_synthetic_area(people=SMALL, seed=5, as_of=AS_OF, batch_size=250)
    bulk = index_snapshot()
    assert set(bulk) == set(Person.objects.values_list("pk", flat=True))
    # Homes and phones come from the area's links, as the hook reads them.
    assert any("postcode" in record for record, _, _ in bulk.values())
    assert any("phone" in record for record, _, _ in bulk.values())

    linkage_services.refresh_people_linkage(list(Person.objects.all()))
    assert index_snapshot() == bulk


@pytest.mark.parametrize("deferred", [True, False], ids=["deferred", "per-service-call"])
def test_missing_together_links_are_the_per_save_links(
    db: Any, monkeypatch: pytest.MonkeyPatch, deferred: bool
) -> None:
    """Deferred to one refresh at the end of the load, or refreshed by each service call as
    the screens do: either way the links are those recomputed from every episode at the end."""
    if not deferred:
        monkeypatch.setattr(loader, "together_links_deferred", nullcontext)
    load_synthetic_area(people=SMALL, seed=5, as_of=AS_OF, batch_size=250)
    kept = together_rows()
    assert kept  # planted children go missing together
    assert rebuild_together_links() == len(kept)
    assert together_rows() == kept
