"""Forms for signing in, 'Why are you looking?', sharing and restriction. They only parse
input; services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError

from vigil.accounts.access import CASE_ROLES
from vigil.accounts.models import Agency, AgencyKind, SharingDecision, Team, User
from vigil.web.forms import GovukForm

_BIGGEST_ID = 2**63 - 1


def _checked_id(field: forms.Field, value: Any) -> None:
    """Refuse a value that is not a database id before it reaches the database (SQLite raises
    OverflowError, not a validation error, for an integer beyond 64 bits)."""
    text = str(value).strip()
    if not text.isdigit() or int(text) > _BIGGEST_ID:
        raise ValidationError(
            field.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
        )


class RecordChoiceField(forms.ModelChoiceField):
    def to_python(self, value: Any) -> Any:
        if value in self.empty_values:
            return None
        _checked_id(self, value)
        return super().to_python(value)


class RecordsChoiceField(forms.ModelMultipleChoiceField):
    def _check_values(self, value: Any) -> Any:
        for item in value if isinstance(value, list | tuple) else [value]:
            _checked_id(self, item)
        # Django's own validation hook, which django-stubs does not declare.
        return super()._check_values(value)  # type: ignore[misc]


class SecondFactorForm(GovukForm):
    token = forms.CharField(
        label="Code from your authenticator app",
        max_length=12,
        help_text="The 6-digit code your app shows now",
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-5",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "spellcheck": "false",
            }
        ),
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit() or len(token) != 6:
            raise ValidationError("Enter the 6-digit code from your authenticator app")
        return token


class JustificationForm(GovukForm):
    reference = forms.CharField(
        label="Case or crime reference",
        required=False,
        max_length=60,
        help_text="For example, a crime number, MASH reference or strategy meeting",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-20"}),
    )
    reason = forms.CharField(
        label="Why you need to look at this record",
        required=False,
        max_length=400,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not (data.get("reference", "").strip() or data.get("reason", "").strip()):
            self.add_error("reference", "Enter a case reference or why you need to look")
        return data

    def justification(self) -> str:
        reference = self.cleaned_data["reference"].strip()
        reason = self.cleaned_data["reason"].strip()
        return " - ".join(
            part for part in (f"Ref {reference}" if reference else "", reason) if part
        )


class ShareForm(GovukForm):
    agency = RecordChoiceField(
        label="Agency to share with",
        queryset=Agency.objects.none(),
        empty_label="Choose an agency",
        widget=forms.Select,
    )
    lawful_basis = forms.ChoiceField(label="Lawful basis for sharing", widget=forms.RadioSelect)
    scope = forms.CharField(
        label="What you are sharing and why they need it",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    within_conditions = forms.BooleanField(
        label="I confirm sharing with this agency is within the handling conditions",
        required=False,
    )

    def __init__(
        self,
        *args: Any,
        owner_id: int,
        bases: dict[str, str],
        conditions: str | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        agency = self.fields["agency"]
        assert isinstance(agency, forms.ModelChoiceField)
        agency.queryset = Agency.objects.exclude(pk=owner_id).exclude(
            kind=AgencyKind.PREMISES_OPERATOR
        )
        self.fields["agency"].error_messages["required"] = "Select the agency to share with"
        self.fields["agency"].error_messages["invalid_choice"] = "Select the agency to share with"
        lawful_basis = self.fields["lawful_basis"]
        assert isinstance(lawful_basis, forms.ChoiceField)
        lawful_basis.choices = list(bases.items())
        self.fields["lawful_basis"].error_messages["required"] = "Select the lawful basis"
        if conditions is None:
            del self.fields["within_conditions"]


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason", max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class WithdrawForm(GovukForm):
    decision = RecordChoiceField(
        label="Agency to stop sharing with",
        queryset=SharingDecision.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    reason = forms.CharField(
        label="Why the sharing is being withdrawn",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, consent withdrawn, or the agency no longer needs it",
    )

    def __init__(self, *args: Any, decisions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        decision_field = self.fields["decision"]
        assert isinstance(decision_field, forms.ModelChoiceField)
        decision_field.queryset = decisions
        # Django's documented per-instance label hook, which django-stubs types as a method.
        decision_field.label_from_instance = lambda decision: (  # type: ignore[method-assign,assignment]
            f"{decision.agency} (since {decision.decided_at:%-d %B %Y})"
        )
        self.fields["decision"].error_messages["required"] = "Select the agency"
        self.fields["decision"].error_messages["invalid_choice"] = "Select the agency"


class RestrictForm(GovukForm):
    reason = forms.CharField(
        label="Why this record must be restricted",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For example, the child is related to a member of staff",
    )
    users = RecordsChoiceField(
        label="People who may still see it",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="You stay on the list. Nobody else will know the record exists.",
    )
    teams = RecordsChoiceField(
        label="Teams who may still see it",
        queryset=Team.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, acting_user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        users = self.fields["users"]
        teams = self.fields["teams"]
        assert isinstance(users, forms.ModelMultipleChoiceField)
        assert isinstance(teams, forms.ModelMultipleChoiceField)
        users.queryset = (
            User.objects.filter(is_active=True, role__in=CASE_ROLES, agency__isnull=False)
            .exclude(pk=acting_user.pk)
            .select_related("agency")
            .order_by("agency__name", "last_name", "first_name")
        )
        # Django's documented per-instance label hook, which django-stubs types as a method.
        users.label_from_instance = lambda user: f"{user} ({user.agency})"  # type: ignore[method-assign,assignment]
        teams.queryset = Team.objects.select_related("agency")
