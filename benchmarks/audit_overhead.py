"""Benchmark: what writing the audit log costs a page load (issue 5). Prints figures; not a test.

    .venv/bin/python benchmarks/audit_overhead.py [--rounds 200] [--database-url URL]

Loads the Northshire demo into a fresh SQLite database in a temporary directory (or the
PostgreSQL database named by --database-url, which must be empty and disposable), then
requests three pages as the investigator: a child's record (one consultation entry), a search
listing every person shown (one entry each) and an API list. Each round requests each page
twice, once with the audit on and once with `audit_log_many` replaced by a no-op, in
alternating order so drift in machine load falls on both. Reports the median and p90 per page
and the difference of the medians: the audit's cost per page.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from contextlib import contextmanager
from typing import Any


def _setup(database_url: str | None) -> None:
    directory = tempfile.mkdtemp(prefix="vigil-audit-bench-")
    os.environ["VIGIL_VAR_DIR"] = directory
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vigil.config.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    from vigil.synthetic.demo_area import build_demo_area

    build_demo_area()


@contextmanager
def _audit_off() -> Any:
    from vigil.audit import services

    real = services.audit_log_many

    def no_op(**kwargs: Any) -> list[Any]:
        return [None]  # audit_log returns the first entry

    # Every caller imports the name from vigil.audit.services at call time through audit_log,
    # or holds its own reference: patch both kinds.
    import vigil.people.api as people_api
    import vigil.people.selectors as people_selectors

    services.audit_log_many = no_op  # type: ignore[assignment]
    people_selectors.audit_log_many = no_op  # type: ignore[attr-defined]
    people_api.audit_log_many = no_op  # type: ignore[attr-defined]
    try:
        yield
    finally:
        services.audit_log_many = real  # type: ignore[assignment]
        people_selectors.audit_log_many = real  # type: ignore[attr-defined]
        people_api.audit_log_many = real  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--database-url")
    parser.add_argument(
        "--core-only",
        action="store_true",
        help="leave out other areas' person-page panels, to see the audit against the POLE page",
    )
    args = parser.parse_args()
    _setup(args.database_url)
    if args.core_only:
        import vigil.people.views as people_views

        people_views.person_panels = lambda request, person: []  # type: ignore[assignment]

    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from vigil.accounts.justification import SESSION_KEY
    from vigil.accounts.models import User
    from vigil.audit.models import AuditEntry
    from vigil.people.models import Person

    user = User.objects.get(username="investigator")
    kayleigh = Person.objects.get(given_names="Kayleigh", family_name="Smith")
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = TOTPDevice.objects.get(user=user).persistent_id
    # Kayleigh is a victim: answer "why are you looking?" once, as a user would.
    session[SESSION_KEY] = {f"people.person:{kayleigh.pk}": "Benchmark"}
    session.save()

    pages = {
        "child's record": f"/people/{kayleigh.pk}/",
        "search (Smith)": "/search/?q=Smith",
        "API people list": "/api/people/",
    }
    timings: dict[tuple[str, bool], list[float]] = {
        (page, on): [] for page in pages for on in (True, False)
    }
    for url in pages.values():  # warm caches, templates, connections
        assert client.get(url).status_code == 200, url
    before = AuditEntry.objects.count()
    for round_number in range(args.rounds):
        order = (True, False) if round_number % 2 == 0 else (False, True)
        for page, url in pages.items():
            for audit_on in order:
                if audit_on:
                    started = time.perf_counter()
                    response = client.get(url)
                else:
                    with _audit_off():
                        started = time.perf_counter()
                        response = client.get(url)
                timings[(page, audit_on)].append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200
    written = AuditEntry.objects.count() - before

    from django.db import connection

    panels = "without other areas' panels" if args.core_only else "with every panel"
    print(
        f"Audit overhead per page ({connection.vendor}, {args.rounds} rounds, interleaved, "
        f"person page {panels})"
    )
    print(
        f"{'page':<18} {'audit on: median / p90':>24} {'audit off: median / p90':>25} {'cost':>9}"
    )
    for page in pages:
        on, off = timings[(page, True)], timings[(page, False)]
        p90 = lambda values: statistics.quantiles(values, n=10)[-1]  # noqa: E731
        cost = statistics.median(on) - statistics.median(off)
        print(
            f"{page:<18} {statistics.median(on):>11.1f} / {p90(on):>6.1f} ms "
            f"{statistics.median(off):>12.1f} / {p90(off):>6.1f} ms {cost:>7.1f} ms"
        )
    print(f"audit entries written during the audited requests: {written}")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
