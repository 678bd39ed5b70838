"""`vigil demo --no-serve` builds the demo area through the services, and can be run again."""

from __future__ import annotations

from io import StringIO

from django.core.management import call_command

from vigil.accounts.models import User
from vigil.audit.services import verify_chain
from vigil.people import selectors
from vigil.people.models import Event, IntelligenceReport, Link, Location, Person, PoleObject


def counts() -> dict[str, int]:
    models = [User, Person, PoleObject, Location, Event, Link, IntelligenceReport]
    return {model.__name__: model.objects.count() for model in models}


def test_demo_builds_and_is_idempotent(db):
    out = StringIO()
    call_command("demo", "--no-serve", "--people", "0", stdout=out)
    assert "Demo logins" in out.getvalue()
    assert "investigator" in out.getvalue()
    first = counts()
    assert all(first.values()), first
    call_command("demo", "--no-serve", "--people", "0", stdout=StringIO())
    assert counts() == first
    assert verify_chain()[0]

    investigator = User.objects.get(username="investigator")
    assert investigator.check_password("northshire-demo-2026")
    hits = selectors.search(investigator, text="Kayleigh", audit=False).people
    assert "Kayleigh Smith" in [hit.person.full_name for hit in hits]
