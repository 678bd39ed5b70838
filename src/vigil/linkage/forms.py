"""Forms of the linkage screens. They only parse input; services validate and decide."""

from __future__ import annotations

from django import forms

from vigil.web.forms import GovukForm

DECISIONS = [
    ("accept", "Same person: link these records"),
    ("reject", "Not the same person: never suggest this pair again"),
    ("defer", "Not sure yet: decide later"),
]


class DecisionForm(GovukForm):
    decision = forms.ChoiceField(
        label="Are these the same person?",
        choices=DECISIONS,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether these are the same person"},
    )
    reason = forms.CharField(
        label="Why?",
        widget=forms.Textarea,
        required=False,
        max_length=2000,
        help_text="Needed if they are not the same person. For example, twins: "
        "different school year groups",
    )


class UnmergeForm(GovukForm):
    reason = forms.CharField(
        label="Why are these not the same person?",
        widget=forms.Textarea,
        error_messages={"required": "Enter why these are not the same person"},
        max_length=2000,
        help_text="The records stay as they are; only the link between them is removed",
    )
