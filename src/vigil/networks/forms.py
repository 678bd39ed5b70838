"""Forms for the network screens and API. They only parse input: the filters a chart is drawn
with, whom to find a path to, and what an export is for."""

from __future__ import annotations

from typing import Any

from django import forms

from vigil.networks.selectors import GRADE_CHOICES, NetworkFilters
from vigil.web.forms import GovukDateField, GovukForm

MAX_HOPS = 3


class NetworkFilterForm(GovukForm):
    """Which links to draw. The same form parses the page's query string and the API's, so the
    chart's data always matches the tables under it."""

    start = GovukDateField(label="Active from", required=False, help_text="For example, 1 1 2025")
    end = GovukDateField(label="Active until", required=False)
    kind = forms.MultipleChoiceField(
        label="Types of link",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Leave all unticked to show every type",
    )
    grade = forms.ChoiceField(
        label="Intelligence grading",
        required=False,
        choices=GRADE_CHOICES,
        help_text="Source and assessment (3x5x2); recorded facts are always shown",
    )

    def __init__(self, *args: Any, link_kinds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.MultipleChoiceField)
        kind.choices = link_kinds

    @classmethod
    def filter_names(cls) -> set[str]:
        """The query-string names this form reads (the date fields are day, month, year)."""
        return {"kind", "grade", *(f"{name}_{i}" for name in ("start", "end") for i in range(3))}

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "Active until must be the same as or after active from")
        return data

    def filters(self) -> NetworkFilters:
        """The filters asked for; none when the form is unbound or invalid."""
        if not self.is_bound or not self.is_valid():
            return NetworkFilters()
        data = self.cleaned_data
        return NetworkFilters(
            start=data.get("start"),
            end=data.get("end"),
            link_kinds=tuple(data.get("kind") or ()),
            minimum_grade=data.get("grade") or "",
        )


class PathForm(GovukForm):
    """The two people to find the path between: from the person whose network this is unless
    another is chosen."""

    path_from = forms.TypedChoiceField(
        label="From", coerce=int, choices=[], required=False, empty_value=None
    )
    path_to = forms.TypedChoiceField(
        label="Show how they are connected to", coerce=int, choices=[], required=True
    )

    def __init__(
        self, *args: Any, people: list[tuple[int, str]], centre: tuple[int, str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        path_from, path_to = self.fields["path_from"], self.fields["path_to"]
        assert isinstance(path_from, forms.ChoiceField) and isinstance(path_to, forms.ChoiceField)
        path_from.choices = [("", centre[1]), *people]
        path_to.choices = [("", "Choose a person"), *people]
        self.fields["path_to"].error_messages["required"] = "Choose the person to find a path to"
        self.fields["path_to"].error_messages["invalid_choice"] = (
            "Choose a person from this network"
        )
        self.fields["path_from"].error_messages["invalid_choice"] = (
            "Choose a person from this network"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("path_from") is not None and data.get("path_from") == data.get("path_to"):
            self.add_error("path_to", "Choose two different people")
        return data


class HopsForm(forms.Form):
    """The API's `hops` parameter: how far out from the record to go."""

    hops = forms.IntegerField(min_value=1, max_value=MAX_HOPS, required=False)


class ExportForm(GovukForm):
    """A group export is a disclosure: who receives it and why are recorded in the audit log
    (Data Protection Act 2018 s62(2): the justification for and recipients of a disclosure)."""

    file_format = forms.ChoiceField(
        label="Format",
        widget=forms.RadioSelect,
        choices=[
            ("graphml", "GraphML, for i2 Analyst's Notebook or Gephi"),
            ("csv", "CSV spreadsheet of links"),
        ],
        error_messages={"required": "Choose GraphML or CSV"},
    )
    recipients = forms.CharField(
        label="Who will receive it",
        max_length=500,
        help_text="Name the people or teams, for example DC Jones, Operation Beacon",
    )
    justification = forms.CharField(
        label="Why are you disclosing it",
        widget=forms.Textarea,
        error_messages={"required": "Enter why you are disclosing it"},
        max_length=2000,
        help_text="For example, the investigation or strategy meeting it is for",
    )
    conditions_checked = forms.BooleanField(
        label="I have checked the handling conditions allow this disclosure",
        required=False,
    )

    def __init__(self, *args: Any, has_conditions: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.has_conditions = has_conditions
        if not has_conditions:
            del self.fields["conditions_checked"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # Handling code C: shared only as its conditions allow (APP Intelligence management).
        if self.has_conditions and not data.get("conditions_checked"):
            self.add_error(
                "conditions_checked",
                "Confirm you have checked the handling conditions allow this disclosure",
            )
        return data
