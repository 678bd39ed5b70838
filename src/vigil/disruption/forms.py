"""Forms of the disruption tools. They only parse input (record references like P-42 and
E-7, dates, times); services check the law's rules and save."""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from vigil.accounts.models import Role, User
from vigil.core import disruption as rules
from vigil.disruption.models import (
    OFFICER_ENTRY_METHODS,
    AgreedBy,
    AppealOutcome,
    OrderChangeKind,
    OrderKind,
    ProhibitionType,
    ProtectionOutcome,
    RecipientCapacity,
    ReturnForm,
    ReturnTaskOutcome,
    ServiceMethod,
    WarningKind,
)
from vigil.people.forms import parse_reference
from vigil.web.forms import GovukDateField, GovukForm, GovukTimeField

YES_NO = [("yes", "Yes"), ("no", "No")]


def combine(day: date | None, at: time | None) -> datetime | None:
    """A date and an optional time as an aware datetime in the service's time zone."""
    if day is None:
        return None
    return timezone.make_aware(datetime.combine(day, at or time(0, 0)))


class ReferenceField(forms.CharField):
    """A record reference of one kind, like P-42 (person), L-3 (location), E-7 (event)."""

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("max_length", 20)
        kwargs.setdefault("widget", forms.TextInput(attrs={"class": "govuk-input--width-10"}))
        super().__init__(**kwargs)

    def clean(self, value: Any) -> int | None:
        text = super().clean(value)
        if not text:
            return None
        kind, pk = parse_reference(text)
        if kind != self.kind:
            prefix = {"person": "P", "location": "L", "event": "E", "object": "O"}[self.kind]
            raise ValidationError(f"Enter a {self.kind} reference, like {prefix}-42")
        return pk


class ReferenceListField(forms.CharField):
    """Several references of one kind, separated by commas or spaces: 'E-12, E-15'."""

    def __init__(self, *, kind: str, **kwargs: Any) -> None:
        self.kind = kind
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", 500)
        super().__init__(**kwargs)

    def clean(self, value: Any) -> list[int]:
        text = super().clean(value) or ""
        ids: list[int] = []
        for part in text.replace(",", " ").split():
            kind, pk = parse_reference(part)
            if kind != self.kind:
                raise ValidationError(f"'{part}' is not a {self.kind} reference")
            if pk not in ids:
                ids.append(pk)
        return ids


class VersionedForm(GovukForm):
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def _service_method() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="How was it served?",
        choices=ServiceMethod.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how it was served"},
    )


# --- CAWN -------------------------------------------------------------------------------------


class CawnForm(GovukForm):
    subject = ReferenceField(
        kind="person", label="Person warned", help_text="The adult's reference, like P-42"
    )
    child = ReferenceField(kind="person", label="Child", help_text="The child's reference")
    child_in_care = forms.ChoiceField(
        label="Is the child in local-authority care?",
        choices=YES_NO,
        error_messages={"required": "Select yes if the child is in local-authority care"},
        widget=forms.RadioSelect,
        help_text="Under 16 living at home, or under 18 in care (Children Act 1989 s49)",
    )
    agreed_by = forms.ChoiceField(
        label="Who agreed to the notice?", choices=AgreedBy.choices, widget=forms.RadioSelect
    )
    agreed_by_name = forms.CharField(
        label="Name of the person who agreed", max_length=200, help_text="And their role"
    )
    issued_on = GovukDateField(label="Date issued", past_only=True)
    grounds = forms.CharField(label="Grounds", widget=forms.Textarea, required=False)
    reference = forms.CharField(label="Your reference", max_length=60, required=False)
    evidence = ReferenceListField(
        kind="event", label="Evidence", help_text="Event references, like E-12, E-15"
    )


class ServeForm(VersionedForm):
    served_on = GovukDateField(label="Date served", past_only=True)
    served_how = _service_method()


class CawnReviewForm(VersionedForm):
    note = forms.CharField(
        label="What did the review find?",
        widget=forms.Textarea,
        error_messages={"required": "Enter what the review found"},
    )
    next_review_on = GovukDateField(label="Next review")


