"""Forms of the auditor's screens. They only parse input."""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

from django import forms

from vigil.web.forms import GovukDateField, GovukForm


class PersonHistoryForm(GovukForm):
    reference = forms.CharField(
        label="Person reference",
        max_length=20,
        help_text="For example, P-42",
        widget=forms.TextInput(attrs={"class": "govuk-input--width-10"}),
    )

    def clean_reference(self) -> int:
        match = re.fullmatch(r"\s*(?:[Pp]-?)?(\d{1,12})\s*", self.cleaned_data["reference"])
        if not match:
            raise forms.ValidationError("Enter a person reference like P-42")
        return int(match.group(1))


class UserActivityForm(GovukForm):
    username = forms.CharField(
        label="Username", max_length=150, widget=forms.TextInput(attrs={"spellcheck": "false"})
    )
    start = GovukDateField(label="From", help_text="For example, 1 11 2026")
    end = GovukDateField(label="To", help_text="For example, 30 11 2026")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "The 'to' date must be the same as or after the 'from' date")
        if start and end and end - start > timedelta(days=366):
            self.add_error("end", "Choose a period of a year or less")
        return data

    @staticmethod
    def default_period(today: date) -> dict[str, date]:
        return {"start": today - timedelta(days=30), "end": today}
