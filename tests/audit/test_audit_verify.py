"""`vigil audit verify` and the append-only triggers, on SQLite and PostgreSQL."""

from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction

from tests.factories import LocationFactory, PersonFactory, VehicleFactory
from vigil.audit.models import AuditEntry
from vigil.audit.services import verify_chain
from vigil.audit.triggers import TABLE, remove_triggers
from vigil.people import selectors, services

assert TABLE == "audit_auditentry"  # the raw SQL below names the table

CONTENT_COLUMNS = [
    "at",
    "user_id_at_time",
    "username",
    "agency",
    "role",
    "action",
    "object_type",
    "object_id",
    "justification",
    "recipients",
    "request_id",
    "source_ip",
    "detail",
    "previous_hash",
    "entry_hash",
]


@pytest.fixture
def chain(investigator: Any, colleague: Any) -> list[int]:
    """A few dozen entries of every kind: collection, alteration, consultation."""
    person = PersonFactory(acting_user=investigator, given_names="Kayleigh")
    VehicleFactory(acting_user=investigator)
    LocationFactory(acting_user=investigator)
    services.person_update(acting_user=colleague, person=person, expected_version=1, notes="x")
    selectors.get_visible(colleague, type(person), person.pk, justification="MASH strategy")
    selectors.search(colleague, text="Kayleigh")
    ids = list(AuditEntry.objects.order_by("id").values_list("id", flat=True))
    assert len(ids) >= 6
    return ids


def verify() -> str:
    out = StringIO()
    call_command("audit", "verify", stdout=out)
    return out.getvalue()


def raw(sql: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def test_verify_passes_on_an_intact_chain(chain):
    assert f"audit chain intact: {len(chain)} entries" in verify()


def test_verify_passes_on_an_empty_log(db):
    assert "audit chain intact: 0 entries" in verify()


def test_an_edited_justification_is_detected(chain):
    target = chain[4]
    remove_triggers(connection)  # a DBA with owner rights can drop the triggers
    raw("UPDATE audit_auditentry SET justification = %s WHERE id = %s", ["Nothing to see", target])
    with pytest.raises(CommandError, match=rf"^entry {target}: content does not match its hash"):
        verify()


def test_a_deleted_row_is_detected(chain):
    middle = chain[len(chain) // 2]
    remove_triggers(connection)
    raw("DELETE FROM audit_auditentry WHERE id = %s", [middle])
    following = chain[chain.index(middle) + 1]
    with pytest.raises(CommandError, match=rf"^entry {following}: previous-hash link broken"):
        verify()


def test_two_swapped_rows_are_detected(chain):
    first, second = chain[2], chain[3]
    rows = {
        row["id"]: row
        for row in AuditEntry.objects.filter(id__in=[first, second]).values("id", *CONTENT_COLUMNS)
    }
    remove_triggers(connection)
    # Write each row's content (hashes included) over the other: the order changes, every row
    # still matches its own hash, only the chain shows it.
    # entry_hash is unique, so park one row's hash while the other takes it.
    for target, source in [(first, second), (second, first)]:
        content = {k: v for k, v in rows[source].items() if k != "id"}
        AuditEntry.objects.filter(id=target).update(**{**content, "entry_hash": f"tmp{target}"})
    for target, source in [(first, second), (second, first)]:
        AuditEntry.objects.filter(id=target).update(entry_hash=rows[source]["entry_hash"])
    intact, _ = verify_chain()
    assert not intact
    with pytest.raises(CommandError, match=rf"^entry {first}: previous-hash link broken"):
        verify()


def test_a_forged_row_with_a_fresh_hash_is_still_detected(chain):
    """Recomputing the edited row's own hash does not help: the next row's link breaks."""
    from vigil.audit.services import entry_digest, hashed_fields

    target = chain[2]
    remove_triggers(connection)
    entry = AuditEntry.objects.get(id=target)
    entry.justification = "forged"
    entry.entry_hash = entry_digest(hashed_fields(entry), entry.previous_hash)
    entry.save()
    with pytest.raises(CommandError, match=rf"^entry {chain[3]}: previous-hash link broken"):
        verify()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE audit_auditentry SET justification = 'x' WHERE id = %s",
        "DELETE FROM audit_auditentry WHERE id = %s",
    ],
)
def test_triggers_refuse_raw_updates_and_deletes(chain, statement):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        raw(statement, [chain[0]])
    assert AuditEntry.objects.count() == len(chain)
    assert "intact" in verify()


def test_triggers_refuse_orm_updates_and_deletes(chain):
    entry = AuditEntry.objects.get(id=chain[0])
    entry.justification = "x"
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.save()
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(id=chain[1]).update(username="someone")
    with pytest.raises(DatabaseError), transaction.atomic():
        AuditEntry.objects.filter(id=chain[2]).delete()
    assert AuditEntry.objects.count() == len(chain)
    assert "intact" in verify()


def test_a_failed_write_leaves_no_audit_entry(investigator):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.location_create(
            acting_user=investigator,
            premises_type="hotel",
            address_line_1="1",
            town="x",
            postcode="nonsense",
        )
    assert not AuditEntry.objects.exists()


def test_each_entry_names_who_did_what(chain):
    first = AuditEntry.objects.get(id=chain[0])
    assert (first.username, first.role, first.action) == (
        "investigator",
        "cse_investigator",
        "collection",
    )
    justified = AuditEntry.objects.get(justification="MASH strategy")
    assert (justified.username, justified.action) == ("analyst", "consultation")
