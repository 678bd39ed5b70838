"""Sharing a record with a partner agency: a recorded decision (who, when, lawful basis,
what), withdrawable, audited as a disclosure; handling code C blocks sharing outside its
conditions."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from tests.factories import IntelligenceReportFactory, PersonFactory
from vigil.accounts import services
from vigil.accounts.access import can_change_record, can_see_record, visible_records
from vigil.accounts.models import Agency, AgencyKind, SharingDecision
from vigil.audit.models import Action, AuditEntry
from vigil.people import selectors
from vigil.people.models import Person


def share(investigator: Any, record: Any, agency: Any, **extra: Any) -> SharingDecision:
    return services.share_record(
        acting_user=investigator,
        record=record,
        agency=agency,
        lawful_basis=extra.pop("lawful_basis", "ca1989_s47"),
        scope=extra.pop("scope", "For the strategy discussion"),
        **extra,
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_partner_sees_a_record_only_once_it_is_shared(investigator, partner, council):
    child = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    assert not can_see_record(partner, child)
    assert selectors.search(partner, text="Kayleigh").people == []
    share(investigator, child, council)
    assert can_see_record(partner, child)
    assert [hit.person for hit in selectors.search(partner, text="Kayleigh").people] == [child]
    # Sharing gives sight, not the pen.
    assert not can_change_record(partner, child)


def test_withdrawing_ends_access_at_once_and_keeps_the_history(investigator, partner, council):
    child = PersonFactory(acting_user=investigator)
    decision = share(investigator, child, council)
    services.withdraw_sharing(acting_user=investigator, decision=decision, reason="Consent gone")
    assert not can_see_record(partner, child)
    assert not visible_records(partner, Person.objects.all()).exists()
    decision.refresh_from_db()
    assert (decision.withdrawn_by, decision.withdrawal_reason) == (investigator, "Consent gone")
    # It can be shared again later: a new decision.
    share(investigator, child, council)
    assert SharingDecision.objects.filter(record_id=child.pk).count() == 2


def test_sharing_is_audited_as_a_disclosure_with_recipient_and_basis(investigator, council):
    child = PersonFactory(acting_user=investigator)
    share(investigator, child, council, scope="Chronology for the MASH")
    entry = AuditEntry.objects.get(action=Action.DISCLOSURE)
    assert (entry.object_type, entry.object_id) == ("person", str(child.pk))
    assert entry.recipients == str(council)
    assert "Children Act 1989 s47" in entry.justification
    assert "Chronology for the MASH" in entry.justification


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"lawful_basis": "because"}, "lawful_basis"),
        ({"scope": "  "}, "scope"),
    ],
)
def test_a_sharing_decision_needs_a_basis_and_a_scope(investigator, council, changes, field):
    child = PersonFactory(acting_user=investigator)
    with pytest.raises(ValidationError) as error:
        share(investigator, child, council, **changes)
    assert field in error.value.message_dict
    assert not SharingDecision.objects.exists()
    assert not AuditEntry.objects.filter(action=Action.DISCLOSURE).exists()


def test_only_the_owning_agency_shares(investigator, colleague, partner, other_force_officer):
    child = PersonFactory(acting_user=investigator)
    share(investigator, child, partner.agency)
    for user in (partner, other_force_officer):
        with pytest.raises(PermissionDenied):
            share(user, child, user.agency)
    share(colleague, child, other_force_officer.agency)  # a colleague in the owning agency


def test_never_with_a_hotel_twice_or_with_itself(investigator, council, police):
    hotel = Agency.objects.create(name="Station Hotel", kind=AgencyKind.PREMISES_OPERATOR)
    child = PersonFactory(acting_user=investigator)
    for agency in (hotel, police):
        with pytest.raises(ValidationError, match="agency"):
            share(investigator, child, agency)
    share(investigator, child, council)
    with pytest.raises(ValidationError, match="already shared"):
        share(investigator, child, council)


def test_a_restricted_record_cannot_be_shared(investigator, council):
    child = PersonFactory(acting_user=investigator)
    services.restrict_record(acting_user=investigator, record=child, reason="Staff relative")
    with pytest.raises(ValidationError, match="restricted"):
        share(investigator, child, council)


def test_handling_code_c_blocks_sharing_outside_its_conditions(investigator, partner, council):
    child = PersonFactory(acting_user=investigator)
    report = IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[child],
        handling_code="C",
        handling_conditions="Only to children's social care, not onward",
    )
    with pytest.raises(ValidationError) as error:
        share(investigator, report.event, council)
    assert "within_conditions" in error.value.message_dict
    assert not can_see_record(partner, report.event)
    decision = share(investigator, report.event, council, within_conditions=True)
    assert decision.conditions == "Only to children's social care, not onward"
    assert can_see_record(partner, report.event)


# --- Screens ------------------------------------------------------------------------------------


def test_share_page_records_the_decision(investigator, partner, council):
    child = PersonFactory(acting_user=investigator)
    client = signed_in(investigator)
    url = reverse("record_share", args=["person", child.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"agency": council.pk, "lawful_basis": "ca2004_s11", "scope": "Strategy meeting"}
    )
    assert response.status_code == 302
    page = client.get(reverse("record_access", args=["person", child.pk])).content.decode()
    assert escape(str(council)) in page and "Children Act 2004 s11" in page
    assert signed_in(partner).get(reverse("person_detail", args=[child.pk])).status_code == 200


def test_share_page_bad_input_names_each_field(investigator):
    child = PersonFactory(acting_user=investigator)
    response = signed_in(investigator).post(reverse("record_share", args=["person", child.pk]), {})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    for message in ("Select the agency to share with", "Select the lawful basis"):
        assert message in html
    assert not SharingDecision.objects.exists()


def test_code_c_share_page_shows_the_conditions(investigator, council):
    child = PersonFactory(acting_user=investigator)
    report = IntelligenceReportFactory(
        acting_user=investigator,
        subjects=[child],
        handling_code="C",
        handling_conditions="CSE team only",
    )
    client = signed_in(investigator)
    url = reverse("record_share", args=["event", report.event.pk])
    html = client.get(url).content.decode()
    assert "Share only within these conditions: CSE team only" in html
    response = client.post(
        url, {"agency": council.pk, "lawful_basis": "ca1989_s47", "scope": "Needed"}
    )
    assert "Confirm that sharing with this agency is within the handling conditions" in (
        response.content.decode()
    )
    assert not SharingDecision.objects.exists()


def test_withdraw_page(investigator, partner, council):
    child = PersonFactory(acting_user=investigator)
    decision = share(investigator, child, council)
    client = signed_in(investigator)
    url = reverse("record_withdraw", args=["person", child.pk])
    assert "There is a problem" in client.post(url, {"decision": decision.pk}).content.decode()
    response = client.post(url, {"decision": decision.pk, "reason": "Case closed"})
    assert response.status_code == 302
    assert not can_see_record(partner, child)


def test_partners_cannot_open_the_share_page_of_a_shared_record(investigator, partner, council):
    child = PersonFactory(acting_user=investigator)
    share(investigator, child, council)
    client = signed_in(partner)
    assert client.get(reverse("record_access", args=["person", child.pk])).status_code == 200
    assert client.get(reverse("record_share", args=["person", child.pk])).status_code == 403
    assert client.get(reverse("record_share", args=["nonsense", child.pk])).status_code == 404