class CawnWithdrawForm(VersionedForm):
    withdrawn_on = GovukDateField(label="Date withdrawn", past_only=True)
    reason = forms.CharField(
        label="Why is it withdrawn?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the notice is withdrawn"},
    )


class BreachForm(GovukForm):
    occurred_on = GovukDateField(label="Date of the breach", past_only=True)
    occurred_time = GovukTimeField(label="Time", required=False, help_text="For example, 21:30")
    description = forms.CharField(label="What happened?", widget=forms.Textarea)
    evidence = ReferenceListField(
        kind="event",
        label="Evidence",
        help_text="Events or intelligence reports that show it, like E-12, E-15",
    )
    reference = forms.CharField(label="Crime or log reference", max_length=60, required=False)

    def occurred_at(self) -> datetime:
        moment = combine(self.cleaned_data["occurred_on"], self.cleaned_data.get("occurred_time"))
        assert moment is not None
        return moment


# --- SHPO and SRO -----------------------------------------------------------------------------


class OrderDraftForm(GovukForm):
    kind = forms.ChoiceField(
        label="Which order?", choices=OrderKind.choices, widget=forms.RadioSelect
    )
    subject = ReferenceField(kind="person", label="Subject", help_text="Like P-42")
    protected_children = ReferenceListField(
        kind="person", label="Children the order protects", help_text="Like P-7, P-9"
    )
    grounds = forms.CharField(
        label="Why is the order necessary?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why the order is necessary"},
    )
    court = forms.CharField(label="Court", max_length=200, required=False)
    evidence = ReferenceListField(
        kind="event",
        label="Evidence",
        help_text="Events and intelligence reports, like E-12, E-15",
    )


class EvidenceForm(GovukForm):
    evidence = ReferenceListField(
        kind="event", label="Evidence to add", required=True, help_text="Like E-12, E-15"
    )


class PeriodFieldsMixin(forms.Form):
    until = GovukDateField(label="Until", required=False)
    until_further_order = forms.BooleanField(label="Until further order", required=False)


class ProhibitionForm(PeriodFieldsMixin, GovukForm):
    prohibition_type = forms.ChoiceField(
        label="Type", choices=ProhibitionType.choices, widget=forms.RadioSelect
    )
    wording = forms.CharField(label="Wording", widget=forms.Textarea)
    field_order = ["prohibition_type", "wording", "until", "until_further_order"]


class OrderApplyForm(VersionedForm):
    applied_on = GovukDateField(label="Date applied", past_only=True)
    court = forms.CharField(label="Court", max_length=200)


class OrderMakeForm(VersionedForm):
    made_on = GovukDateField(label="Date made", past_only=True)
    court = forms.CharField(label="Court", max_length=200)
    reference = forms.CharField(label="Court case number", max_length=60, required=False)


class OrderRefuseForm(VersionedForm):
    refused_on = GovukDateField(label="Date refused", past_only=True)


class ProhibitionChangeForm(PeriodFieldsMixin, GovukForm):
    kind = forms.ChoiceField(
        label="Change",
        choices=[c for c in OrderChangeKind.choices if c[0] != "discharge"],
        widget=forms.RadioSelect,
    )
    made_on = GovukDateField(label="Date of the court's decision", past_only=True)
    court = forms.CharField(label="Court", max_length=200)
    wording = forms.CharField(label="Wording from that date", widget=forms.Textarea)
    details = forms.CharField(label="Details", widget=forms.Textarea, required=False)
    field_order = ["kind", "made_on", "court", "wording", "until", "until_further_order"]


class OrderDischargeForm(VersionedForm):
    discharged_on = GovukDateField(label="Date discharged", past_only=True)
    court = forms.CharField(label="Court", max_length=200)
    details = forms.CharField(label="Details", widget=forms.Textarea, required=False)


# --- Warnings and injunctions -----------------------------------------------------------------


