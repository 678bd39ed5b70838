"""Forms for the POLE store. They only parse input; services validate and save."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from vigil.core.links import link_types
from vigil.people.models import (
    AccessLevel,
    DateOfBirthPrecision,
    Ethnicity,
    EventType,
    Gender,
    HandlingCode,
    IdentifierScheme,
    IntelligenceAssessment,
    NameType,
    ObjectKind,
    PersonFlag,
    PremisesType,
    SourceEvaluation,
)
from vigil.web.forms import GovukDateField, GovukForm, GovukTimeField


class VersionedForm(GovukForm):
    """Edit forms carry the version the user started from (no lost updates)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class PersonForm(GovukForm):
    given_names = forms.CharField(label="Given names", max_length=200)
    family_name = forms.CharField(label="Family name", max_length=200)
    date_of_birth = GovukDateField(
        label="Date of birth", required=False, past_only=True, help_text="For example, 27 3 2010"
    )
    date_of_birth_precision = forms.ChoiceField(
        label="How sure is the date of birth?",
        choices=DateOfBirthPrecision.choices,
        error_messages={"required": "Select how sure the date of birth is"},
        initial=DateOfBirthPrecision.EXACT,
    )
    gender = forms.ChoiceField(label="Gender", choices=Gender.choices, initial=Gender.UNKNOWN)
    ethnicity = forms.ChoiceField(
        label="Ethnicity",
        choices=Ethnicity.choices,
        initial=Ethnicity.NOT_STATED,
        help_text="ONS 2021 Census categories",
    )
    nationality = forms.CharField(label="Nationality", max_length=100, required=False)
    languages = forms.CharField(
        label="Languages", required=False, help_text="Separate languages with commas"
    )
    flags = forms.MultipleChoiceField(
        label="Flags",
        # "Currently missing" follows the child's missing episodes; it is not set by hand.
        choices=[(v, label) for v, label in PersonFlag.choices if v != PersonFlag.MISSING],
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    access_level = forms.ChoiceField(
        label="Access", choices=AccessLevel.choices, initial=AccessLevel.STANDARD
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        dob = data.get("date_of_birth")
        precision = data.get("date_of_birth_precision")
        if dob is None and precision not in (None, DateOfBirthPrecision.UNKNOWN):
            data["date_of_birth_precision"] = DateOfBirthPrecision.UNKNOWN
        return data

    def service_fields(self) -> dict[str, Any]:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data["languages"] = [part.strip() for part in data["languages"].split(",") if part.strip()]
        return data


class PersonEditForm(PersonForm, VersionedForm):
    pass


class PersonNameForm(GovukForm):
    name_type = forms.ChoiceField(
        label="Type of name", choices=NameType.choices, widget=forms.RadioSelect
    )
    given_names = forms.CharField(label="Given names", max_length=200, required=False)
    family_name = forms.CharField(label="Family name", max_length=200, required=False)
    source = forms.CharField(
        label="Where is this name from?",
        max_length=200,
        error_messages={"required": "Enter where this name is from"},
        help_text="For example, school records or a witness statement",
    )


class PersonIdentifierForm(GovukForm):
    scheme = forms.ChoiceField(label="Identifier", choices=IdentifierScheme.choices)
    value = forms.CharField(label="Number or reference", max_length=64)
    issuer = forms.CharField(label="Issued by", max_length=200, required=False)


class ObjectForm(GovukForm):
    kind = forms.ChoiceField(
        label="What is it?",
        choices=ObjectKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of object it is"},
    )
    vrm = forms.CharField(
        label="Registration mark",
        max_length=16,
        required=False,
        help_text="Vehicles: for example AB12 CDE",
    )
    make = forms.CharField(label="Make", max_length=60, required=False)
    model = forms.CharField(label="Model", max_length=60, required=False)
    colour = forms.CharField(label="Colour", max_length=40, required=False)
    phone_number = forms.CharField(label="Phone number", max_length=32, required=False)
    imei = forms.CharField(label="IMEI", max_length=20, required=False)
    platform = forms.CharField(
        label="Platform",
        max_length=60,
        required=False,
        help_text="Online accounts: for example Snapchat",
    )
    handle = forms.CharField(label="Handle or username", max_length=120, required=False)
    description = forms.CharField(label="Description", widget=forms.Textarea, required=False)
    access_level = forms.ChoiceField(
        label="Access", choices=AccessLevel.choices, initial=AccessLevel.STANDARD
    )


class ObjectEditForm(ObjectForm, VersionedForm):
    pass


class LocationForm(GovukForm):
    name = forms.CharField(
        label="Name of the premises",
        max_length=200,
        required=False,
        help_text="For example, the hotel's or takeaway's name",
    )
    premises_type = forms.ChoiceField(label="Type of premises", choices=PremisesType.choices)
    address_line_1 = forms.CharField(label="Address line 1", max_length=200)
    address_line_2 = forms.CharField(label="Address line 2", max_length=200, required=False)
    town = forms.CharField(label="Town or city", max_length=100)
    postcode = forms.CharField(label="Postcode", max_length=10, required=False)
    latitude = forms.DecimalField(
        label="Latitude",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
    )
    longitude = forms.DecimalField(
        label="Longitude",
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
    )
    access_level = forms.ChoiceField(
        label="Access", choices=AccessLevel.choices, initial=AccessLevel.STANDARD
    )


class LocationEditForm(LocationForm, VersionedForm):
    pass


def _combine(day: Any, at: Any) -> datetime | None:
    if day is None:
        return None
    moment = datetime.combine(day, at or datetime.min.time())
    return timezone.make_aware(moment)


class EventForm(GovukForm):
    event_type = forms.ChoiceField(label="What happened?", choices=EventType.choices)
    occurred_on = GovukDateField(label="Date it happened", past_only=True)
    occurred_time = GovukTimeField(label="Time", required=False, help_text="For example, 21:30")
    summary = forms.CharField(label="Summary", max_length=200)
    description = forms.CharField(label="Details", widget=forms.Textarea, required=False)
    reference = forms.CharField(
        label="Reference",
        max_length=60,
        required=False,
        help_text="For example, a crime or log number",
    )
    role = forms.ChoiceField(
        label="This person's part in it",
        required=False,
        choices=[
            ("subject", "Subject"),
            ("victim", "Victim or person at risk"),
            ("suspect", "Suspect"),
            ("witness", "Witness"),
            ("present", "Present"),
        ],
    )
    access_level = forms.ChoiceField(
        label="Access", choices=AccessLevel.choices, initial=AccessLevel.STANDARD
    )

    def occurred_at(self) -> datetime:
        moment = _combine(self.cleaned_data["occurred_on"], self.cleaned_data.get("occurred_time"))
        assert moment is not None
        return moment


class EventEditForm(EventForm, VersionedForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["role"]  # participants are added on the event page, not here


class IntelligenceReportForm(GovukForm):
    summary = forms.CharField(
        label="Summary", max_length=200, help_text="One line, shown on the timeline"
    )
    text = forms.CharField(label="Intelligence", widget=forms.Textarea)
    occurred_on = GovukDateField(label="Date of the intelligence", past_only=True)
    source_evaluation = forms.ChoiceField(
        label="Source evaluation",
        choices=SourceEvaluation.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the source evaluation (1, 2 or 3)"},
    )
    intelligence_assessment = forms.ChoiceField(
        label="Intelligence assessment",
        choices=IntelligenceAssessment.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the intelligence assessment (A to E)"},
    )
    handling_code = forms.ChoiceField(
        label="Handling code",
        choices=HandlingCode.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select the handling code (P or C)"},
    )
    handling_conditions = forms.CharField(
        label="Handling conditions",
        widget=forms.Textarea,
        required=False,
        help_text="Required for handling code C",
    )
    reference = forms.CharField(label="Reference", max_length=60, required=False)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("handling_code") == "C" and not (data.get("handling_conditions") or "").strip():
            self.add_error(
                "handling_conditions", "Enter the conditions that apply to handling code C"
            )
        return data


def link_type_choices(from_kind: str) -> list[tuple[str, str]]:
    return [
        (code, f"{lt.label} ({' or '.join(sorted(lt.to_kinds))})")
        for code, lt in link_types().items()
        if from_kind in lt.from_kinds
    ]


class LinkForm(GovukForm):
    link_type = forms.ChoiceField(label="Link", choices=[])
    target = forms.CharField(
        label="Linked record",
        max_length=40,
        help_text="The record's reference, like P-42 (person), O-7 (object) or L-3 (location)",
    )
    source = forms.CharField(
        label="How is this known?",
        max_length=200,
        error_messages={"required": "Enter how this is known"},
        help_text="For example, stop check 12/03, school report",
    )
    first_seen = GovukDateField(label="First seen", required=False, past_only=True)
    last_seen = GovukDateField(label="Last seen", required=False, past_only=True)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def __init__(self, *args: Any, from_kind: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["link_type"]).choices = link_type_choices(from_kind)

    def clean_target(self) -> tuple[str, int]:
        return parse_reference(self.cleaned_data["target"])

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        first, last = data.get("first_seen"), data.get("last_seen")
        if first and last and first > last:
            self.add_error("last_seen", "Last seen must be on or after first seen")
        return data


class LinkEditForm(VersionedForm):
    source = forms.CharField(
        label="How is this known?",
        max_length=200,
        error_messages={"required": "Enter how this is known"},
    )
    first_seen = GovukDateField(label="First seen", required=False, past_only=True)
    last_seen = GovukDateField(label="Last seen", required=False, past_only=True)
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


REFERENCE_PREFIXES = {"P": "person", "O": "object", "L": "location", "E": "event"}


def parse_reference(text: str) -> tuple[str, int]:
    """'P-42' -> ('person', 42). Raises a ValidationError saying how to write one."""
    value = text.strip().upper().replace(" ", "")
    prefix, _, number = value.partition("-")
    if prefix in REFERENCE_PREFIXES and number.isdigit():
        return REFERENCE_PREFIXES[prefix], int(number)
    raise ValidationError(
        "Enter a record reference like P-42 (person), O-7 (object) or L-3 (location)"
    )


class SearchForm(GovukForm):
    q = forms.CharField(
        label="Name, phone, vehicle registration, postcode or online handle",
        required=False,
        max_length=200,
    )
    dob = forms.CharField(
        label="Date of birth",
        required=False,
        max_length=20,
        help_text="A full date (14/03/2010), a month (03/2010) or a year (2010)",
    )
    age_from = forms.IntegerField(label="Aged from", required=False, min_value=0, max_value=120)
    age_to = forms.IntegerField(label="to", required=False, min_value=0, max_value=120)

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        low, high = data.get("age_from"), data.get("age_to")
        if low is not None and high is not None and low > high:
            self.add_error("age_to", "'Aged to' must be the same as or more than 'aged from'")
        return data
