"""The offence finder's form: three dates and the facts as GOV.UK checkboxes, grouped under
legends an officer recognises. Field names are the JSON contract's (issue 8), so the screen and
`POST /api/offences/` talk about the same things."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms

from vigil.core.offences import FACTS
from vigil.web.forms import GovukDateField, GovukForm


@dataclass(frozen=True)
class FactGroup:
    """One fieldset of checkboxes: its form field name, legend and the facts it offers."""

    name: str
    legend: str
    hint: str
    facts: tuple[str, ...]


FACT_GROUPS: tuple[FactGroup, ...] = (
    FactGroup(
        "what_happened",
        "What happened",
        "Select all that apply. Penetration also counts as sexual touching.",
        (
            "penile_penetration",
            "other_penetration",
            "sexual_touching",
            "caused_or_incited_sexual_activity",
            "sexual_activity_in_presence_of_child",
            "caused_child_to_watch_sexual_act",
            "sexual_communication",
        ),
    ),
    FactGroup(
        "meeting",
        "Grooming, meeting and arranging",
        "Select all that apply.",
        (
            "prior_meeting_or_communication",
            "met_or_travelled_to_meet_child",
            "arranged_or_facilitated_child_sex_offence",
        ),
    ),
    FactGroup(
        "relationship",
        "Relationship and circumstances",
        "Select all that apply.",
        (
            "position_of_trust",
            "family_relationship",
            "victim_intoxicated_or_drugged",
            "violence_or_threat_used",
        ),
    ),
    FactGroup(
        "exploitation",
        "Exploitation",
        "Select all that apply.",
        (
            "paid_for_sexual_services",
            "caused_or_incited_sexual_exploitation",
            "controlled_child_in_sexual_exploitation",
            "arranged_or_facilitated_sexual_exploitation",
            "arranged_or_facilitated_travel_for_exploitation",
        ),
    ),
    FactGroup(
        "images",
        "Indecent images",
        "Select all that apply.",
        ("made_or_took_indecent_image", "distributed_indecent_image", "possessed_indecent_image"),
    ),
    FactGroup(
        "belief_and_consent",
        "Belief and consent",
        "A reasonable belief about age is a defence to some offences, never an ingredient of one.",
        ("victim_did_not_consent", "believed_victim_16_or_over", "believed_victim_18_or_over"),
    ),
)

# Every fact in the core's vocabulary appears in exactly one group (checked by the tests too).
assert sorted(f for g in FACT_GROUPS for f in g.facts) == sorted(FACTS), "FACT_GROUPS drifted"

# The core names the field a date-order error belongs to; the screen words it the GOV.UK way.
DATE_ORDER_MESSAGES: dict[str, str] = {
    "victim_date_of_birth": "Victim's date of birth must be on or before the date of the incident",
    "suspect_date_of_birth": (
        "Suspect's date of birth must be on or before the date of the incident"
    ),
}


class OffenceFinderForm(GovukForm):
    victim_date_of_birth = GovukDateField(
        label="Victim's date of birth", past_only=True, help_text="For example, 27 3 2012"
    )
    suspect_date_of_birth = GovukDateField(
        label="Suspect's date of birth", past_only=True, help_text="For example, 14 8 1990"
    )
    incident_date = GovukDateField(
        label="Date of the incident",
        past_only=True,
        help_text="Ages are worked out on this date. For example, 3 11 2024",
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for group in FACT_GROUPS:
            self.fields[group.name] = forms.MultipleChoiceField(
                label=group.legend,
                help_text=group.hint,
                required=False,
                choices=[(fact, FACTS[fact]) for fact in group.facts],
                widget=forms.CheckboxSelectMultiple,
            )

    def fact_fields(self) -> list[forms.BoundField]:
        return [self[group.name] for group in FACT_GROUPS]

    def dates(self) -> tuple[date, date, date]:
        data = self.cleaned_data
        return (
            data["victim_date_of_birth"],
            data["suspect_date_of_birth"],
            data["incident_date"],
        )

    def facts(self) -> frozenset[str]:
        return frozenset(fact for group in FACT_GROUPS for fact in self.cleaned_data[group.name])

    def add_finder_error(self, error: ValueError) -> None:
        """Attach the core's error ("<field>: <problem>") to the field it names."""
        field, _, problem = str(error).partition(": ")
        if field in DATE_ORDER_MESSAGES and problem.startswith("after"):
            self.add_error(field, DATE_ORDER_MESSAGES[field])
        else:
            self.add_error(None, str(error))