class WarningForm(GovukForm):
    kind = forms.ChoiceField(
        label="What kind?", choices=WarningKind.choices, widget=forms.RadioSelect
    )
    subject = ReferenceField(kind="person", label="Person it is given to", help_text="Like P-42")
    protected_person = ReferenceField(
        kind="person", label="Person it protects", required=False, help_text="Like P-7"
    )
    issued_on = GovukDateField(label="Date issued or made", past_only=True)
    court = forms.CharField(label="Court (civil injunction)", max_length=200, required=False)
    written_warning_on = GovukDateField(
        label="Date of the written warning (community protection notice)", required=False
    )
    terms = forms.CharField(label="Conduct to stop, or requirements", widget=forms.Textarea)
    expires_on = GovukDateField(label="End date", required=False)
    reference = forms.CharField(label="Your reference", max_length=60, required=False)


# --- Police protection ------------------------------------------------------------------------


class ProtectionForm(GovukForm):
    child = ReferenceField(kind="person", label="Child", help_text="Like P-7")
    taken_on = GovukDateField(label="Date taken", past_only=True)
    taken_time = GovukTimeField(label="Time taken", help_text="For example, 02:15")
    taken_from = forms.CharField(label="Where the child was found", max_length=200)
    taken_to = forms.CharField(label="Where the child was taken", max_length=200)
    constable = forms.CharField(
        label="Constable who took the child", max_length=200, help_text="Collar number and name"
    )
    designated_officer = forms.CharField(label="Designated officer", max_length=200)

    def taken_at(self) -> datetime:
        moment = combine(self.cleaned_data["taken_on"], self.cleaned_data["taken_time"])
        assert moment is not None
        return moment


class InformedForm(VersionedForm):
    local_authority_on = GovukDateField(label="Local authority told: date", required=False)
    local_authority_time = GovukTimeField(label="Time", required=False)
    local_authority_contact = forms.CharField(
        label="Who at the local authority", max_length=200, required=False
    )
    parents_on = GovukDateField(label="Parents told: date", required=False)
    parents_time = GovukTimeField(label="Time", required=False)
    parents_informed_who = forms.CharField(label="Who was told", max_length=200, required=False)

    def moments(self) -> tuple[datetime | None, datetime | None]:
        data = self.cleaned_data
        return (
            combine(data.get("local_authority_on"), data.get("local_authority_time")),
            combine(data.get("parents_on"), data.get("parents_time")),
        )


class ProtectionEndForm(VersionedForm):
    ended_on = GovukDateField(label="Date ended", past_only=True)
    ended_time = GovukTimeField(label="Time ended")
    outcome = forms.ChoiceField(
        label="Outcome", choices=ProtectionOutcome.choices, widget=forms.RadioSelect
    )
    outcome_notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def ended_at(self) -> datetime:
        moment = combine(self.cleaned_data["ended_on"], self.cleaned_data["ended_time"])
        assert moment is not None
        return moment


# --- Hotel information notices ----------------------------------------------------------------


def _information_choices() -> list[tuple[str, str]]:
    return list(rules.hotel_rules()["information_items"].items())


def _frequency_choices() -> list[tuple[str, str]]:
    return [(code, spec["label"]) for code, spec in rules.hotel_rules()["frequencies"].items()]


class HotelNoticeForm(GovukForm):
    premises = ReferenceField(
        kind="location",
        label="Premises",
        help_text="The hotel's or B&B's location reference, like L-3",
    )
    recipient_name = forms.CharField(label="Name of the person served", max_length=200)
    recipient_capacity = forms.ChoiceField(
        label="They are the premises'",
        choices=RecipientCapacity.choices,
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether they are the premises' owner, operator or manager"
        },
    )
    grounds = forms.CharField(
        label="Grounds",
        widget=forms.Textarea,
        help_text="Why you reasonably believe the premises are or will be used for child sexual "
        "exploitation, or conduct preparatory to or connected with it",
    )
    evidence = ReferenceListField(
        kind="event", label="Evidence", help_text="Events and intelligence, like E-12, E-15"
    )
    information_required = forms.MultipleChoiceField(
        label="Information required",
        choices=_information_choices,
        widget=forms.CheckboxSelectMultiple,
        help_text="Guests' names and addresses are always required",
    )
    further_information = forms.CharField(
        label="Further information required", widget=forms.Textarea, required=False
    )
    frequency = forms.ChoiceField(
        label="How often are returns due?",
        choices=_frequency_choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select how often returns are due"},
    )
    return_form = forms.ChoiceField(
        label="Form of returns", choices=ReturnForm.choices, widget=forms.RadioSelect
    )
    period_end = GovukDateField(
        label="Period ends", help_text="At most 6 months after the notice is issued"
    )


