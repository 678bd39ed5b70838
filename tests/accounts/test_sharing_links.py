"""The sharing link on every record's page (person, object, location, event): offered to the
record's owning agency through the one permission layer, leading to the share page that
records the decision; never offered to a partner the record was shared with."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import EventFactory, LocationFactory, PersonFactory, PhoneFactory
from vigil.accounts import services
from vigil.accounts.models import SharingDecision


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make(kind: str, owner: Any) -> tuple[Any, str]:
    if kind == "person":
        return PersonFactory(acting_user=owner), "person_detail"
    if kind == "object":
        return PhoneFactory(acting_user=owner), "object_detail"
    if kind == "location":
        return LocationFactory(acting_user=owner, name="Station Hotel"), "location_detail"
    child = PersonFactory(acting_user=owner)
    return EventFactory(acting_user=owner, people=[(child, "subject")]), "event_detail"


KINDS = ["person", "object", "location", "event"]


@pytest.mark.parametrize("kind", KINDS)
def test_the_owner_shares_from_the_records_page(
    investigator: Any, partner: Any, council: Any, kind: str
) -> None:
    record, page = make(kind, investigator)
    client = signed_in(investigator)
    html = client.get(reverse(page, args=[record.pk])).content.decode()
    share_url = reverse("record_share", args=[kind, record.pk])
    assert f'href="{share_url}"' in html
    assert reverse("record_access", args=[kind, record.pk]) in html
    assert "Not shared with other agencies." in html
    response = client.post(
        share_url, {"agency": council.pk, "lawful_basis": "ca1989_s47", "scope": "Strategy"}
    )
    assert response.status_code == 302
    decision = SharingDecision.objects.get()
    assert (decision.record_id, decision.agency) == (record.pk, council)
    page_html = client.get(reverse(page, args=[record.pk])).content.decode()
    assert escape(f"Shared with {council}") in page_html
    # The partner now sees the record, and is not offered to share it onwards.
    partner_html = signed_in(partner).get(reverse(page, args=[record.pk])).content.decode()
    assert f'href="{share_url}"' not in partner_html


@pytest.mark.parametrize("kind", KINDS)
def test_a_restricted_record_offers_no_sharing(investigator: Any, kind: str) -> None:
    record, page = make(kind, investigator)
    services.restrict_record(acting_user=investigator, record=record, reason="Staff relative")
    html = signed_in(investigator).get(reverse(page, args=[record.pk])).content.decode()
    assert "Restricted" in html
    assert reverse("record_share", args=[kind, record.pk]) not in html
