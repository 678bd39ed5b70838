"""Forms for warning signs and screening. They only parse input; services validate and save."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.datastructures import MultiValueDict

from vigil.core import screening as core
from vigil.core.taxonomy import TaxonomyItem, load_taxonomy
from vigil.people.forms import parse_reference
from vigil.people.models import AccessLevel
from vigil.safeguarding.models import AdviceAction, ObservationSource, ScreeningTask
from vigil.web.forms import GovukDateField, GovukForm

# The headings of the "record a concern" page, in the guidance's order: the five warning-sign
# categories (Warning signs), then vulnerabilities (Risk factors), then the rest, folded away.
OTHER_KINDS: tuple[tuple[str, str], ...] = (
    ("location_of_concern", "Places of concern"),
    ("online_method", "Online methods"),
    ("coercion_method", "Methods of coercion"),
    ("exploitation_type", "Types of exploitation"),
)


def _choice_field(form: forms.BaseForm, name: str) -> forms.ChoiceField:
    """A choice field whose choices are set when the form is made (they are policy data)."""
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


def concern_groups() -> list[tuple[str, str, tuple[TaxonomyItem, ...], bool]]:
    """(key, heading, items, open) for each checkbox group; derived items are left out."""
    taxonomy = load_taxonomy()
    groups: list[tuple[str, str, tuple[TaxonomyItem, ...], bool]] = []
    for category, items in taxonomy.warning_signs_by_category().items():
        heading = f"Warning signs: {taxonomy.category_labels[category]}"
        groups.append((category, heading, items, True))
    vulnerabilities = tuple(item for item in taxonomy.by_kind("vulnerability") if not item.derived)
    groups.append(("vulnerability", "Vulnerabilities (risk factors)", vulnerabilities, True))
    for kind, heading in OTHER_KINDS:
        items = tuple(item for item in taxonomy.by_kind(kind) if not item.derived)
        groups.append((kind, heading, items, False))
    return groups


def recordable_choices() -> list[tuple[str, str]]:
    return [(item.code, item.label) for _, _, items, _ in concern_groups() for item in items]


class ConcernForm(GovukForm):
    codes = forms.MultipleChoiceField(
        label="What have you seen?",
        choices=[],
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Select at least one warning sign or vulnerability"},
    )
    observed_on = GovukDateField(
        label="Date it was seen", past_only=True, help_text="For example, 27 3 2026"
    )
    source = forms.ChoiceField(
        label="Who saw it?",
        choices=[("", "Select who saw it"), *ObservationSource.choices],
        error_messages={"required": "Select who saw it"},
    )
    note = forms.CharField(
        label="What was seen",
        widget=forms.Textarea,
        required=False,
        help_text="Facts, in the words used: who, where, what was said",
    )
    involved = forms.CharField(
        label="People, vehicles or places involved (optional)",
        required=False,
        max_length=400,
        help_text="References separated by commas, like P-42 (the adult), O-7 (the car), "
        "L-3 (the hotel)",
    )
    access_level = forms.ChoiceField(
        label="Access", choices=AccessLevel.choices, initial=AccessLevel.STANDARD
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "codes").choices = recordable_choices()

    def clean_involved(self) -> list[tuple[str, int]]:
        text = self.cleaned_data.get("involved", "")
        refs = []
        for part in text.replace(";", ",").split(","):
            if part.strip():
                refs.append(parse_reference(part))
        return refs

    def grouped(self) -> list[dict[str, Any]]:
        """The checkbox groups with each item's id, guidance wording and checked state. Ids
        run id_codes_0, 1, ... across groups, so the error summary links to the first box."""
        data = self.data
        chosen: set[str] = set()
        if self.is_bound and isinstance(data, MultiValueDict):
            chosen = set(data.getlist("codes"))
        index = 0
        out = []
        for key, heading, items, is_open in concern_groups():
            rows = []
            for item in items:
                rows.append(
                    {
                        "id": f"id_codes_{index}",
                        "code": item.code,
                        "label": item.label,
                        "hint": item.source,
                        "checked": item.code in chosen,
                    }
                )
                index += 1
            out.append(
                {
                    "key": key,
                    "heading": heading,
                    "items": rows,
                    "open": is_open or any(row["checked"] for row in rows),
                }
            )
        return out


def level_choices() -> list[tuple[str, str]]:
    return [(str(level.rank), level.label.capitalize()) for level in core.levels()]


class OverrideForm(GovukForm):
    rank = forms.TypedChoiceField(
        label="Level in your professional judgement",
        choices=[],
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": "Select a level"},
    )
    reason = forms.CharField(
        label="Reason",
        widget=forms.Textarea,
        help_text="What you know that the rules do not. This is shown beside the rule result.",
        error_messages={"required": "Enter the reason for your judgement"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "rank").choices = level_choices()


class OverrideDecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Do you approve lowering the level?",
        choices=[("approve", "Approve"), ("reject", "Do not approve")],
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether you approve"},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        required=False,
        help_text="Required if you do not approve",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if data.get("decision") == "reject" and not (data.get("note") or "").strip():
            self.add_error("note", "Enter why the lowering is not approved")
        return data


class ReasonForm(GovukForm):
    reason = forms.CharField(
        label="Reason", widget=forms.Textarea, error_messages={"required": "Enter the reason"}
    )


class ObservationWithdrawForm(GovukForm):
    observation = forms.ChoiceField(
        label="Which observation?",
        choices=[],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the observation to withdraw"},
    )
    reason = forms.CharField(
        label="Why is it being withdrawn?",
        widget=forms.Textarea,
        help_text="For example, recorded against the wrong child",
        error_messages={"required": "Enter why the observation is being withdrawn"},
    )

    def __init__(self, *args: Any, observations: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._observations = {str(row.pk): row for row in observations}
        # The value carries the version read, so a change made meanwhile is not overwritten.
        _choice_field(self, "observation").choices = [
            (
                f"{row.pk}:{row.version}",
                f"{row.label}, {row.observed_on:%d/%m/%Y} ({row.get_source_display()})",
            )
            for row in observations
        ]
        wanted = self.initial.get("observation")
        if wanted in self._observations:
            row = self._observations[wanted]
            self.initial["observation"] = f"{row.pk}:{row.version}"

    def chosen(self) -> tuple[Any, int]:
        pk, _, version = self.cleaned_data["observation"].partition(":")
        return self._observations[pk], int(version)


class AdviceActionForm(GovukForm):
    status = forms.ChoiceField(
        label="What happened?",
        choices=AdviceAction.Status.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        required=False,
        help_text="Required if the action is not needed: say why",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("status") == AdviceAction.Status.NOT_NEEDED
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", "Enter why this action is not needed")
        return data


class TaskCloseForm(GovukForm):
    status = forms.ChoiceField(
        label="What happened?",
        choices=[
            (ScreeningTask.Status.DONE, "Screened: I have recorded what is known"),
            (ScreeningTask.Status.NOT_NEEDED, "Not needed"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select what happened"},
    )
    note = forms.CharField(
        label="Note",
        widget=forms.Textarea,
        required=False,
        help_text="Required if screening is not needed: say why",
    )

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        if (
            data.get("status") == ScreeningTask.Status.NOT_NEEDED
            and not (data.get("note") or "").strip()
        ):
            self.add_error("note", "Enter why screening is not needed")
        return data


class ImportForm(GovukForm):
    file = forms.FileField(
        label="CSV file",
        help_text="Columns: child (like P-42), code, observed_on (2026-03-14 or 14/03/2026), "
        "source, note. One bad row rejects the whole file.",
        error_messages={"required": "Select a CSV file"},
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".csv"):
            raise ValidationError("The file must be a CSV")
        return upload


class CaseloadFilterForm(GovukForm):
    view = forms.ChoiceField(
        label="Show",
        required=False,
        choices=[
            ("all", "All children"),
            ("raised", "Newly raised this week"),
            ("overdue", "Reviews overdue"),
        ],
    )
    level = forms.TypedMultipleChoiceField(
        label="Level",
        required=False,
        coerce=int,
        choices=[],
        widget=forms.CheckboxSelectMultiple,
    )
    area = forms.ChoiceField(label="Area", required=False, choices=[])
    team = forms.TypedChoiceField(
        label="Team", required=False, coerce=int, empty_value=None, choices=[]
    )
    agency = forms.TypedChoiceField(
        label="Agency", required=False, coerce=int, empty_value=None, choices=[]
    )

    def __init__(
        self,
        *args: Any,
        areas: list[str],
        teams: list[tuple[int, str]],
        agencies: list[tuple[int, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        _choice_field(self, "level").choices = level_choices()
        _choice_field(self, "area").choices = [("", "Any area"), *[(a, a) for a in areas]]
        _choice_field(self, "team").choices = [("", "Any team"), *teams]
        _choice_field(self, "agency").choices = [("", "Any agency"), *agencies]