class IssueForm(VersionedForm):
    issued_on = GovukDateField(label="Date issued", past_only=True)


class AppealForm(VersionedForm):
    lodged_on = GovukDateField(label="Date the appeal was lodged", past_only=True)
    outcome = forms.ChoiceField(
        label="Outcome",
        choices=[("", "Not decided yet"), *AppealOutcome.choices],
        required=False,
        widget=forms.RadioSelect,
    )
    decided_on = GovukDateField(label="Date decided", required=False, past_only=True)


class OperatorChoiceField(forms.ModelChoiceField):
    """Hotel operator accounts, named with their username."""

    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.get_full_name() or obj.username} ({obj.username})"


class OperatorAccessForm(GovukForm):
    operator = OperatorChoiceField(
        label="Hotel operator account",
        queryset=User.objects.none(),
        empty_label="Choose an account",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["operator"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = User.objects.filter(role=Role.HOTEL_OPERATOR, is_active=True).order_by(
            "username"
        )


# --- Returns ----------------------------------------------------------------------------------


class ReturnPeriodForm(GovukForm):
    """The return's period and whether there were any guests."""

    period = forms.ChoiceField(label="Return for the period")
    nil_return = forms.BooleanField(label="There were no guests in this period", required=False)

    def __init__(self, *args: Any, periods: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["period"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = periods

    def period_start(self) -> date:
        return date.fromisoformat(self.cleaned_data["period"])


class OfficerReturnForm(ReturnPeriodForm):
    """A return that reached the police on paper or by email, entered by an officer."""

    method = forms.ChoiceField(
        label="How did the return arrive?",
        choices=[(m.value, m.label) for m in OFFICER_ENTRY_METHODS],
        widget=forms.RadioSelect,
        error_messages={"required": "Select how the return arrived"},
    )
    received_on = GovukDateField(
        label="Date received",
        past_only=True,
        help_text="On time or late is judged on this date, not on today's",
    )


class ReturnTaskCloseForm(GovukForm):
    outcome = forms.ChoiceField(
        label="What was done?",
        choices=[
            (value, label)
            for value, label in ReturnTaskOutcome.choices
            if value != ReturnTaskOutcome.RETURN_RECEIVED
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label="Notes", widget=forms.Textarea, required=False)


class GuestForm(GovukForm):
    guest_name = forms.CharField(label="Guest's full name", max_length=200, required=False)
    address = forms.CharField(label="Address", max_length=300, required=False)
    town = forms.CharField(label="Town or city", max_length=100, required=False)
    postcode = forms.CharField(
        label="Postcode",
        max_length=10,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    arrived_on = GovukDateField(label="Arrived", required=False)
    departed_on = GovukDateField(label="Left", required=False)
    room = forms.CharField(
        label="Room",
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-5"}),
    )
    booked_by = forms.CharField(label="Booked or paid for by", max_length=200, required=False)
    vehicle_registration = forms.CharField(
        label="Vehicle registration",
        max_length=16,
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )
    notes = forms.CharField(label="Notes", widget=forms.Textarea, required=False)

    def is_blank(self) -> bool:
        data = getattr(self, "cleaned_data", {})
        return not any(value for value in data.values())


GuestFormSet = forms.formset_factory(GuestForm, extra=0, min_num=1, max_num=50)


class CsvUploadForm(ReturnPeriodForm):
    file = forms.FileField(label="CSV file", help_text="One guest per row, saved as UTF-8")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["nil_return"]
