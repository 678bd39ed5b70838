"""Import episodes from a force's missing-persons export (CSV; columns in
`vigil.core.missing.EXPORT_COLUMNS`, documented on the import page).

- Every row is validated, and every fault reported with its line and column.
- All or nothing per file: one bad row and nothing is stored.
- Idempotent: each episode carries the force's reference; a row whose reference was imported
  before is left alone, except that a return recorded since the last import is added.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from vigil.accounts.access import can_see_record, works_with_cases
from vigil.audit.models import Action
from vigil.audit.services import audit_log
from vigil.core.identifiers import normalise_postcode
from vigil.core.missing import CompanionData, ExportRow, PlaceData, RowError, parse_export
from vigil.missing import services
from vigil.missing.models import MissingEpisode
from vigil.people import services as people_services
from vigil.people.models import (
    IdentifierScheme,
    Location,
    Person,
    PersonIdentifier,
    PoleObject,
    PremisesType,
)


@dataclass
class ImportResult:
    filename: str
    rows: int = 0
    created: int = 0
    returns_added: int = 0
    unchanged: int = 0
    people_added: int = 0
    places_added: int = 0
    vehicles_added: int = 0
    errors: list[RowError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def summary(self) -> str:
        if not self.ok:
            return f"{self.filename}: {len(self.errors)} problems found; nothing was imported"
        return (
            f"{self.filename}: {self.rows} rows; {self.created} episodes added, "
            f"{self.returns_added} returns added, {self.unchanged} already imported; "
            f"{self.people_added} people, {self.places_added} places and "
            f"{self.vehicles_added} vehicles added"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "filename": self.filename,
            "ok": self.ok,
            "rows": self.rows,
            "created": self.created,
            "returns_added": self.returns_added,
            "unchanged": self.unchanged,
            "people_added": self.people_added,
            "places_added": self.places_added,
            "vehicles_added": self.vehicles_added,
            "errors": [
                {"line": e.line, "column": e.column, "message": e.message} for e in self.errors
            ],
        }


class _RollBack(Exception):
    """Raised to undo the whole file when any row failed."""


class _Importer:
    def __init__(self, user: Any, result: ImportResult) -> None:
        self.user = user
        self.result = result

    # -- resolving the records a row names ----------------------------------------------------

    def _visible(self, candidates: Any, limit: int = 2) -> list[Any]:
        """The first `limit` candidates the user may see. Matching is by exact name, reference
        or address, so there are few candidates; checking each is cheaper than filtering the
        whole table by visibility."""
        found = []
        for record in candidates[:50]:
            if can_see_record(self.user, record):
                found.append(record)
                if len(found) == limit:
                    break
        return found

    def child(self, row: ExportRow) -> Person:
        if row.child_pnc_id:
            by_pnc = Person.objects.filter(
                identifiers__scheme=IdentifierScheme.PNC, identifiers__value=row.child_pnc_id
            ).distinct()
            found = self._visible(by_pnc)
            if len(found) == 1:
                return found[0]
            if len(found) > 1:
                raise ValidationError(
                    {"child_pnc_id": f"More than one person has PNC ID {row.child_pnc_id}"}
                )
        person = self._person(
            CompanionData(row.child_given_names, row.child_family_name, row.child_date_of_birth),
            column="child_family_name",
        )
        if (
            row.child_pnc_id
            and not PersonIdentifier.objects.filter(
                person=person, scheme=IdentifierScheme.PNC
            ).exists()
        ):
            people_services.person_identifier_add(
                acting_user=self.user, person=person, scheme=IdentifierScheme.PNC,
                value=row.child_pnc_id, issuer="Missing-persons import",
            )  # fmt: skip
        return person

    def _person(self, who: CompanionData, *, column: str) -> Person:
        matches = Person.objects.filter(
            given_names__iexact=who.given_names, family_name__iexact=who.family_name
        )
        if who.date_of_birth:
            matches = matches.filter(date_of_birth=who.date_of_birth)
        found = self._visible(matches)
        if len(found) > 1:
            raise ValidationError(
                {
                    column: f"More than one person is called {who.given_names} "
                    f"{who.family_name}{'' if who.date_of_birth else ' (give a date of birth)'}"
                }
            )
        if found:
            return found[0]
        self.result.people_added += 1
        return people_services.person_create(
            acting_user=self.user,
            given_names=who.given_names,
            family_name=who.family_name,
            date_of_birth=who.date_of_birth,
            date_of_birth_precision="exact" if who.date_of_birth else "unknown",
            notes="Added by the missing-persons import.",
        )

    def place(self, place: PlaceData | None) -> Location | None:
        if place is None:
            return None
        key = normalise_postcode(place.postcode) if place.postcode else ""
        matches = Location.objects.filter(
            address_line_1__iexact=place.address, town__iexact=place.town
        )
        if key:
            matches = matches.filter(postcode_key=key)
        existing = next(iter(self._visible(matches.order_by("id"), limit=1)), None)
        if existing is not None:
            return existing
        self.result.places_added += 1
        return people_services.location_create(
            acting_user=self.user,
            name=place.name,
            premises_type=place.premises_type,
            address_line_1=place.address,
            town=place.town,
            postcode=place.postcode,
        )

    def vehicle(self, vrm: str) -> PoleObject:
        vehicle, added = services.vehicle_for_mark(self.user, vrm)
        self.result.vehicles_added += int(added)
        return vehicle

    # -- one row ------------------------------------------------------------------------------

    def row(self, row: ExportRow) -> None:
        existing = MissingEpisode.objects.filter(
            owning_agency_id=self.user.agency_id, external_reference=row.external_reference
        ).first()
        created = existing is None
        if existing is None:
            existing = services.episode_report(
                acting_user=self.user,
                child=self.child(row),
                reported_missing_at=row.reported_missing_at,
                reported_by_kind=row.reported_by,
                reported_by_name=row.reported_by_name,
                missing_from=self.place(row.missing_from),
                area=row.area,
                risk_level=row.risk_level,
                risk_reason=row.risk_reason,
                grading_officer=row.grading_officer,
                police_actions=row.police_actions,
                external_reference=row.external_reference,
            )
            self.result.created += 1
        adding_return = row.returned_at is not None and existing.returned_at is None
        if not created and not adding_return:
            self.result.unchanged += 1
            return
        if adding_return:
            assert row.returned_at is not None
            services.episode_record_return(
                acting_user=self.user,
                episode=existing,
                expected_version=existing.version,
                returned_at=row.returned_at,
                how_returned=row.how_returned,
                found_at=self.place(row.found_at),
                found_with=[self._person(who, column="found_with") for who in row.found_with],
                vehicles=[self.vehicle(vrm) for vrm in row.vehicles],
                injuries=row.injuries,
                intoxicated=row.intoxicated,
                account=row.account,
            )
            if not created:
                self.result.returns_added += 1


# Service-error fields that are not export columns are reported against the nearest column.
_FIELD_TO_COLUMN = {
    "reported_by_kind": "reported_by",
    "text": "account",
    "target": "found_with",
}


def import_missing_export(
    *, acting_user: Any, text: str, filename: str, now: datetime | None = None
) -> ImportResult:
    """Validate the whole file, then store it in one transaction, or store nothing."""
    if not works_with_cases(acting_user):
        raise PermissionDenied("You cannot import case records.")
    result = ImportResult(filename=filename)
    parsed = parse_export(text, premises_types=PremisesType.values, now=now or timezone.now())
    result.rows = parsed.row_count
    if parsed.errors:
        result.errors = parsed.errors
        return result
    importer = _Importer(acting_user, result)
    # Oldest first, so a child's earlier episode is closed before a later one opens.
    rows = sorted(parsed.rows, key=lambda r: (r.reported_missing_at, r.line))
    try:
        with transaction.atomic():
            for row in rows:
                try:
                    with transaction.atomic():  # a savepoint: one row's failure is contained
                        importer.row(row)
                except ValidationError as error:
                    result.errors.extend(_row_errors(row.line, error))
                except PermissionDenied as error:
                    result.errors.append(RowError(row.line, "", str(error)))
            if result.errors:
                raise _RollBack
            audit_log(
                acting_user=acting_user,
                action=Action.COLLECTION,
                object_type="missing_import",
                object_id=filename[:100],
                detail={k: v for k, v in result.to_dict().items() if k != "errors"},
            )
    except _RollBack:
        result.errors.sort(key=lambda e: (e.line, e.column))
        result.created = result.returns_added = result.unchanged = 0
        result.people_added = result.places_added = result.vehicles_added = 0
    return result


def _row_errors(line: int, error: ValidationError) -> list[RowError]:
    if hasattr(error, "error_dict"):
        return [
            RowError(line, _FIELD_TO_COLUMN.get(name, name), message)
            for name, messages in error.message_dict.items()
            for message in messages
        ]
    return [RowError(line, "", message) for message in error.messages]
