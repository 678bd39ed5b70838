"""Forms for missing episodes. They only parse input; the services validate and save."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from vigil.accounts.models import Agency
from vigil.core.identifiers import normalise_vrm
from vigil.core.missing import HOW_RETURNED, REPORTED_BY, RHI_STATUSES, missing_policy
from vigil.core.taxonomy import load_taxonomy
from vigil.people.forms import parse_reference
from vigil.people.models import (
    AccessLevel,
    HandlingCode,
    IntelligenceAssessment,
    PremisesType,
    SourceEvaluation,
)
from vigil.web.forms import GovukDateField, GovukForm, GovukTimeField


def _moment(day: Any, at: Any) -> datetime | None:
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, at or datetime.min.time()))


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _risk_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Missing-person risk level",
        choices=missing_policy().risk_choices,
        widget=forms.RadioSelect,
        help_text="APP Missing persons",
        error_messages={"required": "Select the missing-person risk level"},
    )


def _references(text: str, kinds: set[str], what: str) -> list[tuple[str, int]]:
    refs = []
    for part in text.replace(";", ",").split(","):
        if not part.strip():
            continue
        kind, pk = parse_reference(part)
        if kind not in kinds:
            raise ValidationError(f"'{part.strip()}' is not a {what} reference")
        refs.append((kind, pk))
    return refs


class ReportMissingForm(GovukForm):
    reported_on = GovukDateField(label="Date reported missing", past_only=True)
    reported_time = GovukTimeField(label="Time reported missing", help_text="For example, 21:30")
    reported_by_kind = forms.ChoiceField(
        label="Who reported the child missing?",
        choices=REPORTED_BY,
        widget=forms.RadioSelect,
        error_messages={"required": "Select who reported the child missing"},
    )
    reported_by_name = forms.CharField(
        label="Name of the person reporting", max_length=200, required=False
    )
    missing_from = forms.CharField(
        label="Missing from (location reference)",
        max_length=20,
        required=False,
        help_text="The home or placement, like L-3. Leave blank if not known",
    )
    area = forms.CharField(
        label="Area",
        max_length=100,
        required=False,
        help_text="Local authority or policing area; defaults to the town missing from",
    )
    risk_level = _risk_field()
    risk_reason = forms.CharField(label="Reason for the risk level", widget=forms.Textarea)
    grading_officer = forms.CharField(
        label="Grading officer", max_length=200, help_text="Name and collar or staff number"
    )
    police_actions = forms.CharField(
        label="Police actions so far", widget=forms.Textarea, required=False
    )
    external_reference = forms.CharField(
        label="Missing-person record number",
        max_length=60,
        required=False,
        help_text="The force system's reference, e.g. MIS/0412",
    )
    access_level = forms.ChoiceField(
        label="Access", choices=AccessLevel.choices, initial=AccessLevel.STANDARD
    )

    def clean_missing_from(self) -> int | None:
        text = self.cleaned_data["missing_from"].strip()
        if not text:
            return None
        return _references(text, {"location"}, "location")[0][1]

    def reported_missing_at(self) -> datetime:
        moment = _moment(self.cleaned_data["reported_on"], self.cleaned_data["reported_time"])
        assert moment is not None
        return moment


class RegradeForm(VersionedForm):
    risk_level = _risk_field()
    reason = forms.CharField(label="Reason for the new risk level", widget=forms.Textarea)
    grading_officer = forms.CharField(
        label="Grading officer", max_length=200, help_text="Name and collar or staff number"
    )


def _agency_choices() -> list[tuple[str, str]]:
    return [("", "Not yet known")] + [(str(a.pk), a.name) for a in Agency.objects.order_by("name")]


class ReturnForm(VersionedForm):
    returned_on = GovukDateField(label="Date found or returned", past_only=True)
    returned_time = GovukTimeField(label="Time found or returned", help_text="For example, 02:15")
    how_returned = forms.ChoiceField(
        label="How did the child return?",
        choices=HOW_RETURNED,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the child returned"},
    )
    found_at = forms.CharField(
        label="Where found (location reference)",
        max_length=20,
        required=False,
        help_text="An existing place, like L-3; or describe a new place below",
    )
    new_place_name = forms.CharField(label="New place: name", max_length=200, required=False)
    new_place_type = forms.ChoiceField(
        label="New place: type of premises",
        choices=[("", "Choose a type"), *list(PremisesType.choices)],
        required=False,
    )
    new_place_address = forms.CharField(
        label="New place: address line 1", max_length=200, required=False
    )
    new_place_town = forms.CharField(label="New place: town", max_length=100, required=False)
    new_place_postcode = forms.CharField(label="New place: postcode", max_length=10, required=False)
    found_with = forms.CharField(
        label="Found with (person references)",
        max_length=200,
        required=False,
        help_text="Separate references with commas, like P-4, P-9",
    )
    vehicles = forms.CharField(
        label="Vehicles involved (registration marks)",
        max_length=200,
        required=False,
        help_text="Separate with commas, like AB12 CDE, XY66 ZZZ",
    )
    injuries = forms.CharField(label="Injuries", widget=forms.Textarea, required=False)
    intoxicated = forms.BooleanField(label="Intoxicated (drink or drugs)", required=False)
    intoxication_details = forms.CharField(
        label="Intoxication details", widget=forms.Textarea, required=False
    )
    account = forms.CharField(label="The child's account", widget=forms.Textarea, required=False)
    rhi_offered_by = forms.ChoiceField(
        label="Return home interview to be offered by", choices=[], required=False
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["rhi_offered_by"]).choices = _agency_choices()

    def clean_found_at(self) -> int | None:
        text = self.cleaned_data["found_at"].strip()
        if not text:
            return None
        return _references(text, {"location"}, "location")[0][1]

    def clean_found_with(self) -> list[int]:
        return [pk for _, pk in _references(self.cleaned_data["found_with"], {"person"}, "person")]

    def clean_vehicles(self) -> list[str]:
        marks = [part.strip() for part in self.cleaned_data["vehicles"].split(",") if part.strip()]
        for mark in marks:
            if not normalise_vrm(mark):
                raise ValidationError(f"'{mark}' is not a registration mark, like AB12 CDE")
        return marks

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        new_place = any(
            data.get(name) for name in ("new_place_name", "new_place_address", "new_place_town")
        )
        if new_place and data.get("found_at"):
            self.add_error("found_at", "Give a location reference or a new place, not both")
        elif new_place:
            for name, message in (
                ("new_place_type", "Select the type of premises"),
                ("new_place_address", "Enter the first line of the new place's address"),
                ("new_place_town", "Enter the new place's town"),
            ):
                if not data.get(name):
                    self.add_error(name, message)
        return data

    def returned_at(self) -> datetime:
        moment = _moment(self.cleaned_data["returned_on"], self.cleaned_data["returned_time"])
        assert moment is not None
        return moment

    def new_place(self) -> dict[str, str] | None:
        data = self.cleaned_data
        if not data.get("new_place_address"):
            return None
        return {
            "name": data["new_place_name"],
            "premises_type": data["new_place_type"],
            "address_line_1": data["new_place_address"],
            "town": data["new_place_town"],
            "postcode": data["new_place_postcode"],
        }


class RhiStatusForm(VersionedForm):
    status = forms.ChoiceField(
        label="What happened?",
        choices=[c for c in RHI_STATUSES if c[0] != "due"],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened with the interview"},
    )
    on = GovukDateField(label="Date", past_only=True)
    at = GovukTimeField(label="Time", required=False, help_text="For example, 14:00")
    offered_by = forms.ChoiceField(label="Offered by", choices=[], required=False)
    interviewer = forms.CharField(
        label="Interviewer", max_length=200, required=False, help_text="Name and role"
    )
    note = forms.CharField(
        label="Notes",
        widget=forms.Textarea,
        required=False,
        help_text="Required when an interview was not possible: say why",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["offered_by"]).choices = _agency_choices()

    def moment(self) -> datetime:
        moment = _moment(self.cleaned_data["on"], self.cleaned_data["at"])
        assert moment is not None
        return moment


class DisclosureForm(GovukForm):
    text = forms.CharField(
        label="What the child disclosed",
        widget=forms.Textarea,
        help_text="In the child's words where possible. Each disclosure can become "
        "intelligence or a screening observation.",
    )


class DisclosureIntelligenceForm(GovukForm):
    summary = forms.CharField(
        label="Summary", max_length=200, help_text="One line, shown on the timeline"
    )
    source_evaluation = forms.ChoiceField(
        label="Source evaluation",
        choices=SourceEvaluation.choices,
        initial=SourceEvaluation.UNTESTED,
        widget=forms.RadioSelect,
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=IntelligenceAssessment.choices,
        initial=IntelligenceAssessment.A,
        widget=forms.RadioSelect,
    )
    handling_code = forms.ChoiceField(
        label="Handling code",
        choices=HandlingCode.choices,
        initial=HandlingCode.P,
        widget=forms.RadioSelect,
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        widget=forms.Textarea,
        required=False,
        help_text="Required for handling code C",
    )


def observation_choices() -> list[tuple[str, str]]:
    """Warning signs and vulnerabilities a person can record (derived ones are worked out from
    records, never ticked)."""
    taxonomy = load_taxonomy()
    return [
        (item.code, item.label)
        for kind in ("warning_sign", "vulnerability")
        for item in taxonomy.by_kind(kind)
        if not item.derived
    ]


class DisclosureObservationForm(GovukForm):
    codes = forms.MultipleChoiceField(
        label="Which warning signs or vulnerabilities does the disclosure show?",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one warning sign or vulnerability"},
    )
    observed_on = GovukDateField(label="Date of the interview", past_only=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["codes"]).choices = observation_choices()


class ImportForm(GovukForm):
    file = forms.FileField(label="Missing-persons export (CSV)")

    def clean_file(self) -> str:
        upload = self.cleaned_data["file"]
        if upload.size > 10 * 1024 * 1024:
            raise ValidationError("The file must be smaller than 10 MB")
        raw = upload.read()
        for encoding in ("utf-8-sig", "cp1252"):
            try:
                return raw.decode(encoding)
            except UnicodeDecodeError:
                continue
        raise ValidationError("The file must be a CSV saved as UTF-8")  # pragma: no cover


class RhiFilterForm(GovukForm):
    show = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("open", "Due and overdue"),
            ("overdue", "Overdue only"),
            ("due", "Due, not yet overdue"),
            ("completed", "Completed"),
            ("declined", "Declined"),
            ("not_possible", "Not possible"),
            ("all", "All"),
        ],
    )
    agency = forms.ChoiceField(label="Offered by", required=False, choices=[])
    area = forms.ChoiceField(label="Area", required=False, choices=[])

    def __init__(self, *args: Any, areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["agency"]).choices = [
            ("", "Any agency"),
            *_agency_choices()[1:],
        ]
        cast(forms.ChoiceField, self.fields["area"]).choices = [("", "Any area")] + [
            (a, a) for a in areas
        ]
